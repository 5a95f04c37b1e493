/**
 * Bad input: 5,000 seeded random buffers (pure noise, RTP-shaped, RTCP-shaped, and mutated valid
 * packets) go to every parser and in-place function. None may throw, parsers may not write at all,
 * and in-place functions may not write at or past `len`.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import {
  DtmfDetector,
  ReceptionStats,
  RtpRewriter,
  SequenceTracker,
  buildRtpPacket,
  createRtpHeaderInfo,
  isRtcpPacket,
  parseHeaderExtension,
  parseRtcp,
  parseRtpPacket,
  parseTelephoneEvent,
  rtpHeaderInfo,
  sdesCname,
  serializeRtcp,
  stripHeaderExtensions,
  type RtcpPacket,
} from './index.ts';

const prng = seededRandom;

const random = prng(0x5eed_4733);
const int = (n: number): number => Math.floor(random() * n);
const GUARD = 16;
const GUARD_BYTE = 0xa5;

const SEEDS: Buffer[] = [
  buildRtpPacket({
    payloadType: 111,
    sequence: 65535,
    timestamp: 0xfffffff0,
    ssrc: 1,
    csrcs: [2, 3],
    extension: { profile: 0xbede, data: Buffer.from('108a22123456310007', 'hex') },
    payload: Buffer.from('fcfffe', 'hex'),
    padding: 3,
  }),
  buildRtpPacket({
    payloadType: 126,
    sequence: 1,
    timestamp: 8000,
    ssrc: 1,
    marker: true,
    extension: { profile: 0x1000, data: Buffer.from('0102aabb0500', 'hex') },
    payload: Buffer.from('018a0320', 'hex'),
  }),
  serializeRtcp([
    {
      type: 'sr',
      ssrc: 1,
      ntpSeconds: 2,
      ntpFraction: 3,
      rtpTimestamp: 4,
      packetCount: 5,
      octetCount: 6,
      reports: [{ ssrc: 7, fractionLost: 8, cumulativeLost: -9, extendedHighestSequence: 10, jitter: 11, lsr: 12, dlsr: 13 }],
    },
    sdesCname(1, 'cname'),
    { type: 'bye', ssrcs: [1], reason: 'x' },
    { type: 'app', subtype: 1, ssrc: 1, name: 'abcd', data: Buffer.alloc(4) },
    { type: 'rtpfb', fmt: 1, senderSsrc: 1, mediaSsrc: 2, fci: Buffer.alloc(4) },
    { type: 'psfb', fmt: 1, senderSsrc: 1, mediaSsrc: 2, fci: Buffer.alloc(0) },
  ]),
];

/** One random input: the buffer (len bytes + guard) and len. */
function sample(): { buf: Buffer; len: number } {
  const mode = int(4);
  let body: Buffer;
  if (mode === 3) {
    body = Buffer.from(SEEDS[int(SEEDS.length)] as Buffer);
    for (let flips = 1 + int(4); flips > 0; flips--) body.writeUInt8(int(256), int(body.length));
    if (random() < 0.3) body = body.subarray(0, int(body.length + 1));
  } else {
    body = Buffer.alloc(int(mode === 0 ? 64 : 300));
    for (let i = 0; i < body.length; i++) body.writeUInt8(int(256), i);
    if (mode === 1 && body.length > 0) body.writeUInt8(0x80 | (int(4) << 4) | int(16) % (random() < 0.8 ? 3 : 16), 0);
    if (mode === 2) {
      // Plausible RTCP headers with lengths that may or may not fit.
      let at = 0;
      let fits = 0;
      for (let k = 1 + int(3); k > 0 && at + 4 <= body.length; k--) {
        body.writeUInt8(0x80 | (random() < 0.2 ? 0x20 : 0) | int(4), at);
        body.writeUInt8(200 + int(8), at + 1);
        const words = int(8);
        body.writeUInt16BE(words, at + 2);
        at += 4 * (words + 1);
        if (at <= body.length) fits = at;
      }
      if (random() < 0.7) body = body.subarray(0, fits);
    }
  }
  const buf = Buffer.alloc(body.length + GUARD, GUARD_BYTE);
  body.copy(buf);
  return { buf, len: body.length };
}

function guardIntact(buf: Buffer, len: number): boolean {
  for (let i = len; i < buf.length; i++) if (buf.readUInt8(i) !== GUARD_BYTE) return false;
  return true;
}

