/**
 * The recorder end to end below the call engine: taps on two legs fed with G.711 or Opus tones, the
 * spool WAV, trimming, storage on disk, MP3 in a worker, the status callbacks, pause/resume, and
 * crash repair of a spool file whose header was never fixed.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackResult, MediaCodec, MediaEndpoint, MediaTap, RecordingOptions, WebhookClient, WebhookRequest } from '../../src/calls/index.ts';
import { RandomIdGenerator, createLogger } from '../../src/core/index.ts';
import { OpusEncoder, encodeG711 } from '../../src/media/codec/index.ts';
import { goertzel, sine } from '../../src/media/codec/tone.test-helper.ts';
import { Mp3EncoderPool } from '../../src/recording/mp3/index.ts';
import { RecordingService } from '../../src/recording/recording-service.ts';
import { FilesystemStorage } from '../../src/recording/storage/index.ts';
import { parseWavHeader, wavHeader } from '../../src/recording/wav.ts';
import { createMemoryStore, type RecordingRecord, type Store } from '../../src/store/index.ts';

const ids = new RandomIdGenerator();
const ACCOUNT = ids.sid('account');
const CALL = ids.sid('call');
const PCMU: MediaCodec = { name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 };

class TapEndpoint {
  readonly id: string;
  readonly codec: MediaCodec | null;
  tap: MediaTap | null = null;
  constructor(id: string, codec: MediaCodec) { this.id = id; this.codec = codec; }
  setTap(tap: MediaTap | null): void { this.tap = tap; }
}

class CapturingWebhooks implements Pick<WebhookClient, 'sendCallback'> {
  readonly sent: WebhookRequest[] = [];
  sendCallback(req: WebhookRequest): Promise<CallbackResult> {
    this.sent.push(req);
    return Promise.resolve({ ok: true, status: 204 } as unknown as CallbackResult);
  }
}

let dir: ReturnType<typeof makeTempDir>;
let store: Store;
let clock: ManualClock;
let webhooks: CapturingWebhooks;
let service: RecordingService;
let pool: Mp3EncoderPool;

function newService(): RecordingService {
  return new RecordingService({
    store, storage: new FilesystemStorage({ root: join(dir.path, 'media') }), spoolDir: dir.path,
    webhooks: webhooks as unknown as WebhookClient, clock, ids, log: createLogger({ level: 'silent' }),
    publicBaseUrl: () => 'https://denwa.test:8443', mp3: pool,
  });
}

beforeEach(async () => {
  dir = makeTempDir('denwa-rec-');
  store = createMemoryStore();
  await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
  clock = new ManualClock(1_800_000_000_000);
  webhooks = new CapturingWebhooks();
  pool = new Mp3EncoderPool({ size: 1 });
  service = newService();
});

afterEach(async () => {
  await service.close();
  await pool.close();
  await store.close();
  dir.remove();
});

const options = (o: Partial<RecordingOptions> = {}): RecordingOptions => ({
  accountSid: ACCOUNT, callSid: CALL, source: 'DialVerb', channels: 2, track: 'both', trim: false,
  statusCallback: 'https://app.test/rec', statusCallbackMethod: 'POST', statusCallbackEvents: ['in-progress', 'completed', 'absent'], ...o,
});

/** Plays `seconds` of a `frequency` tone into `leg` as 20 ms μ-law packets arriving on time, advancing the clock. */
async function play(legs: { leg: TapEndpoint; frequency: number; amplitude?: number }[], seconds: number, ts0 = 1000): Promise<void> {
  const start = clock.now();
  for (let n = 0; n < seconds * 50; n++) {
    for (const { leg, frequency, amplitude } of legs) {
      const pcm = sine(8000, frequency, 160, amplitude ?? 8000, n * 160);
      const payload = new Uint8Array(160);
      encodeG711('ulaw', pcm, 0, 160, payload, 0);
      leg.tap?.onAudio(payload, PCMU, (ts0 + n * 160) >>> 0, 0x1234, start + (n + 1) * 20);
    }
    await clock.advance(20);
  }
}

async function finished(sid: string): Promise<RecordingRecord> {
  await service.close(); // waits for storage and MP3
  const r = await store.recordings.get(ACCOUNT, sid as RecordingRecord['sid']);
  if (r === null) throw new Error('recording missing');
  return r;
}

function channel(data: Int16Array, channels: number, c: number, from: number, to: number): Int16Array {
  const out = new Int16Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = data[i * channels + c] ?? 0;
  return out;
}

