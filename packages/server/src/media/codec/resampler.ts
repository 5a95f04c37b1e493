/**
 * A streaming polyphase FIR resampler for a rational ratio L/M (48 kHz ↔ 8 kHz is 1/6 and 6/1,
 * 48 kHz ↔ 16 kHz 1/3 and 3/1). A Kaiser-windowed sinc low-pass, designed at the up-sampled rate
 * L·fsIn, does both jobs: it removes what would alias when decimating (48 k → 8 k: everything above
 * the 4 kHz Nyquist limit folds back into the band otherwise) and the images that zero-stuffing
 * creates when interpolating (8 k → 48 k). Only the taps of the phase that produces an output
 * sample are evaluated, and a decimating filter adds the two samples of each symmetric tap pair
 * before multiplying.
 *
 * A composite pure decimation or interpolation (6 = 3 × 2) runs in two stages so that the sharp
 * filter works at the low rate: 48 → 16 kHz with a short filter (nothing from 11.4 kHz up may fold
 * below 4.6 kHz), then 16 → 8 kHz with the sharp one; the other way round for 8 → 48 kHz. About a
 * third fewer multiply-adds than one stage.
 *
 * Default response: passband to 0.425 × the lower rate (3.4 kHz for telephony), stopband from
 * 0.575 × it (4.6 kHz), 65 dB stopband attenuation. Content between 4 and 4.6 kHz may fold into
 * 3.4–4 kHz (outside the telephone band); nothing above 4.6 kHz reaches the passband.
 *
 * State (the filter history and the phase) carries over between calls, so a stream can be fed
 * packet by packet. No allocation per call once constructed.
 */

/** Filter settings of a {@link Resampler}; the defaults suit telephony. */
export interface ResamplerOptions {
  /** Passband edge as a fraction of the lower of the two rates (default 0.425). */
  readonly passband?: number;
  /** Stopband edge as a fraction of the lower of the two rates (default 0.575). */
  readonly stopband?: number;
  /** Stopband attenuation in dB (default 65). */
  readonly attenuationDb?: number;
  /** One polyphase stage even for a composite ratio (default false; for comparison). */
  readonly singleStage?: boolean;
}

/** Input samples filtered per pass (20 ms at 48 kHz); bounds the working buffer. */
export const CHUNK = 960;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** The zeroth-order modified Bessel function of the first kind (power series; converges fast for β < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * A Kaiser-windowed sinc low-pass of odd length: cutoff `cutoff` and transition `transition` as
 * fractions of the sampling rate, `attenuationDb` down in the stopband, DC gain `gain`.
 */
export function kaiserLowPass(cutoff: number, transition: number, attenuationDb: number, gain: number): Float64Array {
  const a = attenuationDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  let taps = Math.ceil((a - 7.95) / (14.36 * transition)) + 1;
  if (taps % 2 === 0) taps++;
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  const i0beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const t = n - mid;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = t / mid;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta;
    h[n] = sinc * w;
    sum += sinc * w;
  }
  for (let n = 0; n < taps; n++) h[n] = ((h[n] ?? 0) * gain) / sum;
  return h;
}

/** One polyphase FIR stage: L/M with its own low-pass (band edges in Hz). */
class PolyphaseStage {
  readonly up: number;
  readonly down: number;
  /** Taps per phase. */
  readonly taps: number;
  /** Phase p's taps at [p·taps, (p+1)·taps), in input order (oldest sample first). */
  readonly #coef: Float64Array;
  /** History (taps − 1 samples) followed by the current chunk. */
  readonly #buf: Float64Array;
  /** Position of the next output in the up-sampled domain, relative to the first sample of the current chunk. */
  #pos = 0;

  constructor(inRate: number, up: number, down: number, pass: number, stop: number, attenuationDb: number) {
    this.up = up;
    this.down = down;
    const fs = inRate * up;
    const prototype = kaiserLowPass((pass + stop) / 2 / fs, (stop - pass) / fs, attenuationDb, up);
    // Each phase gets ceil(length / L) taps; the missing ones at the end are zero.
    const taps = Math.ceil(prototype.length / up);
    this.taps = taps;
    this.#coef = new Float64Array(up * taps);
    for (let p = 0; p < up; p++) {
      for (let k = 0; k < taps; k++) {
        // Output at up-sampled position t = i·L + p uses h[p + k·L] · x[i − k]; stored oldest first.
        this.#coef[p * taps + (taps - 1 - k)] = prototype[p + k * up] ?? 0;
      }
    }
    this.#buf = new Float64Array(taps - 1 + CHUNK);
  }

  outputLength(inputLength: number): number {
    const end = inputLength * this.up;
    return this.#pos >= end ? 0 : Math.ceil((end - this.#pos) / this.down);
  }

  reset(): void {
    this.#buf.fill(0);
    this.#pos = 0;
  }

  process(input: Int16Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    let o = outOffset;
    for (let done = 0; done < length; done += CHUNK) o = this.#chunk(input, offset + done, Math.min(CHUNK, length - done), out, o);
    return o - outOffset;
  }

