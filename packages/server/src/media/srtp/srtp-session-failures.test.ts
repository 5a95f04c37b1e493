/**
 * What SrtpSession refuses, and that it refuses without throwing and without touching the packet:
 * replays, packets behind the window, tampering, truncation, bad lengths and versions, SRTCP index
 * replays; and what it accepts: reordering inside the window and around a sequence wrap.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SrtpSession } from './srtp-session.ts';
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';
import { rtcpReceiverReport, rtpPacket, testMaster, withRoom } from './test-packets.test-helper.ts';

const SUITES: SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
const SSRC = 0x01020304;

/** Protected copies of packets with these sequence numbers (first index = 0·2^16 + seqs[0]…). */
function protectedRun(suite: SrtpSuite, seqs: readonly number[], roc = 0): Buffer[] {
  const tx = new SrtpSession(suite, testMaster(suite));
  tx.setRolloverCounter('protect', SSRC, roc);
  return seqs.map((seq) => {
    const rtp = rtpPacket({ ssrc: SSRC, seq, payload: Buffer.alloc(40, seq & 0xff) });
    const buf = withRoom(rtp);
    const n = tx.protectRtp(buf, rtp.length);
    if (typeof n !== 'number') throw new Error(n);
    return buf.subarray(0, n);
  });
}

/** Unprotects a copy (the caller's buffer stays protected, so it can be replayed). */
function open(rx: SrtpSession, packet: Buffer): number | string {
  return rx.unprotectRtp(withRoom(packet), packet.length);
}

