/**
 * G.711 μ-law (PCMU) and A-law (PCMA) with lookup tables built once at load: decoding is one table
 * read per sample, encoding one shift and one table read. The quantizers follow ITU-T G.711 as its
 * reference implementation (G.191) states them: μ-law works on the top 14 bits of a 16-bit sample,
 * A-law on the top 13 (12 for the magnitude), and negative samples are taken in ones' complement, so
 * `x >> 2` (μ-law) and `x >> 4` (A-law) index the encoding tables exactly.
 * @see https://www.itu.int/rec/T-REC-G.711
 */

/** μ-law byte → 16-bit linear sample. */
export const ULAW_DECODE: Int16Array = new Int16Array(256);
/** A-law byte → 16-bit linear sample. */
export const ALAW_DECODE: Int16Array = new Int16Array(256);
/** (16-bit sample >> 2) + 8192 → μ-law byte. */
const ULAW_ENCODE = new Uint8Array(16384);
/** (16-bit sample >> 4) + 2048 → A-law byte. */
const ALAW_ENCODE = new Uint8Array(4096);

/** μ-law of a 14-bit two's complement sample (the top 14 bits of a 16-bit one). */
function ulawOf14(x: number): number {
  const magnitude = x < 0 ? -x - 1 : x; // ones' complement, as G.711's reference does
  const biased = Math.min(magnitude + 33, 0x1fff);
  let segment = 1;
  for (let i = biased >> 6; i !== 0; i >>= 1) segment++;
  const code = ((8 - segment) << 4) | (15 - ((biased >> segment) & 0x0f));
  return x >= 0 ? code | 0x80 : code;
}

function ulawToLinear(byte: number): number {
  const inverted = ~byte & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const step = 4 << (exponent + 1);
  const magnitude = (0x80 << exponent) + step * (inverted & 0x0f) + step / 2 - 4 * 33;
  return byte < 0x80 ? -magnitude : magnitude;
}

/** A-law of a 12-bit magnitude (taken in ones' complement for negative samples) and its sign. */
function alawOf12(magnitude: number, positive: boolean): number {
  let ix = magnitude;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exponent++;
    }
    ix = ix - 16 + (exponent << 4);
  }
  return (positive ? ix | 0x80 : ix) ^ 0x55;
}

function alawToLinear(byte: number): number {
  const ix = (byte ^ 0x55) & 0x7f;
  const exponent = ix >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16;
  mantissa = (mantissa << 4) + 8;
  if (exponent > 1) mantissa <<= exponent - 1;
  return (byte ^ 0x55) > 127 ? mantissa : -mantissa;
}

for (let b = 0; b < 256; b++) {
  ULAW_DECODE[b] = ulawToLinear(b);
  ALAW_DECODE[b] = alawToLinear(b);
}
for (let i = 0; i < 16384; i++) ULAW_ENCODE[i] = ulawOf14(i - 8192);
for (let i = 0; i < 4096; i++) {
  const x = i - 2048; // sample >> 4
  ALAW_ENCODE[i] = alawOf12(x < 0 ? -x - 1 : x, x >= 0);
}

/** The μ-law byte of one 16-bit sample (clamped to the 16-bit range). */
export function linearToUlaw(sample: number): number {
  const s = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample | 0;
  return ULAW_ENCODE[(s >> 2) + 8192] ?? 0xff;
}

/** The A-law byte of one 16-bit sample (clamped to the 16-bit range). */
export function linearToAlaw(sample: number): number {
  const s = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample | 0;
  return ALAW_ENCODE[(s >> 4) + 2048] ?? 0xd5;
}

/** G.711 law of a codec name, or undefined for another codec. */
export type G711Law = 'ulaw' | 'alaw';

/** Decodes `count` G.711 bytes from `src[offset…]` into `out[outOffset…]`. */
export function decodeG711(law: G711Law, src: Uint8Array, offset: number, count: number, out: Int16Array, outOffset: number): void {
  const table = law === 'ulaw' ? ULAW_DECODE : ALAW_DECODE;
  for (let i = 0; i < count; i++) out[outOffset + i] = table[src[offset + i] ?? 0] ?? 0;
}

/** Encodes `count` 16-bit samples from `pcm[offset…]` as G.711 bytes into `out[outOffset…]`. */
export function encodeG711(law: G711Law, pcm: Int16Array, offset: number, count: number, out: Uint8Array, outOffset: number): void {
  if (law === 'ulaw') {
    for (let i = 0; i < count; i++) out[outOffset + i] = ULAW_ENCODE[((pcm[offset + i] ?? 0) >> 2) + 8192] ?? 0xff;
  } else {
    for (let i = 0; i < count; i++) out[outOffset + i] = ALAW_ENCODE[((pcm[offset + i] ?? 0) >> 4) + 2048] ?? 0xd5;
  }
}