  #chunk(input: Int16Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    const taps = this.taps;
    const up = this.up;
    const down = this.down;
    const buf = this.#buf;
    const coef = this.#coef;
    const hist = taps - 1;
    for (let i = 0; i < length; i++) buf[hist + i] = input[offset + i] ?? 0;
    const end = length * up;
    let pos = this.#pos;
    let o = outOffset;
    if (up === 1) {
      // One phase, an odd-length symmetric filter: fold the tap pairs.
      const half = hist >> 1;
      while (pos < end) {
        let acc = (coef[half] ?? 0) * (buf[pos + half] ?? 0);
        for (let k = 0; k < half; k++) acc += (coef[k] ?? 0) * ((buf[pos + k] ?? 0) + (buf[pos + hist - k] ?? 0));
        const s = Math.round(acc);
        out[o++] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
        pos += down;
      }
    } else {
      let i = (pos / up) | 0; // the newest input sample the next output uses, in chunk coordinates
      let phase = pos - i * up;
      while (pos < end) {
        const base = phase * taps;
        let acc = 0;
        // buf[i, i + taps) holds x[i − taps + 1 … i] (the history first).
        for (let k = 0; k < taps; k++) acc += (coef[base + k] ?? 0) * (buf[i + k] ?? 0);
        const s = Math.round(acc);
        out[o++] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
        pos += down;
        phase += down;
        while (phase >= up) {
          phase -= up;
          i++;
        }
      }
    }
    this.#pos = pos - end;
    buf.copyWithin(0, length, length + hist);
    return o;
  }
}

/** The smallest prime factor of n (n itself when prime or 1). */
function smallestFactor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return n;
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly #first: PolyphaseStage;
  readonly #second: PolyphaseStage | null;
  /** Output of the first stage for one chunk of input. */
  readonly #mid: Int16Array;

  /** @throws RangeError for rates that are not positive integers or a ratio too fine to filter (L > 64). */
  constructor(inRate: number, outRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) throw new RangeError('sample rates must be positive integers');
    const g = gcd(inRate, outRate);
    const up = outRate / g;
    const down = inRate / g;
    if (up > 64) throw new RangeError(`resampling ${String(inRate)} → ${String(outRate)} Hz needs ${String(up)} phases; at most 64 are supported`);
    this.inRate = inRate;
    this.outRate = outRate;
    const low = Math.min(inRate, outRate);
    const pass = (options.passband ?? 0.425) * low;
    const stop = (options.stopband ?? 0.575) * low;
    const a = options.attenuationDb ?? 65;
    const factor = smallestFactor(up === 1 ? down : up);
    const split = (up === 1 || down === 1) && factor < Math.max(up, down) && options.singleStage !== true;
    if (!split) {
      this.#first = new PolyphaseStage(inRate, up, down, pass, stop, a);
      this.#second = null;
    } else if (up === 1) {
      // 48 → 16 kHz (relaxed: only what folds below the final stopband edge matters), then 16 → 8 kHz.
      const midRate = low * factor;
      this.#first = new PolyphaseStage(inRate, 1, down / factor, pass, midRate - stop, a);
      this.#second = new PolyphaseStage(midRate, 1, factor, pass, stop, a);
    } else {
      // 8 → 16 kHz (sharp), then 16 → 48 kHz (relaxed: the first images sit at 16 − 4.6 kHz).
      const midRate = low * factor;
      this.#first = new PolyphaseStage(inRate, factor, 1, pass, stop, a);
      this.#second = new PolyphaseStage(midRate, up / factor, 1, pass, midRate - stop, a);
    }
    this.#mid = new Int16Array(this.#second === null ? 0 : this.#first.outputLength(CHUNK) + this.#first.up + 1);
  }

  /** Multiply-adds per output sample (both stages, as seen from the output). */
  get tapsPerOutput(): number {
    const second = this.#second;
    if (second === null) return this.#first.up === 1 ? (this.#first.taps + 1) / 2 : this.#first.taps;
    const firstPerOut = ((this.#first.up === 1 ? (this.#first.taps + 1) / 2 : this.#first.taps) * second.down) / second.up;
    return firstPerOut + (second.up === 1 ? (second.taps + 1) / 2 : second.taps);
  }

  /** Outputs a call with `inputLength` samples will produce (at most one more or less than the exact ratio). */
  outputLength(inputLength: number): number {
    const first = this.#first.outputLength(inputLength);
    return this.#second === null ? first : this.#second.outputLength(first);
  }

  /** Forgets the history (a new stream). */
  reset(): void {
    this.#first.reset();
    this.#second?.reset();
  }

  /**
   * Resamples `input[offset, offset + length)` and writes the outputs, rounded and clamped to
   * 16 bits, to `out[outOffset…]`. Returns how many were written ({@link Resampler.outputLength}).
   * Any length works; the input is filtered in chunks of at most {@link CHUNK} samples.
   * @throws RangeError when `out` has no room for the outputs (a programmer error).
   */
  process(input: Int16Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    if (outOffset + this.outputLength(length) > out.length) throw new RangeError('resampler output buffer too small');
    const second = this.#second;
    if (second === null) return this.#first.process(input, offset, length, out, outOffset);
    let o = outOffset;
    for (let done = 0; done < length; done += CHUNK) {
      const mid = this.#first.process(input, offset + done, Math.min(CHUNK, length - done), this.#mid, 0);
      o += second.process(this.#mid, 0, mid, out, o);
    }
    return o - outOffset;
  }
}