describe.each(SUITES)('%s unprotect failures', (suite) => {
  const tag = SRTP_SUITES[suite].rtpTagLength;

  it('refuses a replayed packet, accepts reordering inside the 64-packet window, refuses older ones', () => {
    const seqs = Array.from({ length: 200 }, (_, i) => 1000 + i);
    const packets = protectedRun(suite, seqs);
    const rx = new SrtpSession(suite, testMaster(suite));
    const at = (seq: number): Buffer => packets[seq - 1000] ?? Buffer.alloc(0);
    expect(open(rx, at(1100))).toBe(at(1100).length - tag);
    expect(open(rx, at(1100))).toBe('replayed');
    // 1037 is exactly 63 behind: last slot of the window. 1036 is 64 behind: too old.
    expect(open(rx, at(1037))).toBe(at(1037).length - tag);
    expect(open(rx, at(1037))).toBe('replayed');
    expect(open(rx, at(1036))).toBe('too-old');
    expect(open(rx, at(1099))).toBe(at(1099).length - tag);
    expect(open(rx, at(1050))).toBe(at(1050).length - tag);
    expect(open(rx, at(1050))).toBe('replayed');
    // Jumps of 31, 32, 33 and more than 64 slide the window correctly.
    for (const seq of [1131, 1163, 1196]) expect(open(rx, at(seq))).toBe(at(seq).length - tag);
    expect(open(rx, at(1131))).toBe('too-old');
    expect(open(rx, at(1163))).toBe('replayed');
    expect(open(rx, at(1162))).toBe(at(1162).length - tag);
    expect(open(rx, at(1133))).toBe(at(1133).length - tag);
    expect(open(rx, at(1132))).toBe('too-old');
  });

  it('follows reordering around a sequence-number wrap in both directions', () => {
    const order = [65533, 65535, 65534, 0, 2, 65532, 1, 4, 3, 65531];
    const tx = new SrtpSession(suite, testMaster(suite));
    const rx = new SrtpSession(suite, testMaster(suite));
    for (const seq of order) {
      const rtp = rtpPacket({ ssrc: SSRC, seq, payload: randomBytes(33) });
      const buf = withRoom(rtp);
      const n = tx.protectRtp(buf, rtp.length);
      expect(n).toBe(rtp.length + tag);
      expect(tx.rolloverCounter('protect', SSRC)).toBe(order.indexOf(seq) >= order.indexOf(0) ? 1 : 0);
      expect(rx.unprotectRtp(buf, rtp.length + tag)).toBe(rtp.length);
      expect(buf.subarray(0, rtp.length)).toEqual(rtp);
    }
    expect(rx.rolloverCounter('unprotect', SSRC)).toBe(1);
    // A late packet from before the stream's first one would need ROC −1.
    const tx2 = new SrtpSession(suite, testMaster(suite));
    const rx2 = new SrtpSession(suite, testMaster(suite));
    const first = withRoom(rtpPacket({ ssrc: SSRC, seq: 5, payload: Buffer.alloc(8) }));
    expect(rx2.unprotectRtp(first, tx2.protectRtp(first, 20) as number)).toBe(20);
    const early = withRoom(rtpPacket({ ssrc: SSRC, seq: 65500, payload: Buffer.alloc(8) }));
    expect(tx2.protectRtp(early, 20)).toBe('too-old');
  });

  it('refuses tampered header, payload and tag with auth-failed and leaves the packet as it was', () => {
    const [packet] = protectedRun(suite, [7]);
    if (packet === undefined) throw new Error('no packet');
    for (const position of [1, 4, 11, 12, 30, packet.length - tag, packet.length - 1]) {
      const rx = new SrtpSession(suite, testMaster(suite));
      const bad = withRoom(packet);
      bad[position] = (bad[position] ?? 0) ^ 0x40;
      const before = Buffer.from(bad);
      expect(rx.unprotectRtp(bad, packet.length)).toBe('auth-failed');
      expect(bad).toEqual(before);
      // The genuine packet still goes through afterwards: failures do not move the window.
      expect(open(rx, packet)).toBe(packet.length - tag);
    }
    // A different key.
    const other = new SrtpSession(suite, testMaster(suite, 99));
    expect(open(other, packet)).toBe('auth-failed');
  });

  it('refuses every truncation without throwing', () => {
    const [packet] = protectedRun(suite, [9]);
    if (packet === undefined) throw new Error('no packet');
    const rx = new SrtpSession(suite, testMaster(suite));
    for (let length = 0; length < packet.length; length++) {
      const buf = Buffer.from(packet.subarray(0, length));
      const before = Buffer.from(buf);
      const r = rx.unprotectRtp(buf, length);
      expect(typeof r).toBe('string');
      expect(buf).toEqual(before);
      if (length < 12) expect(r).toBe('too-short');
      else if (length < 12 + tag) expect(r).toBe('too-short');
    }
    expect(open(rx, packet)).toBe(packet.length - tag);
  });

  it('refuses bad lengths, versions and headers', () => {
    const rx = new SrtpSession(suite, testMaster(suite));
    const buf = Buffer.alloc(100);
    buf[0] = 0x80;
    expect(rx.unprotectRtp(buf, -1)).toBe('bad-length');
    expect(rx.unprotectRtp(buf, 101)).toBe('bad-length');
    expect(rx.unprotectRtp(buf, 1.5)).toBe('bad-length');
    expect(rx.unprotectRtp(buf, Number.NaN)).toBe('bad-length');
    buf[0] = 0x40;
    expect(rx.unprotectRtp(buf, 100)).toBe('bad-version');
    buf[0] = 0x8f; // 15 CSRCs = 72-byte header
    expect(rx.unprotectRtp(buf, 60)).toBe('bad-header');
    buf[0] = 0x90; // extension of 0xffff words
    buf.writeUInt16BE(0xffff, 14);
    expect(rx.unprotectRtp(buf, 100)).toBe('bad-header');
    buf[0] = 0x80;
    expect(rx.unprotectRtp(buf, 12 + tag - 1)).toBe('too-short');
    expect(rx.unprotectRtp(buf, 12 + tag)).toBe('auth-failed');
  });

  it('refuses to protect without room for the tag, or a packet that is not RTP', () => {
    const tx = new SrtpSession(suite, testMaster(suite));
    const rtp = rtpPacket({ ssrc: SSRC, seq: 1, payload: Buffer.alloc(20) });
    expect(tx.protectRtp(Buffer.from(rtp), rtp.length)).toBe('no-room');
    const buf = withRoom(rtp);
    buf[0] = 0x00;
    expect(tx.protectRtp(buf, rtp.length)).toBe('bad-version');
    expect(tx.protectRtp(buf, 5)).toBe('too-short');
    expect(tx.protectRtp(buf, 1000)).toBe('bad-length');
  });

  it('tracks at most maxStreams SSRCs, creating state only for authentic packets', () => {
    const tx = new SrtpSession(suite, testMaster(suite), { maxStreams: 2 });
    const rx = new SrtpSession(suite, testMaster(suite), { maxStreams: 2 });
    const make = (ssrc: number): Buffer => {
      const b = withRoom(rtpPacket({ ssrc, seq: 1, payload: Buffer.alloc(10) }));
      tx.protectRtp(b, 22);
      return b.subarray(0, 22 + tag);
    };
    const a = make(1);
    const b = make(2);
    expect(tx.protectRtp(withRoom(rtpPacket({ ssrc: 3, seq: 1, payload: Buffer.alloc(10) })), 22)).toBe('too-many-streams');
    const forged = withRoom(a);
    forged.writeUInt32BE(3, 8);
    expect(rx.unprotectRtp(forged, a.length)).toBe('auth-failed');
    expect(open(rx, a)).toBe(22);
    expect(open(rx, b)).toBe(22);
    expect(rx.unprotectRtp(forged, a.length)).toBe('too-many-streams');
    rx.removeStream(2);
    expect(rx.unprotectRtp(forged, a.length)).toBe('auth-failed');
  });
});

