/**
 * Denwa's recorder (the call engine's `RecorderPort`): starts recordings on call legs, streams each
 * to a spool WAV while the call lasts, and when it ends fixes the header, trims silence when asked,
 * hands the WAV to the storage, marks the recording `completed` (or `absent`) with its true duration,
 * fires the status callback and encodes the MP3 in a worker, off the event loop. All recordings share
 * one periodic tick that writes what is older than the jitter window.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { VoiceError, type AccountSid, type CallSid, type RecordingSid } from '@denwa/protocol';
import type { ActiveRecording, MediaEndpoint, MediaResult, PauseBehavior, RecorderPort, RecordingOptions, WebhookClient } from '../calls/ports.ts';
import type { Clock, IdGenerator, Logger, TimerHandle } from '../core/index.ts';
import type { RecordingPatch, RecordingRecord, Store } from '../store/ports.ts';
import { CallRecorder } from './call-recorder.ts';
import type { Mp3EncoderPool } from './mp3/index.ts';
import { finalizeRecording, mediaKey } from './finalize.ts';
import { sendRecordingCallback } from './recording-callbacks.ts';
import { repairRecording } from './repair.ts';
import { SpoolWriter } from './spool-writer.ts';
import type { ByteRange, RecordingStorage } from './storage/index.ts';

/**
 * Every recording writes what is older than the jitter window every 500 ms, in 10 groups taking turns
 * every 50 ms: the work of a tick is a tenth of all recordings, so the event loop (shared with the
 * media relay) never stalls for all of them at once.
 */
const TICK_MS = 50;
const TICK_GROUPS = 10;

export interface RecordingServiceOptions {
  readonly store: Pick<Store, 'recordings'>;
  readonly storage: RecordingStorage;
  /** Where WAVs are written while recording (local disk, also with S3 storage). */
  readonly spoolDir: string;
  readonly webhooks: WebhookClient;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly log: Logger;
  /** The REST API's public origin (`https://host:port`), for `RecordingUrl` (known once the server listens). */
  readonly publicBaseUrl: () => string;
  /** Encodes the `.mp3`; null: MP3 is not made. */
  readonly mp3: Mp3EncoderPool | null;
}

/** The recording rate from the legs' codecs: 8 kHz when a leg is G.711 (a phone call), else 16 kHz. */
export function recordingSampleRate(...legs: (MediaEndpoint | null)[]): number {
  const names = legs.map((l) => l?.codec?.name.toUpperCase());
  return names.some((n) => n === 'PCMU' || n === 'PCMA') || names.every((n) => n === undefined) ? 8000 : 16000;
}

interface Active {
  record: RecordingRecord;
  readonly recorder: CallRecorder;
  /** Which of the {@link TICK_GROUPS} turns writes this recording. */
  readonly group: number;
  stopped: Promise<RecordingRecord> | null;
}

export class RecordingService implements RecorderPort {
  readonly #o: RecordingServiceOptions;
  readonly #active = new Map<RecordingSid, Active>();
  /** Finalizations in flight (storage, MP3): awaited by {@link close}. */
  readonly #finishing = new Set<Promise<void>>();
  #timer: TimerHandle | null = null;
  #ticks = 0;
  #started = 0;
  #closed = false;

  constructor(options: RecordingServiceOptions) {
    this.#o = options;
  }

  recordingUrl(accountSid: AccountSid, sid: RecordingSid): string {
    return `${this.#o.publicBaseUrl()}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`;
  }

  /** The live recording `sid`, if it is being made in this process. */
  active(sid: RecordingSid): ActiveRecording | null {
    const a = this.#active.get(sid);
    return a === undefined ? null : this.#handle(a);
  }

