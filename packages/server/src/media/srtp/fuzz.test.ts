/**
 * Bad input: 5,000 seeded random buffers (noise, RTP/RTCP-shaped noise, and mutated or truncated
 * genuine packets) go to every unprotect function of every suite. None may throw; a refused packet
 * must come back byte-for-byte unchanged; nothing may be written at or past `length`.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import { SrtpSession } from './srtp-session.ts';
import type { SrtpSuite } from './srtp-suite.ts';
import { rtcpReceiverReport, rtpPacket, testMaster, withRoom } from './test-packets.test-helper.ts';

const prng = seededRandom;

const random = prng(0x5eed_3711);
const int = (n: number): number => Math.floor(random() * n);
const GUARD = 16;
const SUITES: SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];

function genuine(suite: SrtpSuite): Buffer[] {
  const tx = new SrtpSession(suite, testMaster(suite));
  const out: Buffer[] = [];
  for (let i = 0; i < 4; i++) {
    const rtp = withRoom(rtpPacket({ ssrc: 77, seq: 65534 + i, csrcs: i === 1 ? [5] : [], payload: Buffer.alloc(20 * i + 3, i) }));
    out.push(rtp.subarray(0, tx.protectRtp(rtp, rtp.length - 64) as number));
    const rtcp = withRoom(rtcpReceiverReport(77, i));
    out.push(rtcp.subarray(0, tx.protectRtcp(rtcp, 32) as number));
  }
  return out;
}

function candidate(seeds: readonly Buffer[]): Buffer {
  const kind = int(4);
  if (kind === 0) return Buffer.from(Array.from({ length: int(120) }, () => int(256)));
  if (kind === 1) {
    const b = Buffer.from(Array.from({ length: int(120) }, () => int(256)));
    if (b.length > 0) b[0] = 0x80 | int(0x40); // V=2, random P/X/CC
    if (b.length > 1 && int(2) === 0) b[1] = 200 + int(8);
    return b;
  }
  const seed = seeds[int(seeds.length)] ?? Buffer.alloc(0);
  const b = Buffer.from(seed.subarray(0, kind === 2 ? int(seed.length + 1) : seed.length));
  for (let flips = 1 + int(3); flips > 0 && b.length > 0; flips--) b[int(b.length)] = int(256);
  return b;
}

describe('fuzz: unprotect never throws and never changes refused packets', () => {
  it.each(SUITES)('%s: 5,000 random buffers through unprotectRtp and unprotectRtcp', (suite) => {
    const seeds = genuine(suite);
    const rx = new SrtpSession(suite, testMaster(suite));
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const packet = candidate(seeds);
      const buf = Buffer.alloc(packet.length + GUARD, 0xa5);
      packet.copy(buf);
      const before = Buffer.from(buf);
      const length = int(8) === 0 ? packet.length + int(GUARD + 4) - 2 : packet.length;
      const r = i % 2 === 0 ? rx.unprotectRtp(buf, length) : rx.unprotectRtcp(buf, length);
      if (typeof r === 'number') {
        accepted++;
        expect(r).toBeLessThanOrEqual(length);
        expect(buf.subarray(length)).toEqual(before.subarray(length));
      } else {
        expect(buf).toEqual(before);
      }
    }
    // Only genuine, unmodified, first-seen packets can pass: a handful at most.
    expect(accepted).toBeLessThanOrEqual(seeds.length);
  });
});
