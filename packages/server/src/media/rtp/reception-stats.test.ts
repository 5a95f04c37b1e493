import { describe, expect, it } from 'vitest';
import {
  ReceptionStats,
  SenderStats,
  compactNtpFromMs,
  ntpFromMs,
  parseRtcp,
  rttMs,
  serializeRtcpPacket,
} from './index.ts';

describe('ReceptionStats: loss (RFC 3550 A.3)', () => {
  it('counts loss and duplicates across a sequence wrap, interval by interval', () => {
    const s = new ReceptionStats(0x1234, { clockRate: 48000, minSequential: 1 });
    // 65532, 1 and 2 are lost; 3 and 4 arrive twice.
    for (const seq of [65530, 65531, 65533, 65534, 65535, 0, 3, 3, 4, 4, 5]) s.updateSequence(seq);
    expect(s.expected).toBe(12);
    expect(s.received).toBe(11);
    expect(s.extendedHighestSequence).toBe(65536 + 5);
    expect(s.reportBlock(0)).toEqual({
      ssrc: 0x1234,
      fractionLost: Math.floor((1 * 256) / 12), // 21
      cumulativeLost: 1,
      extendedHighestSequence: 0x10005,
      jitter: 0,
      lsr: 0,
      dlsr: 0,
    });

    // More duplicates than losses: cumulative loss goes negative, fraction stays 0.
    for (const seq of [6, 6, 6, 7]) s.updateSequence(seq);
    const dup = s.reportBlock(0);
    expect(dup).toMatchObject({ fractionLost: 0, cumulativeLost: -1, extendedHighestSequence: 0x10007 });
    const wire = serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: [dup] });
    expect(wire.subarray(12, 16)).toEqual(Buffer.from([0x00, 0xff, 0xff, 0xff]));

    // Nothing received in an interval: fraction 0.
    expect(s.reportBlock(0)).toMatchObject({ fractionLost: 0, cumulativeLost: -1 });

    // 9, 10, 11 lost in an interval of 5 expected.
    s.updateSequence(8);
    s.updateSequence(12);
    expect(s.reportBlock(0)).toMatchObject({ fractionLost: Math.floor((3 * 256) / 5), cumulativeLost: 2 });
  });

  it('reports a perfect stream as lossless, probation packet excluded', () => {
    const s = new ReceptionStats(1, { clockRate: 8000 });
    for (let i = 0; i < 50; i++) s.update(100 + i, 160 * i, 20 * i);
    expect(s.valid).toBe(true);
    expect(s.received).toBe(49);
    expect(s.expected).toBe(49);
    expect(s.reportBlock(1000)).toMatchObject({ fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 149 });
  });

  it('reports 100 % loss of an interval as 255', () => {
    const s = new ReceptionStats(1, { clockRate: 8000, minSequential: 1 });
    s.updateSequence(0);
    s.reportBlock(0);
    s.updateSequence(1000);
    // 999 of 1000 lost: floor(999 × 256 / 1000) = 255
    expect(s.reportBlock(0).fractionLost).toBe(255);
  });

  it('restarts the counts when the sender restarts its sequence', () => {
    const s = new ReceptionStats(1, { clockRate: 8000, minSequential: 1 });
    for (let i = 0; i < 10; i++) s.updateSequence(i);
    s.reportBlock(0);
    expect(s.updateSequence(40000)).toBe(false);
    expect(s.updateSequence(40001)).toBe(true);
    expect(s.expected).toBe(1);
    expect(s.reportBlock(0)).toMatchObject({ fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 40001 });
  });
});

