/** Test tones and their measurement: sines, Goertzel power at one frequency, the dominant frequency, RMS. */

/** `count` samples of a sine of `frequency` Hz at `rate`, amplitude `amplitude`, starting at sample `start`. */
export function sine(rate: number, frequency: number, count: number, amplitude = 10_000, start = 0): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * (start + i)) / rate));
  return out;
}

/** Amplitude of the `frequency` component of `x` (Goertzel, normalized so a sine of amplitude A gives ≈ A). */
export function goertzel(x: ArrayLike<number>, rate: number, frequency: number): number {
  const w = (2 * Math.PI * frequency) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = (x[i] ?? 0) + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / x.length;
}

/** The frequency in [from, to] (step `step` Hz) with the largest Goertzel amplitude. */
export function dominantFrequency(x: ArrayLike<number>, rate: number, from = 100, to = 3800, step = 10): number {
  let best = from;
  let bestPower = -1;
  for (let f = from; f <= to; f += step) {
    const p = goertzel(x, rate, f);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}

export function rms(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, x.length));
}

/** 20·log10(a / b). */
export function db(a: number, b: number): number {
  return 20 * Math.log10(Math.max(a, 1e-9) / Math.max(b, 1e-9));
}
