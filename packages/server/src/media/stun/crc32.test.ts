import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import { crc32 } from './crc32.ts';

const prng = seededRandom;

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('matches zlib.crc32 over 500 random buffers', () => {
    const random = prng(0xc0ffee);
    for (let n = 0; n < 500; n++) {
      const buf = Buffer.alloc(Math.floor(random() * 1500));
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(random() * 256);
      expect(crc32(buf)).toBe(zlibCrc32(buf));
    }
  });

  it('computes a sub-range and continues a running checksum', () => {
    const buf = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(crc32(buf, 4, 19)).toBe(zlibCrc32(buf.subarray(4, 19)));
    expect(crc32(buf, 10, buf.length, crc32(buf, 0, 10))).toBe(zlibCrc32(buf));
  });
});