  activeForCall(callSid: CallSid): readonly ActiveRecording[] {
    return [...this.#active.values()].filter((a) => a.record.callSid === callSid).map((a) => this.#handle(a));
  }

  /**
   * The stored media of a completed recording: its size and a stream of `range` (null when absent).
   * The MP3 may still be encoding right after completion; then it is absent for a moment.
   */
  async media(record: RecordingRecord, format: 'wav' | 'mp3', range?: ByteRange): Promise<{ readonly size: number; readonly stream: Readable } | null> {
    const key = format === 'wav' ? record.wavKey : record.mp3Key;
    if (key === null) return null;
    const stored = await this.#o.storage.stat(key);
    if (stored === null) return null;
    const stream = await this.#o.storage.read(key, range);
    return stream === null ? null : { size: stored.size, stream };
  }

  /** Deletes a recording's stored media (its record is the caller's to delete). */
  async deleteMedia(record: RecordingRecord): Promise<void> {
    for (const key of [record.wavKey, record.mp3Key]) if (key !== null) await this.#o.storage.delete(key);
  }

  async start(options: RecordingOptions, parent: MediaEndpoint | null, child: MediaEndpoint | null): Promise<MediaResult<ActiveRecording>> {
    const o = this.#o;
    const sid = o.ids.sid('recording');
    const now = o.clock.now();
    const sampleRate = recordingSampleRate(parent, child);
    const spoolPath = join(o.spoolDir, `${sid}.wav`);
    let writer: SpoolWriter;
    try {
      writer = await SpoolWriter.create(spoolPath, sampleRate, options.channels);
    } catch (err) {
      o.log.error({ err, callSid: options.callSid }, 'cannot create the recording spool file');
      return { ok: false, error: new VoiceError(16114, 'the recording could not be started: its spool file cannot be created') };
    }
    const record: RecordingRecord = {
      sid, accountSid: options.accountSid, callSid: options.callSid, conferenceSid: null, status: 'in-progress', source: options.source,
      channels: options.channels, track: options.track, sampleRate, trim: options.trim, startTime: now, durationMs: null, spoolPath,
      wavKey: null, mp3Key: null, statusCallback: options.statusCallback, statusCallbackMethod: options.statusCallbackMethod,
      statusCallbackEvents: options.statusCallbackEvents, errorCode: null, dateCreated: now, dateUpdated: now,
    };
    await o.store.recordings.insert(record);
    const recorder = new CallRecorder({ sampleRate, channels: options.channels, track: options.track, startMs: now, writer });
    recorder.setLegs(parent, child);
    const active: Active = { record, recorder, group: this.#started++ % TICK_GROUPS, stopped: null };
    this.#active.set(sid, active);
    this.#timer ??= o.clock.setTimeout(() => { this.#tick(); }, TICK_MS);
    void sendRecordingCallback(o.webhooks, o.log, record, this.recordingUrl(record.accountSid, sid));
    o.log.info({ recordingSid: sid, callSid: options.callSid, channels: options.channels, sampleRate }, 'recording started');
    return { ok: true, value: this.#handle(active) };
  }

  #handle(a: Active): ActiveRecording {
    return {
      sid: a.record.sid,
      callSid: a.record.callSid,
      get record() { return a.record; },
      setLegs: (parent, child) => { a.recorder.setLegs(parent, child); },
      pause: (behavior: PauseBehavior) => {
        if (!a.recorder.pause(this.#o.clock.now(), behavior)) return false;
        void this.#update(a, { status: 'paused' });
        return true;
      },
      resume: () => {
        if (!a.recorder.resume(this.#o.clock.now())) return false;
        void this.#update(a, { status: 'in-progress' });
        return true;
      },
      stop: () => this.#stop(a),
    };
  }

  async #update(a: Active, patch: Omit<RecordingPatch, 'dateUpdated'>): Promise<RecordingRecord> {
    const next = { ...a.record, ...patch, dateUpdated: this.#o.clock.now() };
    a.record = next;
    try {
      await this.#o.store.recordings.update(next.accountSid, next.sid, { ...patch, dateUpdated: next.dateUpdated });
    } catch (err) {
      this.#o.log.error({ err, recordingSid: next.sid }, 'recording update failed');
    }
    return next;
  }

  #tick(): void {
    this.#timer = null;
    const now = this.#o.clock.now();
    const turn = this.#ticks++ % TICK_GROUPS;
    for (const a of this.#active.values()) if (a.group === turn) a.recorder.tick(now);
    if (this.#active.size > 0 && !this.#closed) this.#timer = this.#o.clock.setTimeout(() => { this.#tick(); }, TICK_MS);
  }

  #stop(a: Active): Promise<RecordingRecord> {
    a.stopped ??= (async () => {
      const o = this.#o;
      let dataBytes = 0;
      let failed = false;
      try {
        dataBytes = await a.recorder.finish(o.clock.now());
      } catch (err) {
        failed = true;
        o.log.error({ err, recordingSid: a.record.sid }, 'the recording spool file could not be written');
      }
      this.#active.delete(a.record.sid);
      const durationMs = Math.round((dataBytes / (2 * a.record.channels) / a.record.sampleRate) * 1000);
      const record = await this.#update(a, failed ? { status: 'failed', durationMs: 0 } : { status: 'processing', durationMs });
      if (!failed) this.#finish(record);
      else void sendRecordingCallback(o.webhooks, o.log, record, this.recordingUrl(record.accountSid, record.sid));
      return record;
    })();
    return a.stopped;
  }

  /** Stores a processed recording in the background (see {@link finalizeRecording}). */
  #finish(record: RecordingRecord): void {
    const o = this.#o;
    const work = finalizeRecording(record, {
      store: o.store, storage: o.storage, mp3: o.mp3, log: o.log, clock: o.clock,
      onStored: (stored) => sendRecordingCallback(o.webhooks, o.log, stored, this.recordingUrl(stored.accountSid, stored.sid)),
    }).then(
      () => undefined,
      (err: unknown) => { o.log.error({ err, recordingSid: record.sid }, 'recording finalization failed'); },
    );
    this.#finishing.add(work);
    void work.finally(() => this.#finishing.delete(work));
  }

  /** Repairs and completes the recordings a previous run left unfinished (a crash mid-call). */
  async repairUnfinished(): Promise<number> {
    await this.#sweepSpool();
    const unfinished = await this.#o.store.recordings.listUnfinished();
    for (const record of unfinished) {
      const repaired = await repairRecording(record, { store: this.#o.store, clock: this.#o.clock, log: this.#o.log });
      if (repaired.status === 'processing') this.#finish(repaired);
      else if (repaired.status === 'completed') continue;
      else void sendRecordingCallback(this.#o.webhooks, this.#o.log, repaired, this.recordingUrl(repaired.accountSid, repaired.sid));
    }
    return unfinished.length;
  }

  /**
   * Removes what a crash left half made in the spool folder: MP3 temp files (`*.tmp`) and trimmed copies
   * (`*.trim`). They are made again from the spool WAV when its recording is finished.
   */
  async #sweepSpool(): Promise<void> {
    const names = await readdir(this.#o.spoolDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.tmp') && !name.endsWith('.trim')) continue;
      await rm(join(this.#o.spoolDir, name), { force: true }).catch((err: unknown) => { this.#o.log.warn({ err, name }, 'cannot remove a spool leftover'); });
    }
  }

  /** The storage key of a finished recording's media in `format`. */
  static key(record: RecordingRecord, format: 'wav' | 'mp3'): string {
    return mediaKey(record, format);
  }

  /** Stops every recording, then waits for storage and MP3 work (bounded by the storage's own timeouts). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all([...this.#active.values()].map((a) => this.#stop(a)));
    await Promise.all([...this.#finishing]);
  }
}
