import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkMp3Frames, writeWav } from './mp3-fixtures.test-helper.ts';
import { encodeWavToMp3 } from './mp3-encode.ts';
import { Mp3EncodeError } from './mp3-error.ts';
import { mp3SettingsFor } from './mp3-settings.ts';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir('denwa-mp3-');
});
afterEach(() => {
  temp.remove();
});

const tone = (hz: number, rate: number) => (frame: number) => 0.5 * Math.sin((2 * Math.PI * hz * frame) / rate);

/** The stereo test file of the brief: 440 Hz left, 880 Hz right. */
async function stereo8k(seconds: number, path = join(temp.path, 'call.wav')): Promise<string> {
  await writeWav(path, { sampleRate: 8000, channels: 2, frames: seconds * 8000 }, (f, c) => tone(c === 0 ? 440 : 880, 8000)(f));
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<Mp3EncodeError> {
  const err: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Mp3EncodeError);
  return err as Mp3EncodeError;
}

/** Nothing but `names` in the temp dir: no `.tmp` left behind. */
function expectFiles(names: string[]): void {
  expect(readdirSync(temp.path).sort()).toEqual([...names].sort());
}

describe('encodeWavToMp3', () => {
  it('encodes 3 s of 8 kHz stereo to 32 kbit/s CBR MPEG-2.5 joint stereo', async () => {
    const wav = await stereo8k(3);
    const mp3 = join(temp.path, 'call.mp3');
    const result = await encodeWavToMp3(wav, mp3);

    const bytes = readFileSync(mp3);
    expect(result.bytes).toBe(bytes.length);
    expect(Math.abs(result.durationMs - 3000)).toBeLessThanOrEqual(100);
    expect(bytes[0]).toBe(0xff); // frame sync, no ID3 tag
    expect((bytes[1] ?? 0) & 0xe0).toBe(0xe0);

    const frames = walkMp3Frames(bytes);
    for (const f of frames) {
      expect(f).toMatchObject({ version: '2.5', layer: 3, sampleRate: 8000, bitrateKbps: 32 });
      expect(['joint-stereo', 'stereo']).toContain(f.mode);
    }
    // 32 kbit/s × 3 s = 12,000 bytes, plus LAME's delay and final padding (a few 288-byte frames).
    expect(bytes.length).toBeGreaterThanOrEqual(12_000);
    expect(bytes.length).toBeLessThanOrEqual(12_000 + 5 * 288);
    const playedMs = (frames.length * 576 * 1000) / 8000;
    expect(playedMs).toBeGreaterThanOrEqual(3000);
    expect(playedMs).toBeLessThan(3000 + 300);
    expectFiles(['call.wav', 'call.mp3']);
  });

  it('encodes 3 s of 16 kHz mono to 24 kbit/s CBR MPEG-2 mono', async () => {
    const wav = join(temp.path, 'mono.wav');
    await writeWav(wav, { sampleRate: 16_000, channels: 1, frames: 48_000 }, tone(440, 16_000));
    const mp3 = join(temp.path, 'mono.mp3');
    const result = await encodeWavToMp3(wav, mp3);

    const bytes = readFileSync(mp3);
    expect(result).toEqual({ bytes: bytes.length, durationMs: 3000 });
    const frames = walkMp3Frames(bytes);
    for (const f of frames) expect(f).toMatchObject({ version: '2', sampleRate: 16_000, bitrateKbps: 24, mode: 'mono' });
    // 24 kbit/s × 3 s = 9,000 bytes; frames of 576 samples at 16 kHz are 108 bytes.
    expect(bytes.length).toBeGreaterThanOrEqual(9000);
    expect(bytes.length).toBeLessThanOrEqual(9000 + 5 * 108);
  });

  it('encodes 48 kHz stereo at 24 kHz, 64 kbit/s', async () => {
    const wav = join(temp.path, 'webrtc.wav');
    await writeWav(wav, { sampleRate: 48_000, channels: 2, frames: 48_000 }, (f, c) => tone(c === 0 ? 300 : 1200, 48_000)(f));
    const mp3 = join(temp.path, 'webrtc.mp3');
    const result = await encodeWavToMp3(wav, mp3);
    expect(result.durationMs).toBe(1000);
    for (const f of walkMp3Frames(readFileSync(mp3))) expect(f).toMatchObject({ version: '2', sampleRate: 24_000, bitrateKbps: 64 });
  });

  it('reads a header left unpatched by a recorder that died (data size 0) up to the end of the file', async () => {
    const wav = join(temp.path, 'crashed.wav');
    // 2 s of stereo plus half a sample frame of garbage at the end.
    await writeWav(wav, { sampleRate: 8000, channels: 2, frames: 16_000, dataBytesField: 0 }, (f) => tone(440, 8000)(f));
    writeFileSync(wav, Buffer.from([1, 2]), { flag: 'a' });
    const result = await encodeWavToMp3(wav, join(temp.path, 'crashed.mp3'));
    expect(result.durationMs).toBe(2000);
  });

  it('replaces an existing MP3 atomically', async () => {
    const wav = await stereo8k(1);
    const mp3 = join(temp.path, 'call.mp3');
    writeFileSync(mp3, 'old');
    const result = await encodeWavToMp3(wav, mp3);
    expect(statSync(mp3).size).toBe(result.bytes);
    expectFiles(['call.wav', 'call.mp3']);
  });

  it('rejects a missing WAV with wav-not-found', async () => {
    const err = await rejection(encodeWavToMp3(join(temp.path, 'nope.wav'), join(temp.path, 'nope.mp3')));
    expect(err.kind).toBe('wav-not-found');
    expect(err.message).toMatch(/WAV file not found: .*nope\.wav/);
    expectFiles([]);
  });

  it.each([
    ['garbage', (b: Buffer) => b.write('JUNK', 0, 'latin1'), /no RIFF\/WAVE signature/],
    ['float samples', (b: Buffer) => b.writeUInt16LE(3, 20), /audio format 3 is not PCM/],
    ['24-bit samples', (b: Buffer) => b.writeUInt16LE(24, 34), /24 bits per sample/],
    ['6 channels', (b: Buffer) => b.writeUInt16LE(6, 22), /6 channels/],
    ['96 kHz', (b: Buffer) => b.writeUInt32LE(96_000, 24), /sample rate 96000 Hz/],
    ['an extensible fmt chunk', (b: Buffer) => b.writeUInt32LE(40, 16), /"fmt " chunk of 40 bytes/],
    ['a LIST chunk before data', (b: Buffer) => b.write('LIST', 36, 'latin1'), /"data" chunk at byte 36, found "LIST"/],
    ['an inconsistent byte rate', (b: Buffer) => b.writeUInt32LE(1234, 28), /byte rate/],
  ])('rejects a WAV with %s as invalid-wav, naming the field', async (_name, corrupt, message) => {
    const wav = await stereo8k(1);
    const bytes = readFileSync(wav);
    corrupt(bytes);
    writeFileSync(wav, bytes);
    const err = await rejection(encodeWavToMp3(wav, join(temp.path, 'call.mp3')));
    expect(err.kind).toBe('invalid-wav');
    expect(err.message).toMatch(/is not a canonical PCM16 WAV file/);
    expect(err.message).toMatch(message);
    expectFiles(['call.wav']);
  });

  it('rejects a file shorter than a header, and a header with no samples', async () => {
    const short = join(temp.path, 'short.wav');
    writeFileSync(short, 'RIFF');
    expect((await rejection(encodeWavToMp3(short, join(temp.path, 'a.mp3')))).message).toMatch(/4 bytes, shorter than the 44-byte header/);
    const empty = join(temp.path, 'empty.wav');
    await writeWav(empty, { sampleRate: 8000, channels: 1, frames: 0 }, () => 0);
    expect((await rejection(encodeWavToMp3(empty, join(temp.path, 'b.mp3')))).kind).toBe('empty-wav');
    expectFiles(['short.wav', 'empty.wav']);
  });

  it('rejects an unwritable destination with an io error and leaves nothing behind', async () => {
    const wav = await stereo8k(1);
    const err = await rejection(encodeWavToMp3(wav, join(temp.path, 'missing-dir', 'call.mp3')));
    expect(err.kind).toBe('io');
    expect(err.message).toMatch(/cannot create .*missing-dir/);
    expectFiles(['call.wav']);
  });

  it('runs encodes concurrently in one thread without mixing them up', async () => {
    const a = await stereo8k(2, join(temp.path, 'a.wav'));
    const b = join(temp.path, 'b.wav');
    await writeWav(b, { sampleRate: 16_000, channels: 1, frames: 16_000 }, tone(500, 16_000));
    const [ra, rb] = await Promise.all([encodeWavToMp3(a, join(temp.path, 'a.mp3')), encodeWavToMp3(b, join(temp.path, 'b.mp3'))]);
    expect(ra.durationMs).toBe(2000);
    expect(rb.durationMs).toBe(1000);
    expect(walkMp3Frames(readFileSync(join(temp.path, 'a.mp3')))[0]?.sampleRate).toBe(8000);
    expect(walkMp3Frames(readFileSync(join(temp.path, 'b.mp3')))[0]?.sampleRate).toBe(16_000);
  });
});

describe('mp3SettingsFor', () => {
  it('picks CBR rates for voice per input rate', () => {
    expect(mp3SettingsFor(8000, 2)).toEqual({ bitrateKbps: 32, outputSampleRate: 8000 });
    expect(mp3SettingsFor(8000, 1)).toEqual({ bitrateKbps: 16, outputSampleRate: 8000 });
    expect(mp3SettingsFor(16_000, 2)).toEqual({ bitrateKbps: 48, outputSampleRate: 16_000 });
    expect(mp3SettingsFor(16_000, 1)).toEqual({ bitrateKbps: 24, outputSampleRate: 16_000 });
    expect(mp3SettingsFor(48_000, 2)).toEqual({ bitrateKbps: 64, outputSampleRate: 24_000 });
    expect(mp3SettingsFor(48_000, 1)).toEqual({ bitrateKbps: 32, outputSampleRate: 24_000 });
    expect(mp3SettingsFor(44_100, 1)).toEqual({ bitrateKbps: 32, outputSampleRate: 22_050 });
    expect(() => mp3SettingsFor(96_000, 1)).toThrow(RangeError);
  });
});