function readWav(path: string): { rate: number; channels: number; data: Int16Array } {
  const bytes = readFileSync(path);
  const h = parseWavHeader(bytes);
  if (!h.ok) throw new Error(h.error);
  const pcm = bytes.subarray(h.value.dataOffset, h.value.dataOffset + h.value.dataBytes);
  return { rate: h.value.sampleRate, channels: h.value.channels, data: new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength)) };
}

describe('RecordingService', () => {
  it('records two G.711 legs as stereo at 8 kHz: channel 1 the parent, channel 2 the child; stores WAV and MP3; calls back in-progress then completed', async () => {
    const parent = new TapEndpoint('p', PCMU);
    const child = new TapEndpoint('c', PCMU);
    const started = await service.start(options(), parent as unknown as MediaEndpoint, child as unknown as MediaEndpoint);
    if (!started.ok) throw started.error;
    expect(parent.tap).not.toBeNull();
    await play([{ leg: parent, frequency: 880 }, { leg: child, frequency: 440 }], 3);
    const stopped = await started.value.stop();
    expect(stopped.status).toBe('processing');
    expect(parent.tap).toBeNull();
    const r = await finished(started.value.sid);
    expect(r).toMatchObject({ status: 'completed', channels: 2, sampleRate: 8000, source: 'DialVerb', spoolPath: null });
    expect(Math.abs((r.durationMs ?? 0) - 3000)).toBeLessThan(300);
    const path = join(dir.path, 'media', `${ACCOUNT}/${r.sid}.wav`);
    const wav = readWav(path);
    expect(wav).toMatchObject({ rate: 8000, channels: 2 });
    // The file is exactly the header and the samples it declares, and they start with the call's audio.
    const header = parseWavHeader(readFileSync(path));
    expect(header.ok && header.value.dataOffset + header.value.dataBytes).toBe(readFileSync(path).length);
    const left = channel(wav.data, 2, 0, 4000, 16000);
    const right = channel(wav.data, 2, 1, 4000, 16000);
    expect(goertzel(left, 8000, 880)).toBeGreaterThan(10 * goertzel(left, 8000, 440));
    expect(goertzel(right, 8000, 440)).toBeGreaterThan(10 * goertzel(right, 8000, 880));
    const mp3 = readFileSync(join(dir.path, 'media', `${ACCOUNT}/${r.sid}.mp3`));
    expect(mp3.length).toBeGreaterThan(1000);
    const statuses = webhooks.sent.map((s) => s.params['RecordingStatus']);
    expect(statuses).toEqual(['in-progress', 'completed']);
    expect(webhooks.sent[1]?.params).toMatchObject({
      AccountSid: ACCOUNT, CallSid: CALL, RecordingSid: r.sid, RecordingChannels: '2', RecordingSource: 'DialVerb', RecordingTrack: 'both',
      RecordingUrl: `https://denwa.test:8443/2010-04-01/Accounts/${ACCOUNT}/Recordings/${r.sid}`, RecordingDuration: '3',
    });
  });

  it('records two Opus legs (browser to browser) at 16 kHz through the WebAssembly decoder, each tone on its channel', async () => {
    const OPUS: MediaCodec = { name: 'opus', clockRate: 48000, channels: 2, payloadType: 111 };
    const parent = new TapEndpoint('p', OPUS);
    const child = new TapEndpoint('c', OPUS);
    const started = await service.start(options(), parent as unknown as MediaEndpoint, child as unknown as MediaEndpoint);
    if (!started.ok) throw started.error;
    const encoders = [new OpusEncoder({ sampleRate: 48000, bitrate: 32000 }), new OpusEncoder({ sampleRate: 48000, bitrate: 32000 })];
    const legs = [{ leg: parent, frequency: 1000 }, { leg: child, frequency: 2500 }];
    const packet = new Uint8Array(4000);
    const start = clock.now();
    for (let n = 0; n < 100; n++) {
      legs.forEach(({ leg, frequency }, i) => {
        const length = encoders[i]?.encode(sine(48000, frequency, 960, 8000, n * 960), 0, packet, 0) ?? -1;
        if (length > 0) leg.tap?.onAudio(packet.subarray(0, length), OPUS, 5000 + n * 960, 0x99 + i, start + (n + 1) * 20);
      });
      await clock.advance(20);
    }
    for (const e of encoders) e.close();
    await started.value.stop();
    const r = await finished(started.value.sid);
    expect(r).toMatchObject({ status: 'completed', sampleRate: 16000, channels: 2 });
    const wav = readWav(join(dir.path, 'media', `${ACCOUNT}/${r.sid}.wav`));
    expect(wav.rate).toBe(16000);
    const left = channel(wav.data, 2, 0, 8000, 24000);
    const right = channel(wav.data, 2, 1, 8000, 24000);
    expect(goertzel(left, 16000, 1000)).toBeGreaterThan(10 * goertzel(left, 16000, 2500));
    expect(goertzel(right, 16000, 2500)).toBeGreaterThan(10 * goertzel(right, 16000, 1000));
  });

  it('mono mixes both legs; a paused span left out (skip) shortens the recording, one kept as silence (silence) does not', async () => {
    for (const behavior of ['skip', 'silence'] as const) {
      const parent = new TapEndpoint('p', PCMU);
      const child = new TapEndpoint('c', PCMU);
      const started = await service.start(options({ channels: 1 }), parent as unknown as MediaEndpoint, child as unknown as MediaEndpoint);
      if (!started.ok) throw started.error;
      await play([{ leg: parent, frequency: 880 }, { leg: child, frequency: 440 }], 1);
      expect(started.value.pause(behavior)).toBe(true);
      expect(started.value.pause(behavior)).toBe(false);
      await play([{ leg: parent, frequency: 880 }], 1);
      expect(started.value.resume()).toBe(true);
      await play([{ leg: parent, frequency: 880 }, { leg: child, frequency: 440 }], 1);
      const stopped = await started.value.stop();
      const expected = behavior === 'skip' ? 2000 : 3000;
      expect(Math.abs((stopped.durationMs ?? 0) - expected)).toBeLessThan(300);
    }
  });

  it('a recording of silence with trim-silence ends absent with 16102 and no media', async () => {
    const parent = new TapEndpoint('p', PCMU);
    const started = await service.start(options({ trim: true }), parent as unknown as MediaEndpoint, null);
    if (!started.ok) throw started.error;
    await play([{ leg: parent, frequency: 440, amplitude: 0 }], 1);
    await started.value.stop();
    const r = await finished(started.value.sid);
    expect(r).toMatchObject({ status: 'absent', errorCode: 16102, wavKey: null });
    expect(webhooks.sent.at(-1)?.params).toMatchObject({ RecordingStatus: 'absent', ErrorCode: '16102' });
  });

  it('repairs a spool file a crashed process left with a zero-length header: completed with the true duration, callback sent', async () => {
    const sid = ids.sid('recording');
    const spoolPath = join(dir.path, `${sid}.wav`);
    const seconds = 2.5;
    const pcm = new Int16Array(8000 * 2 * seconds).map((_, i) => (i % 2 === 0 ? 1000 : -1000));
    writeFileSync(spoolPath, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 2, dataBytes: 0 }), Buffer.from(pcm.buffer), Buffer.from([1])]));
    const t = clock.now();
    await store.recordings.insert({
      sid, accountSid: ACCOUNT, callSid: CALL, conferenceSid: null, status: 'in-progress', source: 'DialVerb', channels: 2, track: 'both', sampleRate: 8000,
      trim: false, startTime: t, durationMs: null, spoolPath, wavKey: null, mp3Key: null, statusCallback: 'https://app.test/rec', statusCallbackMethod: 'POST',
      statusCallbackEvents: ['completed'], errorCode: null, dateCreated: t, dateUpdated: t,
    });
    // What a crash left half made beside it: an MP3 temp file and a trimmed copy.
    writeFileSync(join(dir.path, `${sid}.mp3.123-abc.tmp`), 'partial');
    writeFileSync(join(dir.path, `${sid}.wav.trim`), 'partial');
    expect(await service.repairUnfinished()).toBe(1);
    expect(readdirSync(dir.path).filter((n) => n.endsWith('.tmp') || n.endsWith('.trim'))).toEqual([]);
    const r = await finished(sid);
    expect(r).toMatchObject({ status: 'completed', durationMs: 2500 });
    const wav = readWav(join(dir.path, 'media', `${ACCOUNT}/${sid}.wav`));
    expect(wav.data.length).toBe(8000 * 2 * seconds);
    expect(webhooks.sent.map((s) => [s.params['RecordingStatus'], s.params['RecordingDuration']])).toEqual([['completed', '3']]);
  });
});
