/** Test signals for the recording tests: RTP-like framing and an onset detector (the seeded PRNG is testkit's `seededRandom`). */

/** Adds a sine burst of `freq` Hz, `amplitude`, at [startMs, startMs + lengthMs) of `pcm`. */
export function addBurst(pcm: Int16Array, rate: number, freq: number, startMs: number, lengthMs: number, amplitude: number): void {
  const from = Math.round((startMs * rate) / 1000);
  const to = Math.min(pcm.length, from + Math.round((lengthMs * rate) / 1000));
  for (let i = from; i < to; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (i - from)) / rate));
}

/** Channel `channel` of interleaved `pcm`. */
export function channelOf(pcm: Int16Array, channels: number, channel: number): Int16Array {
  const out = new Int16Array(Math.floor(pcm.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = pcm[i * channels + channel] ?? 0;
  return out;
}

/**
 * Onsets (in ms) of loud stretches: the start of each `windowMs` window whose RMS exceeds
 * `threshold` after at least `quietMs` of windows below it.
 */
export function onsetsMs(pcm: Int16Array, rate: number, windowMs = 5, threshold = 2000, quietMs = 100): number[] {
  const win = Math.round((windowMs * rate) / 1000);
  const quietWindows = Math.round(quietMs / windowMs);
  const out: number[] = [];
  let quiet = quietWindows;
  for (let w = 0; (w + 1) * win <= pcm.length; w++) {
    let sum = 0;
    for (let i = w * win; i < (w + 1) * win; i++) sum += (pcm[i] ?? 0) ** 2;
    const loud = Math.sqrt(sum / win) > threshold;
    if (loud && quiet >= quietWindows) out.push((w * win * 1000) / rate);
    quiet = loud ? 0 : quiet + 1;
  }
  return out;
}

/** A frame of `length` samples, all `value` (finding a frame in the output by its value). */
export function constFrame(value: number, length = 160): Int16Array {
  return new Int16Array(length).fill(value);
}

/** Where each value first appears in `pcm` (value → sample index). */
export function firstIndexOf(pcm: Int16Array): Map<number, number> {
  const at = new Map<number, number>();
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i] ?? 0;
    if (v !== 0 && !at.has(v)) at.set(v, i);
  }
  return at;
}