describe.each(SUITES)('%s SRTCP', (suite) => {
  const overhead = SRTP_SUITES[suite].rtcpTagLength + 4;
  const indexWordAt = (length: number): number => (SRTP_SUITES[suite].transform === 'aead-aes-gcm' ? length - 4 : length - overhead);

  it.each([true, false])('sets the E bit to %s, counts the index up and round-trips', (encryptRtcp) => {
    const tx = new SrtpSession(suite, testMaster(suite), { encryptRtcp });
    const rx = new SrtpSession(suite, testMaster(suite));
    for (let i = 0; i < 5; i++) {
      const rtcp = rtcpReceiverReport(0xabcdef01, i);
      const buf = withRoom(rtcp);
      const n = tx.protectRtcp(buf, rtcp.length);
      expect(n).toBe(rtcp.length + overhead);
      const word = buf.readUInt32BE(indexWordAt(n as number));
      expect(word >>> 31).toBe(encryptRtcp ? 1 : 0);
      expect(word & 0x7fffffff).toBe(i);
      expect(buf.subarray(8, 16).equals(rtcp.subarray(8, 16))).toBe(!encryptRtcp);
      expect(buf.subarray(0, 8)).toEqual(rtcp.subarray(0, 8));
      expect(rx.unprotectRtcp(buf, n as number)).toBe(rtcp.length);
      expect(buf.subarray(0, rtcp.length)).toEqual(rtcp);
    }
  });

  it('refuses a replayed SRTCP index, a flipped E bit, tampering and truncation', () => {
    const tx = new SrtpSession(suite, testMaster(suite));
    const rx = new SrtpSession(suite, testMaster(suite));
    const packets = Array.from({ length: 70 }, (_, i) => {
      const buf = withRoom(rtcpReceiverReport(0x55, i));
      return buf.subarray(0, tx.protectRtcp(buf, 32) as number);
    });
    const first = packets[0] ?? Buffer.alloc(0);
    const openRtcp = (p: Buffer): number | string => rx.unprotectRtcp(withRoom(p), p.length);
    expect(openRtcp(packets[1] ?? first)).toBe(32);
    expect(openRtcp(packets[1] ?? first)).toBe('replayed');
    expect(openRtcp(first)).toBe(32);
    expect(openRtcp(packets[69] ?? first)).toBe(32);
    expect(openRtcp(packets[5] ?? first)).toBe('too-old');
    expect(openRtcp(packets[6] ?? first)).toBe(32);
    const flipped = withRoom(packets[20] ?? first);
    const at = indexWordAt((packets[20] ?? first).length);
    flipped[at] = (flipped[at] ?? 0) ^ 0x80;
    const before = Buffer.from(flipped);
    expect(rx.unprotectRtcp(flipped, (packets[20] ?? first).length)).toBe('auth-failed');
    expect(flipped).toEqual(before);
    for (const position of [0, 5, 9, 31, 40]) {
      const bad = withRoom(packets[30] ?? first);
      bad[position] = (bad[position] ?? 0) ^ 1;
      expect(rx.unprotectRtcp(bad, (packets[30] ?? first).length)).toBe('auth-failed');
    }
    for (let length = 0; length < (packets[40] ?? first).length; length++) {
      const r = rx.unprotectRtcp(Buffer.from((packets[40] ?? first).subarray(0, length)), length);
      expect(typeof r).toBe('string');
    }
    expect(openRtcp(packets[40] ?? first)).toBe(32);
  });

  it('refuses to protect what is not RTCP or has no room', () => {
    const tx = new SrtpSession(suite, testMaster(suite));
    expect(tx.protectRtcp(Buffer.alloc(40), 7)).toBe('too-short');
    expect(tx.protectRtcp(Buffer.alloc(40), 32)).toBe('bad-version');
    expect(tx.protectRtcp(rtcpReceiverReport(1), 32)).toBe('no-room');
    expect(tx.protectRtcp(Buffer.alloc(8), -3)).toBe('bad-length');
  });
});
