import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha1 } from './hmac-sha1.ts';

const digest = (mac: HmacSha1): Buffer => {
  const out = Buffer.alloc(20);
  mac.writeTag(out, 0, 20);
  return out;
};

describe('HmacSha1', () => {
  it('matches the RFC 2202 HMAC-SHA1 test cases', () => {
    const cases: [Buffer, Buffer, string][] = [
      [Buffer.alloc(20, 0x0b), Buffer.from('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
      [Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
      [Buffer.alloc(20, 0xaa), Buffer.alloc(50, 0xdd), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
      [Buffer.alloc(80, 0xaa), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
    ];
    for (const [key, data, expected] of cases) {
      const mac = new HmacSha1(key);
      mac.compute(data, 0, data.length);
      expect(digest(mac).toString('hex')).toBe(expected);
    }
  });

  it('agrees with createHmac for every length 0–300, at an offset, with and without a 32-bit suffix', () => {
    for (const keyLength of [0, 20, 64, 65]) {
      const key = randomBytes(keyLength);
      const mac = new HmacSha1(key);
      for (let length = 0; length <= 300; length++) {
        const data = randomBytes(length + 5);
        mac.compute(data, 3, length);
        expect(digest(mac)).toEqual(createHmac('sha1', key).update(data.subarray(3, 3 + length)).digest());
        const suffix = (length * 0x9e3779b9) >>> 0;
        const suffixBytes = Buffer.alloc(4);
        suffixBytes.writeUInt32BE(suffix);
        mac.compute(data, 3, length, suffix);
        expect(digest(mac)).toEqual(createHmac('sha1', key).update(data.subarray(3, 3 + length)).update(suffixBytes).digest());
      }
    }
  });

  it('compares truncated tags exactly', () => {
    const mac = new HmacSha1(randomBytes(20));
    const data = randomBytes(100);
    mac.compute(data, 0, 100);
    const tag = Buffer.alloc(10);
    mac.writeTag(tag, 0, 10);
    expect(mac.matchesTag(tag, 0, 10)).toBe(true);
    expect(mac.matchesTag(tag, 0, 4)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const bad = Buffer.from(tag);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      expect(mac.matchesTag(bad, 0, 10)).toBe(false);
    }
  });
});
