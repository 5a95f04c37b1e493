/**
 * What happens to a recording between the end of the call and `completed`: silence trimmed when the
 * recording asked for it, the MP3 encoded in a worker from the local WAV, both handed to the storage,
 * the record marked `completed` with its true duration (or `absent` with 16102 when nothing but
 * silence was recorded), then the status callback. Every step reads and writes files in bounded
 * chunks, never a whole recording in memory.
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import type { Clock, Logger } from '../core/index.ts';
import type { RecordingPatch, RecordingRecord, Store } from '../store/ports.ts';
import type { Mp3EncoderPool } from './mp3/index.ts';
import { SilenceScanner } from './silence-trim.ts';
import type { RecordingStorage } from './storage/index.ts';
import { WAV_HEADER_BYTES, parseWavHeader, wavDurationMs, wavHeader } from './wav.ts';

/** Bytes read or copied per step (a multiple of every frame size: 2 or 4 bytes). */
const CHUNK_BYTES = 1 << 20;

export interface FinalizeDeps {
  readonly store: Pick<Store, 'recordings'>;
  readonly storage: RecordingStorage;
  readonly mp3: Mp3EncoderPool | null;
  readonly log: Logger;
  readonly clock: Clock;
  /** Called with the record once it is `completed` or `absent` (the status callback). */
  readonly onStored: (record: RecordingRecord) => Promise<void>;
}

/** Where a recording's media lives in the storage. */
export function mediaKey(record: Pick<RecordingRecord, 'accountSid' | 'sid'>, format: 'wav' | 'mp3'): string {
  return `${record.accountSid}/${record.sid}.${format}`;
}

/** The data length and duration of a finished spool WAV. */
async function readInfo(path: string): Promise<{ dataBytes: number; sampleRate: number; channels: number }> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(WAV_HEADER_BYTES);
    await file.read(head, 0, WAV_HEADER_BYTES, 0);
    const parsed = parseWavHeader(head);
    if (!parsed.ok) throw new Error(`spool file ${path}: ${parsed.error}`);
    return { dataBytes: parsed.value.dataBytes, sampleRate: parsed.value.sampleRate, channels: parsed.value.channels };
  } finally {
    await file.close();
  }
}

/**
 * Cuts leading and trailing silence out of the WAV at `path` (in place): its new data length.
 * Reads it twice in chunks: once to find the bounds, once to copy what is kept.
 */
export async function trimWavFile(path: string): Promise<number> {
  const { dataBytes, sampleRate, channels } = await readInfo(path);
  const frameBytes = 2 * channels;
  const scanner = new SilenceScanner(channels, sampleRate);
  const file = await open(path, 'r');
  const buf = Buffer.alloc(CHUNK_BYTES);
  try {
    for (let at = 0; at < dataBytes; ) {
      const { bytesRead } = await file.read(buf, 0, Math.min(CHUNK_BYTES, dataBytes - at), WAV_HEADER_BYTES + at);
      if (bytesRead === 0) break;
      scanner.push(new Int16Array(buf.buffer, buf.byteOffset, bytesRead >> 1));
      at += bytesRead;
    }
    const { startFrame, endFrame } = scanner.bounds();
    const keepBytes = (endFrame - startFrame) * frameBytes;
    if (keepBytes === dataBytes) return dataBytes;
    const trimmedPath = `${path}.trim`;
    const out = await open(trimmedPath, 'w', 0o600);
    try {
      await out.write(wavHeader({ sampleRate, channels, dataBytes: keepBytes }), 0, WAV_HEADER_BYTES, 0);
      for (let done = 0; done < keepBytes; ) {
        const { bytesRead } = await file.read(buf, 0, Math.min(CHUNK_BYTES, keepBytes - done), WAV_HEADER_BYTES + startFrame * frameBytes + done);
        if (bytesRead === 0) break;
        await out.write(buf, 0, bytesRead, WAV_HEADER_BYTES + done);
        done += bytesRead;
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(trimmedPath, path);
    return keepBytes;
  } finally {
    await file.close();
  }
}

async function update(deps: FinalizeDeps, record: RecordingRecord, patch: Omit<RecordingPatch, 'dateUpdated'>): Promise<RecordingRecord> {
  const dateUpdated = deps.clock.now();
  const next = { ...record, ...patch, dateUpdated };
  await deps.store.recordings.update(record.accountSid, record.sid, { ...patch, dateUpdated });
  return next;
}

/** Completes a `processing` recording whose spool WAV is final (see the module doc). */
export async function finalizeRecording(record: RecordingRecord, deps: FinalizeDeps): Promise<RecordingRecord> {
  const spool = record.spoolPath;
  if (spool === null) return record;
  const log = deps.log.child({ recordingSid: record.sid });
  let current = record;
  try {
    const dataBytes = record.trim ? await trimWavFile(spool) : (await readInfo(spool)).dataBytes;
    const durationMs = wavDurationMs(dataBytes, record.sampleRate, record.channels);
    if (dataBytes === 0) {
      await rm(spool, { force: true });
      current = await update(deps, current, { status: 'absent', errorCode: 16102, durationMs: 0, spoolPath: null });
      await deps.onStored(current);
      return current;
    }
    let mp3Key: string | null = null;
    const mp3Path = spool.replace(/\.wav$/, '.mp3');
    if (deps.mp3 !== null) {
      try {
        await deps.mp3.encode(spool, mp3Path);
        mp3Key = mediaKey(record, 'mp3');
        await deps.storage.put(mp3Key, mp3Path, 'audio/mpeg');
      } catch (err) {
        mp3Key = null;
        await rm(mp3Path, { force: true });
        log.error({ err }, 'the recording MP3 could not be made; the WAV is kept');
      }
    }
    const wavKey = mediaKey(record, 'wav');
    await deps.storage.put(wavKey, spool, 'audio/x-wav');
    current = await update(deps, current, { status: 'completed', durationMs, wavKey, mp3Key, spoolPath: null });
    log.info({ durationMs, bytes: dataBytes, mp3: mp3Key !== null }, 'recording stored');
  } catch (err) {
    log.error({ err }, 'the recording could not be stored');
    const exists = await stat(spool).then(() => true, () => false);
    current = await update(deps, current, { status: 'failed', spoolPath: exists ? spool : null });
  }
  await deps.onStored(current);
  return current;
}
