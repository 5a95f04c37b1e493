/**
 * GHASH (NIST SP 800-38D §6.4) with an 8-bit Shoup table per hash key: 256 multiples of H (4 KiB),
 * one table lookup and one 8-bit reduction per byte, all on 32-bit words, no allocation per message.
 *
 * Bit order is GCM's: the first bit of the first byte is the coefficient of x^0, so "multiply by x"
 * shifts the 128-bit big-endian value right by one and folds the bit that falls off back in as
 * R = 0xE1 ‖ 0^120 (SP 800-38D §6.3, Algorithm 1).
 */

/** `REDUCE[b]`: what shifting `b·x^120` right by 8 bits folds into the top 16 bits (already `<< 16`). */
const REDUCE = buildReduceTable();

function buildReduceTable(): Int32Array {
  const t = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    // Multiply (0, 0, 0, b) by x eight times with Algorithm 1's shift-and-reduce; the bits of b all
    // fall off the end, so what is left is exactly the reduction term.
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = b;
    for (let i = 0; i < 8; i++) {
      const carry = z3 & 1;
      z3 = (z3 >>> 1) | (z2 << 31);
      z2 = (z2 >>> 1) | (z1 << 31);
      z1 = (z1 >>> 1) | (z0 << 31);
      z0 = (z0 >>> 1) ^ (carry === 1 ? 0xe1000000 | 0 : 0);
    }
    // z1..z3 are 0 here: the fold reaches at most 15 bits below the top.
    t[b] = z0 | z1 | z2 | z3;
  }
  return t;
}

/**
 * A running GHASH under one hash key H = E(K, 0^128). Feed it with {@link Ghash.update} (each call is
 * zero-padded to whole blocks, as GCM pads A and C separately) and {@link Ghash.updateLengths}; the
 * result is in `y0…y3` (big-endian words).
 */
export class Ghash {
  /** `table[4b … 4b+3]` = b·H where byte b stands at the front of a block. */
  readonly #table = new Int32Array(256 * 4);
  y0 = 0;
  y1 = 0;
  y2 = 0;
  y3 = 0;

  /** @param h the 16-byte hash subkey E(K, 0^128). */
  constructor(h: Uint8Array) {
    const t = this.#table;
    // 0x80 (x^0) → H; each lower bit is one more multiplication by x.
    let v0 = ((h[0] ?? 0) << 24) | ((h[1] ?? 0) << 16) | ((h[2] ?? 0) << 8) | (h[3] ?? 0);
    let v1 = ((h[4] ?? 0) << 24) | ((h[5] ?? 0) << 16) | ((h[6] ?? 0) << 8) | (h[7] ?? 0);
    let v2 = ((h[8] ?? 0) << 24) | ((h[9] ?? 0) << 16) | ((h[10] ?? 0) << 8) | (h[11] ?? 0);
    let v3 = ((h[12] ?? 0) << 24) | ((h[13] ?? 0) << 16) | ((h[14] ?? 0) << 8) | (h[15] ?? 0);
    for (let bit = 0x80; bit > 0; bit >>= 1) {
      t[4 * bit] = v0;
      t[4 * bit + 1] = v1;
      t[4 * bit + 2] = v2;
      t[4 * bit + 3] = v3;
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry === 1 ? 0xe1000000 | 0 : 0);
    }
    // Multiplication is linear: every other entry is the XOR of its single-bit entries.
    for (let b = 2; b < 256; b++) {
      const low = b & -b;
      if (low === b) continue;
      const rest = b ^ low;
      for (let w = 0; w < 4; w++) t[4 * b + w] = (t[4 * low + w] ?? 0) ^ (t[4 * rest + w] ?? 0);
    }
  }

  /** Starts a new message. */
  reset(): void {
    this.y0 = 0;
    this.y1 = 0;
    this.y2 = 0;
    this.y3 = 0;
  }

  /** Absorbs `data[offset, offset + length)`, the last partial block padded with zeros. */
  update(data: Uint8Array, offset: number, length: number): void {
    const end = offset + length;
    let off = offset;
    for (; end - off >= 16; off += 16) {
      this.#block(
        ((data[off] ?? 0) << 24) | ((data[off + 1] ?? 0) << 16) | ((data[off + 2] ?? 0) << 8) | (data[off + 3] ?? 0),
        ((data[off + 4] ?? 0) << 24) | ((data[off + 5] ?? 0) << 16) | ((data[off + 6] ?? 0) << 8) | (data[off + 7] ?? 0),
        ((data[off + 8] ?? 0) << 24) | ((data[off + 9] ?? 0) << 16) | ((data[off + 10] ?? 0) << 8) | (data[off + 11] ?? 0),
        ((data[off + 12] ?? 0) << 24) | ((data[off + 13] ?? 0) << 16) | ((data[off + 14] ?? 0) << 8) | (data[off + 15] ?? 0),
      );
    }
    if (off < end) {
      let x0 = 0;
      let x1 = 0;
      let x2 = 0;
      let x3 = 0;
      for (let i = 0; off < end; i++, off++) {
        const b = (data[off] ?? 0) << (24 - 8 * (i & 3));
        if (i < 4) x0 |= b;
        else if (i < 8) x1 |= b;
        else if (i < 12) x2 |= b;
        else x3 |= b;
      }
      this.#block(x0, x1, x2, x3);
    }
  }

  /** Absorbs one block given as four big-endian words (e.g. SRTCP's AAD tail, built in registers). */
  updateWords(x0: number, x1: number, x2: number, x3: number): void {
    this.#block(x0, x1, x2, x3);
  }

  /** Absorbs the final `len(A)_64 ‖ len(C)_64` block (lengths in bytes, converted to bits). */
  updateLengths(aadBytes: number, ciphertextBytes: number): void {
    const a = aadBytes * 8;
    const c = ciphertextBytes * 8;
    this.#block((a / 0x1_0000_0000) | 0, a | 0, (c / 0x1_0000_0000) | 0, c | 0);
  }

  /** Y ← (Y ⊕ X)·H, by Horner's rule over the 16 bytes from last to first. */
  #block(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.#table;
    const a0 = this.y0 ^ x0;
    const a1 = this.y1 ^ x1;
    const a2 = this.y2 ^ x2;
    const a3 = this.y3 ^ x3;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let w = 3; w >= 0; w--) {
      const word = w === 3 ? a3 : w === 2 ? a2 : w === 1 ? a1 : a0;
      for (let shift = 0; shift < 32; shift += 8) {
        // Z ← Z·x^8, then Z ← Z ⊕ byte·H.
        const rem = z3 & 0xff;
        z3 = (z3 >>> 8) | (z2 << 24);
        z2 = (z2 >>> 8) | (z1 << 24);
        z1 = (z1 >>> 8) | (z0 << 24);
        z0 = (z0 >>> 8) ^ (REDUCE[rem] ?? 0);
        const i = ((word >>> shift) & 0xff) << 2;
        z0 ^= t[i] ?? 0;
        z1 ^= t[i + 1] ?? 0;
        z2 ^= t[i + 2] ?? 0;
        z3 ^= t[i + 3] ?? 0;
      }
    }
    this.y0 = z0;
    this.y1 = z1;
    this.y2 = z2;
    this.y3 = z3;
  }
}
