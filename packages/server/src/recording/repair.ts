/**
 * Crash repair. A recording still `in-progress`, `paused` or `processing` at start was being made by
 * a process that died (`kill -9`, power loss): its spool WAV holds everything written up to the
 * crash, behind a header that still says zero (or an earlier) length. The header is recomputed from
 * the file's size, the recording gets its true duration and goes on to `processing`, and the normal
 * finalization stores it and fires its callback. A recording whose spool file is gone or unreadable
 * is marked `failed`.
 */
import { open } from 'node:fs/promises';
import type { Clock, Logger } from '../core/index.ts';
import type { RecordingRecord, Store } from '../store/ports.ts';
import { repairWavHeader } from './wav.ts';

/** Enough for a canonical header and a few chunks before `data`. */
const HEADER_READ_BYTES = 4096;

export interface RepairDeps {
  readonly store: Pick<Store, 'recordings'>;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Fixes the spool file of an unfinished recording: the record, now `processing` or `failed`. */
export async function repairRecording(record: RecordingRecord, deps: RepairDeps): Promise<RecordingRecord> {
  const log = deps.log.child({ recordingSid: record.sid });
  const path = record.spoolPath;
  if (path === null && record.wavKey !== null) {
    // It was stored; only the last update was lost.
    const done = { status: 'completed' as const, dateUpdated: deps.clock.now() };
    await deps.store.recordings.update(record.accountSid, record.sid, done);
    return { ...record, ...done };
  }
  let durationMs: number | null = null;
  if (path !== null) {
    try {
      const file = await open(path, 'r+');
      try {
        const { size } = await file.stat();
        const head = Buffer.alloc(Math.min(HEADER_READ_BYTES, size));
        await file.read(head, 0, head.length, 0);
        const repaired = repairWavHeader(head, size);
        if (repaired.ok) {
          await file.write(repaired.value.header, 0, repaired.value.header.length, 0);
          await file.sync();
          durationMs = repaired.value.durationMs;
        } else {
          log.error({ path, reason: repaired.error }, 'an unfinished recording cannot be repaired');
        }
      } finally {
        await file.close();
      }
    } catch (err) {
      log.error({ err, path }, 'the spool file of an unfinished recording cannot be read');
    }
  }
  const dateUpdated = deps.clock.now();
  const patch = durationMs === null
    ? { status: 'failed' as const, durationMs: 0, dateUpdated }
    : { status: 'processing' as const, durationMs, dateUpdated };
  await deps.store.recordings.update(record.accountSid, record.sid, patch);
  log.info({ status: patch.status, durationMs: patch.durationMs }, 'repaired a recording left unfinished by the previous run');
  return { ...record, ...patch };
}
