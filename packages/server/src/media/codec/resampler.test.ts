import { describe, expect, it } from 'vitest';
import { Resampler, kaiserLowPass } from './resampler.ts';
import { db, dominantFrequency, goertzel, rms, sine } from './tone.test-helper.ts';

/** Runs `x` through `r` in chunks of `chunk` samples, as a bridge does per packet. */
function run(r: Resampler, x: Int16Array, chunk: number): Int16Array {
  const out = new Int16Array(Math.ceil((x.length * r.outRate) / r.inRate) + 8);
  let n = 0;
  for (let i = 0; i < x.length; i += chunk) n += r.process(x, i, Math.min(chunk, x.length - i), out, n);
  return out.subarray(0, n);
}

describe('Resampler (polyphase windowed sinc)', () => {
  it('keeps a 1 kHz tone through 48 kHz → 8 kHz → 48 kHz at its frequency and level', () => {
    const x = sine(48000, 1000, 48000);
    const down = run(new Resampler(48000, 8000), x, 960);
    expect(down.length).toBe(8000);
    const steady8 = down.subarray(800);
    expect(dominantFrequency(steady8, 8000, 100, 3900, 10)).toBe(1000);
    const back = run(new Resampler(8000, 48000), down, 160);
    expect(back.length).toBe(48000);
    const steady = back.subarray(4800);
    expect(dominantFrequency(steady, 48000, 100, 20000, 10)).toBe(1000);
    expect(Math.abs(db(goertzel(steady, 48000, 1000), 10_000))).toBeLessThan(0.5);
    // Almost all the energy is the tone: nothing else within 40 dB.
    const residual = Math.sqrt(Math.max(0, rms(steady) ** 2 - goertzel(steady, 48000, 1000) ** 2 / 2));
    expect(db(residual, rms(steady))).toBeLessThan(-40);
  });

  it('attenuates a 6 kHz tone at 48 kHz by at least 40 dB going to 8 kHz (it would alias to 2 kHz)', () => {
    const x = sine(48000, 6000, 48000);
    const y = run(new Resampler(48000, 8000), x, 960).subarray(800);
    expect(db(rms(y), rms(x))).toBeLessThan(-40);
    expect(db(goertzel(y, 8000, 2000), 10_000)).toBeLessThan(-40);
    // Decimation by picking every 6th sample, for contrast, keeps the alias at full level.
    const naive = Int16Array.from({ length: 8000 }, (_, i) => x[i * 6]!);
    expect(db(goertzel(naive, 8000, 2000), 10_000)).toBeGreaterThan(-1);
  });

  it('interpolates 8 kHz → 48 kHz without the images that sample-and-hold leaves', () => {
    const x = sine(8000, 1000, 8000);
    const y = run(new Resampler(8000, 48000), x, 160).subarray(4800);
    const tone = goertzel(y, 48000, 1000);
    for (const image of [7000, 9000, 15000, 17000]) expect(db(goertzel(y, 48000, image), tone)).toBeLessThan(-50);
    const hold = Int16Array.from({ length: 48000 }, (_, i) => x[Math.floor(i / 6)]!).subarray(4800);
    expect(db(goertzel(hold, 48000, 7000), goertzel(hold, 48000, 1000))).toBeGreaterThan(-20);
  });

  it('passes the telephone band flat and gives the same output whatever the chunking', () => {
    for (const f of [300, 2000, 3300]) {
      const y = run(new Resampler(48000, 8000), sine(48000, f, 24000), 960).subarray(400);
      expect(Math.abs(db(goertzel(y, 8000, f), 10_000))).toBeLessThan(0.2);
    }
    const x = sine(48000, 700, 9600);
    const whole = run(new Resampler(48000, 16000), x, 9600);
    const pieces = run(new Resampler(48000, 16000), x, 137);
    expect([...pieces]).toEqual([...whole]);
    const r = new Resampler(16000, 48000);
    expect(r.outputLength(320)).toBe(960);
    r.reset();
    expect(run(r, sine(16000, 500, 1600), 320).length).toBe(4800);
  });

  it('designs a linear-phase low-pass with unit gain and refuses unusable ratios', () => {
    const h = kaiserLowPass(0.1, 0.05, 60, 1);
    expect(h.length % 2).toBe(1);
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (let i = 0; i < h.length; i++) expect(h[i]).toBeCloseTo(h[h.length - 1 - i]!, 12);
    expect(() => new Resampler(8000, 0)).toThrow(RangeError);
    expect(() => new Resampler(1000, 44100)).toThrow(RangeError);
    expect(() => new Resampler(48000, 8000).process(new Int16Array(960), 0, 960, new Int16Array(10), 0)).toThrow(RangeError);
  });
});