describe('ReceptionStats: jitter (RFC 3550 A.8)', () => {
  it('converges to the known jitter of an alternating ±5 ms stream', () => {
    // 8 kHz, 20 ms frames; odd packets arrive 5 ms late: |D| = 5 ms = 40 timestamp units each time.
    const s = new ReceptionStats(1, { clockRate: 8000, minSequential: 1 });
    for (let i = 0; i < 20; i++) s.update(i, 160 * i, 20 * i + (i % 2 === 1 ? 5 : 0));
    // J_n = 40 × (1 − (15/16)^n) after n = 19 updates.
    expect(s.jitter).toBeCloseTo(40 * (1 - (15 / 16) ** 19), 9);
    for (let i = 20; i < 400; i++) s.update(i, 160 * i, 20 * i + (i % 2 === 1 ? 5 : 0));
    expect(s.jitter).toBeCloseTo(40, 6);
    expect(s.reportBlock(8000).jitter).toBe(39); // floor of a value just under 40
  });

  it('is zero for a constant delay, also across a timestamp wrap, and at 48 kHz', () => {
    const s = new ReceptionStats(1, { clockRate: 48000, minSequential: 1 });
    const start = 2 ** 32 - 960 * 5;
    for (let i = 0; i < 20; i++) s.update(i, (start + 960 * i) % 2 ** 32, 1000.25 + 20 * i);
    expect(s.jitter).toBe(0);
  });

  it('leaves jitter alone for sequence-only packets (telephone-events)', () => {
    const s = new ReceptionStats(1, { clockRate: 48000, minSequential: 1 });
    s.update(0, 0, 0);
    s.update(1, 960, 20);
    for (let i = 2; i < 6; i++) s.updateSequence(i); // same event timestamp, 8 kHz clock
    s.update(6, 960 * 6, 120);
    expect(s.jitter).toBe(0);
    expect(s.received).toBe(7);
  });
});

describe('LSR, DLSR and round-trip time (RFC 3550 §6.4.1)', () => {
  it('fills LSR and DLSR from the last sender report', () => {
    const s = new ReceptionStats(1, { clockRate: 48000, minSequential: 1 });
    s.updateSequence(1);
    expect(s.reportBlock(0)).toMatchObject({ lsr: 0, dlsr: 0 });
    s.onSenderReport(0x1234abcd, 0x87654321, 10_000);
    expect(s.reportBlock(10_500)).toMatchObject({ lsr: 0xabcd8765, dlsr: 0x8000 });
  });

  it('computes RTT = A − LSR − DLSR end to end through the wire format', () => {
    const T0 = 1_767_225_600_000;
    const sender = new SenderStats(0xa, 48000);
    sender.onSent(80, 960, T0 - 20);
    const sr = sender.senderReport(T0);
    // The far end receives the SR 40 ms later, holds it 500 ms, and its RR arrives 40 ms after that.
    const far = new ReceptionStats(0xa, { clockRate: 48000, minSequential: 1 });
    far.update(1, 960, T0 - 20 + 40);
    far.onSenderReport(sr.ntpSeconds, sr.ntpFraction, T0 + 40);
    const rr = serializeRtcpPacket({ type: 'rr', ssrc: 0xb, reports: [far.reportBlock(T0 + 540)] });
    const parsed = parseRtcp(rr);
    if (!parsed.ok || parsed.packets[0]?.type !== 'rr') throw new Error('bad RR');
    const block = parsed.packets[0].reports[0];
    if (block === undefined) throw new Error('no block');
    expect(rttMs(block, compactNtpFromMs(T0 + 580))).toBeCloseTo(80, 1);
  });

  it('handles the compact NTP wrap, missing LSR and negative rounding', () => {
    expect(rttMs({ lsr: 0xffff8000, dlsr: 0x8000 }, 0x1000)).toBe(62.5);
    expect(rttMs({ lsr: 0, dlsr: 0 }, 0x1000)).toBeUndefined();
    expect(rttMs({ lsr: 0x10000, dlsr: 0x10 }, 0x10008)).toBe(0);
  });
});

describe('SenderStats', () => {
  it('counts packets and payload octets and extrapolates the RTP timestamp', () => {
    const s = new SenderStats(0x77, 48000);
    expect(s.hasSent).toBe(false);
    for (let i = 0; i < 3; i++) s.onSent(100 + i, 960 * i, 1000 + 20 * i);
    expect(s.hasSent).toBe(true);
    expect(s.packetCount).toBe(3);
    expect(s.octetCount).toBe(303);
    const ntp = ntpFromMs(1100);
    expect(s.senderReport(1100)).toEqual({
      type: 'sr',
      ssrc: 0x77,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp: 1920 + 60 * 48,
      packetCount: 3,
      octetCount: 303,
      reports: [],
    });
  });
});
