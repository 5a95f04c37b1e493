import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CounterKeystream, KeystreamCache } from './counter-keystream.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const bytes = (ks: CounterKeystream, blocks: number): Buffer =>
  Buffer.from(ks.keystream.subarray(ks.keystreamOffset, ks.keystreamOffset + 16 * blocks));

/** Reference: the same keystream from a fresh AES-CTR context. */
function ctrKeystream(key: Buffer, iv: Buffer, blocks: number): Buffer {
  return createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(16 * blocks));
}

describe('CounterKeystream', () => {
  it('produces the RFC 3711 Appendix B.2 AES-CM keystream', () => {
    const ks = new CounterKeystream('aes-128-ecb', hex('2B7E151628AED2A6ABF7158809CF4F3C'), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 'aes-cm');
    ks.fetch(undefined, 0, 0, 0xff02, false);
    const all = bytes(ks, 0xff02);
    const block = (j: number): string => all.subarray(16 * j, 16 * j + 16).toString('hex').toUpperCase();
    expect(block(0)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(1)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(2)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('places SSRC and the 48-bit index as RFC 3711 §4.1.1 says (checked against AES-CTR)', () => {
    for (let trial = 0; trial < 50; trial++) {
      const key = randomBytes(16);
      const salt = randomBytes(14);
      const ssrc = randomBytes(4).readUInt32BE();
      const index = randomBytes(6).readUIntBE(0, 6);
      const ks = new CounterKeystream('aes-128-ecb', key, salt, 'aes-cm');
      ks.fetch(undefined, ssrc, index, 5, false);
      const iv = Buffer.concat([salt, Buffer.alloc(2)]);
      const t = Buffer.alloc(16);
      t.writeUInt32BE(ssrc, 4);
      t.writeUIntBE(index, 8, 6);
      for (let i = 0; i < 16; i++) iv[i] = (iv[i] ?? 0) ^ (t[i] ?? 0);
      expect(bytes(ks, 5)).toEqual(ctrKeystream(key, iv, 5));
    }
  });

  it('builds GCM counter blocks J0 = IV ‖ 1, then IV ‖ 2 … (RFC 7714 §8.1, §9.1)', () => {
    const key = randomBytes(16);
    const salt = randomBytes(12);
    const ecb = createCipheriv('aes-128-ecb', key, null);
    ecb.setAutoPadding(false);
    const expectBlocks = (ks: CounterKeystream, iv: Buffer): void => {
      const blocks = [1, 2, 3].map((c) => Buffer.concat([iv, Buffer.from([0, 0, 0, c])]));
      expect(bytes(ks, 3)).toEqual(ecb.update(Buffer.concat(blocks)));
    };
    const rtp = new CounterKeystream('aes-128-ecb', key, salt, 'gcm-rtp');
    rtp.fetch(undefined, 0x11223344, 0xaabbccdd * 0x10000 + 0xeeff, 3, false);
    expectBlocks(rtp, Buffer.from(hex('0000 11223344 aabbccdd eeff').map((b, i) => b ^ (salt[i] ?? 0))));
    const rtcp = new CounterKeystream('aes-128-ecb', key, salt, 'gcm-rtcp');
    rtcp.fetch(undefined, 0x11223344, 0x7abbccdd, 3, false);
    expectBlocks(rtcp, Buffer.from(hex('0000 11223344 0000 7abbccdd').map((b, i) => b ^ (salt[i] ?? 0))));
  });

  it('serves cached keystream identical to one-off keystream, and refills only when allowed', () => {
    const key = randomBytes(16);
    const salt = randomBytes(14);
    const cached = new CounterKeystream('aes-128-ecb', key, salt, 'aes-cm');
    const plain = new CounterKeystream('aes-128-ecb', key, salt, 'aes-cm');
    const cache = new KeystreamCache();
    const start = 0xffff * 0x10000 + 0xfff0; // crosses a ROC boundary inside the cache
    for (let i = 0; i < 100; i++) {
      expect(cached.fetch(cache, 42, start + i, 11, true)).toBe(false);
      plain.fetch(undefined, 42, start + i, 11, false);
      expect(bytes(cached, 11)).toEqual(bytes(plain, 11));
    }
    expect(cache.count).toBe(32);
    // A late packet is served one-off and leaves the cache where it is.
    const base = cache.base;
    cached.fetch(cache, 42, base - 1, 11, true);
    plain.fetch(undefined, 42, base - 1, 11, false);
    expect(bytes(cached, 11)).toEqual(bytes(plain, 11));
    expect(cache.base).toBe(base);
    // A jump far back refills from there.
    cached.fetch(cache, 42, base - 1000, 11, true);
    expect(cache.base).toBe(base - 1000);
    cached.fetch(cache, 42, base, 11, true);
    expect(cache.base).toBe(base);
    // The last cached packet without permission to refill: served, and the caller is asked to refill.
    expect(cached.fetch(cache, 42, base + 31, 11, false)).toBe(true);
    expect(cached.fetch(cache, 42, base + 30, 11, false)).toBe(false);
    // Past the end without permission: one-off, and the caller is asked to refill later.
    expect(cached.fetch(cache, 42, base + 40, 11, false)).toBe(true);
    expect(cache.base).toBe(base);
    plain.fetch(undefined, 42, base + 40, 11, false);
    expect(bytes(cached, 11)).toEqual(bytes(plain, 11));
    // A longer packet is served one-off and makes the next refill longer.
    cached.fetch(cache, 42, base + 1, 20, true);
    plain.fetch(undefined, 42, base + 1, 20, false);
    expect(bytes(cached, 20)).toEqual(bytes(plain, 20));
    expect(cache.wanted).toBe(20);
    cached.refill(cache, 42, base + 100);
    expect(cache.blocksPerPacket).toBe(20);
  });
});
