/**
 * The Recordings tests' setup: the HTTP app over a memory store with a real `RecordingService`
 * (files in a temporary `FilesystemStorage`, no MP3 encoder: tests put their own MP3) and a real
 * `CallEngine` on fake media, so a browser call can be placed, answered by TwiML and recorded.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { ManualClock, makeTempDir } from '@denwa/testkit';
import type { AccountSid, CallSid, RecordingSid } from '@denwa/protocol';
import { buildApp } from '../../src/app.ts';
import { CallEngine } from '../../src/calls/index.ts';
import { RandomIdGenerator, createLogger } from '../../src/core/index.ts';
import { encodeWavToMp3 } from '../../src/recording/mp3/index.ts';
import { RecordingService } from '../../src/recording/recording-service.ts';
import { FilesystemStorage } from '../../src/recording/storage/index.ts';
import { wavHeader } from '../../src/recording/wav.ts';
import { createMemoryStore, type RecordingRecord, type Store } from '../../src/store/index.ts';
import { FakeConnection, FakeMedia, FakeWebhooks, type FakeEndpoint } from '../calls/fakes.ts';
import { PUBLIC_URL, WEB_SOURCES, basic } from '../harness.ts';

export interface RecordingsHarness {
  readonly app: Awaited<ReturnType<typeof buildApp>>;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly ids: RandomIdGenerator;
  readonly accountSid: AccountSid;
  readonly authToken: string;
  readonly auth: string;
  readonly base: string;
  readonly service: RecordingService;
  readonly storage: FilesystemStorage;
  readonly engine: CallEngine;
  readonly media: FakeMedia;
  /** A scratch directory, removed by `close`. */
  readonly tempDir: string;
  /** Inserts a recording (completed, mono, 8 kHz, from `<Dial record>` unless overridden). */
  seed(fields?: Partial<RecordingRecord>): Promise<RecordingRecord>;
  /** Stores `bytes` as the recording's `format` media and sets its key. */
  putMedia(record: RecordingRecord, format: 'wav' | 'mp3', bytes: Buffer): Promise<RecordingRecord>;
  /** A browser call from alice answered by `<Pause>`: live, in progress, its leg the fake endpoint. */
  liveCall(): Promise<{ readonly callSid: CallSid; readonly endpoint: FakeEndpoint }>;
  /** Lets promise chains and the recorder's finalization run. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A canonical PCM16 WAV of interleaved `samples`. */
export function wavFile(channels: 1 | 2, samples: readonly number[], sampleRate = 8000): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  return Buffer.concat([wavHeader({ sampleRate, channels, dataBytes: data.length }), data]);
}

/** The samples of a PCM16 WAV's data (after a 44-byte header). */
export function samplesOf(wav: Buffer): number[] {
  const out: number[] = [];
  for (let at = 44; at + 1 < wav.length; at += 2) out.push(wav.readInt16LE(at));
  return out;
}

/** A real MP3 of `seconds` of a 440 Hz tone (8 kHz mono), encoded from a WAV in `dir`. */
export async function mp3File(dir: string, seconds: number): Promise<Buffer> {
  const samples = Array.from({ length: seconds * 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  const wav = join(dir, 'tone.wav');
  const mp3 = join(dir, 'tone.mp3');
  await writeFile(wav, wavFile(1, samples));
  await encodeWavToMp3(wav, mp3);
  return readFile(mp3);
}

export const settle = async (): Promise<void> => { for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r)); };

export async function recordingsHarness(): Promise<RecordingsHarness> {
  const dir = makeTempDir('denwa-rec-api-');
  const store = createMemoryStore();
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const ids = new RandomIdGenerator();
  const accountSid = ids.sid('account');
  const authToken = ids.secret();
  const applicationSid = ids.sid('application');
  const now = clock.now();
  await store.accounts.upsert({ sid: accountSid, friendlyName: 'Test', authToken, status: 'active', dateCreated: now, dateUpdated: now });
  await store.applications.insert({
    sid: applicationSid, accountSid, friendlyName: 'app', voiceUrl: 'https://app.test/voice', voiceMethod: 'POST', voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST', statusCallback: null, statusCallbackMethod: 'POST', voiceCallerIdLookup: false, dateCreated: now, dateUpdated: now,
  });
  const log = createLogger({ level: 'silent' });
  const web = new FakeWebhooks();
  web.twiml.set('https://app.test/voice', '<Response><Pause length="600"/></Response>');
  const media = new FakeMedia();
  const storage = new FilesystemStorage({ root: join(dir.path, 'media') });
  const service = new RecordingService({
    store, storage, spoolDir: dir.path, webhooks: web, clock, ids, log, publicBaseUrl: () => PUBLIC_URL, mp3: null,
  });
  const engine = new CallEngine({ store, webhooks: web, media, clients: { registered: () => [] }, clock, ids, log, recorder: service });
  const app = await buildApp({
    store, ids, clock, calls: engine, recordings: service, publicUrl: PUBLIC_URL, defaultAccountSid: accountSid,
    log: pino({ level: 'silent' }), console: { version: 'test', httpsUrl: null, caCertPem: null, webSources: WEB_SOURCES },
  });
  let files = 0;
  return {
    app, store, clock, ids, accountSid, authToken, service, storage, engine, media, tempDir: dir.path,
    auth: basic(accountSid, authToken),
    base: `/2010-04-01/Accounts/${accountSid}`,
    async seed(fields = {}) {
      const sid: RecordingSid = ids.sid('recording');
      const at = clock.now();
      const record: RecordingRecord = {
        sid, accountSid, callSid: ids.sid('call'), conferenceSid: null, status: 'completed', source: 'DialVerb', channels: 1, track: 'both',
        sampleRate: 8000, trim: false, startTime: at - 10_000, durationMs: 9_600, spoolPath: null, wavKey: null, mp3Key: null,
        statusCallback: null, statusCallbackMethod: 'POST', statusCallbackEvents: ['completed'], errorCode: null, dateCreated: at, dateUpdated: at,
        ...fields,
      };
      await store.recordings.insert(record);
      return record;
    },
    async putMedia(record, format, bytes) {
      const path = join(dir.path, `upload-${String(files++)}.${format}`);
      await writeFile(path, bytes);
      const key = RecordingService.key(record, format);
      await storage.put(key, path, format === 'wav' ? 'audio/x-wav' : 'audio/mpeg');
      const updated = await store.recordings.update(record.accountSid, record.sid, { [format === 'wav' ? 'wavKey' : 'mp3Key']: key, dateUpdated: clock.now() });
      if (updated === null) throw new Error('recording missing');
      return updated;
    },
    async liveCall() {
      const alice = new FakeConnection('alice-1', 'alice', accountSid);
      const callSid = engine.placeCall({ connection: alice, accountSid, applicationSid, params: { To: 'bob' }, offerSdp: 'offer' });
      await settle();
      const endpoint = media.endpoints.at(-1);
      if (endpoint === undefined) throw new Error('no endpoint');
      return { callSid, endpoint };
    },
    settle,
    async close() {
      engine.close();
      await service.close();
      await app.close();
      await storage.close();
      await store.close();
      dir.remove();
    },
  };
}