function longText(packets: readonly RtcpPacket[]): boolean {
  return packets.some(
    (p) =>
      (p.type === 'sdes' && p.chunks.some((c) => c.items.some((i) => Buffer.byteLength(i.value) > 255))) ||
      (p.type === 'bye' && p.reason !== undefined && Buffer.byteLength(p.reason) > 255),
  );
}

describe('5,000 random buffers', () => {
  it('never throw, never write where they must not', () => {
    const out = createRtpHeaderInfo();
    const rewriter = new RtpRewriter({ ssrc: 0xabc, payloadTypes: { 111: 96, 126: 101, 0: 0 }, clockRate: 48000 });
    const detected: string[] = [];
    const detector = new DtmfDetector((d) => detected.push(d.digit));
    const stats = new ReceptionStats(1, { clockRate: 48000, minSequential: 1 });
    const tracker = new SequenceTracker();
    let validRtp = 0;
    let validRtcp = 0;
    for (let n = 0; n < 5000; n++) {
      const { buf, len } = sample();
      const original = Buffer.from(buf);

      // Parsers: no writes at all; nothing read past len.
      const info = rtpHeaderInfo(buf, len, out);
      if (typeof info !== 'string') {
        validRtp++;
        expect(info.payloadOffset + info.payloadLength + info.paddingLength).toBe(len);
        expect(Math.min(info.payloadLength, info.paddingLength, info.extensionLength)).toBeGreaterThanOrEqual(0);
        const other = Buffer.from(buf);
        other.fill(0, len);
        expect(rtpHeaderInfo(other, len)).toEqual(info);
        parseHeaderExtension(buf, info);
        parseTelephoneEvent(buf, info.payloadOffset, info.payloadLength);
      }
      parseRtpPacket(buf, len);
      isRtcpPacket(buf, len);
      parseTelephoneEvent(buf, 0, len);
      detector.push(int(2 ** 32), buf, 0, len);
      const rtcp = parseRtcp(buf, len);
      if (rtcp.ok) {
        validRtcp++;
        if (!longText(rtcp.packets)) {
          const once = serializeRtcp(rtcp.packets);
          const again = parseRtcp(once);
          expect(again.ok).toBe(true);
          if (again.ok) expect(serializeRtcp(again.packets)).toEqual(once);
        }
      }
      expect(buf).toEqual(original);

      // In-place functions: only inside [0, len).
      const stripped = stripHeaderExtensions(buf, len);
      expect(guardIntact(buf, len)).toBe(true);
      if (stripped < 0) {
        expect(buf).toEqual(original);
      } else {
        expect(stripped).toBeLessThanOrEqual(len);
        const after = rtpHeaderInfo(buf, stripped);
        expect(typeof after === 'string' ? after : after.extensionOffset).toBe(-1);
        if (typeof info !== 'string' && typeof after !== 'string') {
          expect(buf.subarray(after.payloadOffset, after.payloadOffset + after.payloadLength)).toEqual(
            original.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength),
          );
        }
      }
      const before = Buffer.from(buf);
      const rewriteLen = random() < 0.05 ? buf.length + 1 + int(GUARD) : stripped < 0 ? len : stripped;
      const ok = rewriter.rewrite(buf, rewriteLen, n * 20);
      expect(guardIntact(buf, len)).toBe(true);
      expect(buf.subarray(12)).toEqual(before.subarray(12));
      if (!ok) expect(buf).toEqual(before);

      // Per-packet statistics with arbitrary numbers.
      const seq = int(65536);
      stats.update(seq, int(2 ** 32), n * 20 + random() * 100);
      stats.updateSequence(seq ^ 1);
      tracker.update(seq);
      if (n % 50 === 0) {
        const block = stats.reportBlock(n * 20);
        expect(block.fractionLost).toBeGreaterThanOrEqual(0);
        expect(block.fractionLost).toBeLessThanOrEqual(255);
        expect(Math.abs(block.cumulativeLost)).toBeLessThanOrEqual(0x800000);
        expect(Number.isFinite(block.jitter)).toBe(true);
      }
    }
    // The generator reaches the deep paths, not only the early refusals.
    expect(validRtp).toBeGreaterThan(500);
    expect(validRtcp).toBeGreaterThan(300);
  });
});
