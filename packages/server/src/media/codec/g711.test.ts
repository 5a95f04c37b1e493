import { describe, expect, it } from 'vitest';
import { ALAW_DECODE, ULAW_DECODE, decodeG711, encodeG711, linearToAlaw, linearToUlaw } from './g711.ts';

describe('G.711 tables', () => {
  it('decodes μ-law bytes to the values of G.711', () => {
    expect(ULAW_DECODE[0xff]).toBe(0);
    expect(ULAW_DECODE[0x7f]).toBe(0);
    expect(ULAW_DECODE[0x00]).toBe(-32124);
    expect(ULAW_DECODE[0x80]).toBe(32124);
    expect([...ULAW_DECODE.subarray(0, 4)]).toEqual([-32124, -31100, -30076, -29052]);
    expect(ULAW_DECODE[0xfe]).toBe(8);
    expect(ULAW_DECODE[0x7e]).toBe(-8);
    expect(ULAW_DECODE[0xf0]).toBe(120);
  });

  it('decodes A-law bytes to the values of G.711', () => {
    expect(ALAW_DECODE[0xd5]).toBe(8);
    expect(ALAW_DECODE[0x55]).toBe(-8);
    expect(ALAW_DECODE[0xaa]).toBe(32256);
    expect(ALAW_DECODE[0x2a]).toBe(-32256);
    expect([...ALAW_DECODE.subarray(0, 4)]).toEqual([-5504, -5248, -6016, -5760]);
    expect(ALAW_DECODE[0x80]).toBe(5504);
  });

  it('encodes silence and full scale to the usual bytes', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToUlaw(-1)).toBe(0x7f);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(linearToUlaw(100_000)).toBe(0x80);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });

  it('encodes every decoded value back to its byte (μ-law 0x7f is the other zero)', () => {
    for (let b = 0; b < 256; b++) {
      if (b !== 0x7f) expect(linearToUlaw(ULAW_DECODE[b]!)).toBe(b);
      expect(linearToAlaw(ALAW_DECODE[b]!)).toBe(b);
    }
  });

  it('quantizes within half a step: relative error under 7 % above the first segments', () => {
    for (let x = -32768; x <= 32767; x += 7) {
      const u = ULAW_DECODE[linearToUlaw(x)]!;
      const a = ALAW_DECODE[linearToAlaw(x)]!;
      expect(Math.abs(u - x)).toBeLessThanOrEqual(Math.max(16, Math.abs(x) * 0.07));
      expect(Math.abs(a - x)).toBeLessThanOrEqual(Math.max(16, Math.abs(x) * 0.07));
    }
  });

  it('decodes and encodes buffers at offsets', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32000, -32000]);
    const bytes = new Uint8Array(7);
    encodeG711('ulaw', pcm, 0, 5, bytes, 2);
    expect([...bytes.subarray(2)]).toEqual([...pcm].map(linearToUlaw));
    const back = new Int16Array(6);
    decodeG711('ulaw', bytes, 2, 5, back, 1);
    expect([...back.subarray(1)].map((v, i) => Math.abs(v - pcm[i]!) <= Math.abs(pcm[i]!) * 0.07 + 8)).toEqual([true, true, true, true, true]);
    encodeG711('alaw', pcm, 1, 2, bytes, 0);
    expect([bytes[0], bytes[1]]).toEqual([linearToAlaw(1000), linearToAlaw(-1000)]);
  });
});
