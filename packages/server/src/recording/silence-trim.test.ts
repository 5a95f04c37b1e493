import { seededRandom as mulberry32 } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { SilenceScanner, trimSilenceBounds } from './silence-trim.ts';
import { addBurst } from './signal.test-helper.ts';

const RATE = 8000;
const MS = RATE / 1000;

/** `ms` of faint noise (about −60 dBFS RMS: below the −50 dBFS threshold). */
function noise(ms: number, rand: () => number, channels = 1): Int16Array {
  const out = new Int16Array(ms * MS * channels);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rand() - 0.5) * 110);
  return out;
}

/** Interleaves equal-length channels. */
function interleave(...channels: Int16Array[]): Int16Array {
  const frames = channels[0]?.length ?? 0;
  const out = new Int16Array(frames * channels.length);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c]?.[i] ?? 0;
  return out;
}

describe('trimSilenceBounds', () => {
  it('removes leading and trailing silence, keeping a 100 ms margin', () => {
    const pcm = noise(3000, mulberry32(1));
    addBurst(pcm, RATE, 440, 1000, 500, 3000); // speech from 1.0 s to 1.5 s
    const { startFrame, endFrame } = trimSilenceBounds(pcm, 1, RATE);
    expect(startFrame).toBe((1000 - 100) * MS);
    expect(endFrame).toBe((1500 + 100) * MS);
  });

  it('rounds the kept span out to the 20 ms windows that hold sound', () => {
    const pcm = new Int16Array(2000 * MS);
    addBurst(pcm, RATE, 440, 1010, 25, 3000); // 1010–1035 ms: windows 1000–1020, 1020–1040
    expect(trimSilenceBounds(pcm, 1, RATE)).toEqual({ startFrame: 900 * MS, endFrame: 1140 * MS });
    expect(trimSilenceBounds(pcm, 1, RATE, { marginMs: 0 })).toEqual({ startFrame: 1000 * MS, endFrame: 1040 * MS });
  });

  it('clamps the margin to the recording', () => {
    const pcm = new Int16Array(1000 * MS);
    addBurst(pcm, RATE, 440, 20, 960, 3000);
    expect(trimSilenceBounds(pcm, 1, RATE)).toEqual({ startFrame: 0, endFrame: 1000 * MS });
  });

  it('trims an all-silent (or empty) recording to nothing', () => {
    expect(trimSilenceBounds(noise(2000, mulberry32(2)), 1, RATE)).toEqual({ startFrame: 0, endFrame: 0 });
    expect(trimSilenceBounds(new Int16Array(0), 2, RATE)).toEqual({ startFrame: 0, endFrame: 0 });
  });

  it('keeps what either channel says: silence is every channel below the threshold', () => {
    const rand = mulberry32(3);
    const left = noise(3000, rand);
    const right = noise(3000, rand);
    addBurst(left, RATE, 440, 600, 200, 3000);
    addBurst(right, RATE, 700, 2000, 300, 3000);
    expect(trimSilenceBounds(interleave(left, right), 2, RATE)).toEqual({ startFrame: 500 * MS, endFrame: 2400 * MS });
  });

  it('honours a threshold: a −40 dBFS hum is sound at −50 dBFS, silence at −30 dBFS', () => {
    const pcm = new Int16Array(2000 * MS);
    addBurst(pcm, RATE, 100, 500, 1000, Math.round(32768 * 10 ** (-40 / 20) * Math.SQRT2));
    expect(trimSilenceBounds(pcm, 1, RATE).startFrame).toBe(400 * MS);
    expect(trimSilenceBounds(pcm, 1, RATE, { thresholdDbfs: -30 })).toEqual({ startFrame: 0, endFrame: 0 });
  });
});

describe('SilenceScanner', () => {
  it('gives the one-shot result whatever the chunking, even chunks that split a frame', () => {
    const rand = mulberry32(4);
    const left = noise(5000, rand);
    const right = noise(5000, rand);
    addBurst(left, RATE, 440, 1234, 300, 2000);
    addBurst(right, RATE, 900, 3777, 111, 2000);
    const pcm = interleave(left, right);
    const oneShot = trimSilenceBounds(pcm, 2, RATE);
    expect(oneShot.startFrame).toBeGreaterThan(0);
    expect(oneShot.endFrame).toBeLessThan(5000 * MS);
    for (const chunk of [1, 3, 159, 320, 1001, 65_536]) {
      const s = new SilenceScanner(2, RATE);
      for (let i = 0; i < pcm.length; i += chunk) s.push(pcm.subarray(i, i + chunk));
      expect(s.bounds(), `chunk ${String(chunk)}`).toEqual(oneShot);
      expect(s.frames).toBe(5000 * MS);
    }
    // Random chunk sizes too.
    const s = new SilenceScanner(2, RATE);
    for (let i = 0; i < pcm.length; ) {
      const n = 1 + Math.floor(rand() * 5000);
      s.push(pcm.subarray(i, i + n));
      i += n;
    }
    expect(s.bounds()).toEqual(oneShot);
  });

  it('reports the first and last sound as it is fed, counting the window still open', () => {
    const s = new SilenceScanner(1, RATE, { marginMs: 0 });
    s.push(new Int16Array(500 * MS));
    expect(s.firstSoundFrame).toBeNull();
    expect(s.soundEndFrame).toBeNull();
    expect(s.bounds()).toEqual({ startFrame: 0, endFrame: 0 });
    const tone = new Int16Array(110 * MS);
    addBurst(tone, RATE, 440, 0, 110, 5000);
    s.push(tone); // 500–610 ms; the window 600–620 is open
    expect(s.firstSoundFrame).toBe(500 * MS);
    expect(s.soundEndFrame).toBe(610 * MS);
    s.push(new Int16Array(1000 * MS));
    expect(s.soundEndFrame).toBe(620 * MS);
    expect(s.bounds()).toEqual({ startFrame: 500 * MS, endFrame: 620 * MS });
  });

  it('refuses a channel count or rate that is not a positive integer', () => {
    expect(() => new SilenceScanner(0, RATE)).toThrow(RangeError);
    expect(() => new SilenceScanner(1, 0)).toThrow(RangeError);
  });
});
