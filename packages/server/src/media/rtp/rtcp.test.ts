import { describe, expect, it } from 'vitest';
import {
  isRtcpPacket,
  parseRtcp,
  sdesCname,
  serializeRtcp,
  serializeRtcpPacket,
  type ReportBlock,
  type RtcpPacket,
  type RtcpParseResult,
} from './index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function packets(r: RtcpParseResult): readonly RtcpPacket[] {
  if (!r.ok) throw new Error(`parse failed: ${r.reason} at ${r.offset}`);
  return r.packets;
}

const BLOCK: ReportBlock = {
  ssrc: 0xaabbccdd,
  fractionLost: 0x40,
  cumulativeLost: -2,
  extendedHighestSequence: 0x0001fffe,
  jitter: 42,
  lsr: 0x12345678,
  dlsr: 0x00010000,
};

const SR_BYTES = hex(`
  81c8000c 11223344 e8a1b2c3 80000000 00010000 00000032 00000fa0
  aabbccdd 40fffffe 0001fffe 0000002a 12345678 00010000`);

const SR: RtcpPacket = {
  type: 'sr',
  ssrc: 0x11223344,
  ntpSeconds: 0xe8a1b2c3,
  ntpFraction: 0x80000000,
  rtpTimestamp: 0x10000,
  packetCount: 50,
  octetCount: 4000,
  reports: [BLOCK],
};

describe('RTCP sender and receiver reports', () => {
  it('serializes an SR with a report block byte for byte and parses it back', () => {
    expect(serializeRtcpPacket(SR)).toEqual(SR_BYTES);
    expect(packets(parseRtcp(SR_BYTES))).toEqual([SR]);
  });

  it('round-trips an RR with two blocks and one without', () => {
    const rr: RtcpPacket = {
      type: 'rr',
      ssrc: 1,
      reports: [BLOCK, { ...BLOCK, ssrc: 2, cumulativeLost: 0x7fffff, fractionLost: 255, jitter: 0xffffffff }],
    };
    const bytes = serializeRtcpPacket(rr);
    expect(bytes.subarray(0, 8)).toEqual(hex('82c9000d 00000001'));
    expect(bytes.subarray(32 + 4, 32 + 8)).toEqual(hex('ff7fffff'));
    expect(packets(parseRtcp(bytes))).toEqual([rr]);
    const empty: RtcpPacket = { type: 'rr', ssrc: 0xffffffff, reports: [] };
    expect(serializeRtcpPacket(empty)).toEqual(hex('80c90001 ffffffff'));
  });

  it('clamps the cumulative loss to 24 signed bits', () => {
    const low = serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: -9_000_000 }] });
    expect(low.subarray(12, 16)).toEqual(hex('40800000'));
    const [rr] = packets(parseRtcp(low));
    expect(rr?.type === 'rr' && rr.reports[0]?.cumulativeLost).toBe(-0x800000);
    const high = serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: 9_000_000 }] });
    expect(high.subarray(12, 16)).toEqual(hex('407fffff'));
  });
});

describe('RTCP SDES, BYE, APP and feedback', () => {
  it('pads SDES chunks with one to four null octets', () => {
    expect(serializeRtcpPacket(sdesCname(0x11223344, 'abc'))).toEqual(hex('81ca0003 11223344 01036162 63000000'));
    expect(serializeRtcpPacket(sdesCname(0x11223344, 'ab'))).toEqual(hex('81ca0003 11223344 01026162 00000000'));
    expect(serializeRtcpPacket(sdesCname(0x11223344, 'abcdef'))).toEqual(hex('81ca0004 11223344 01066162 63646566 00000000'));
  });

  it('round-trips SDES with several chunks and UTF-8 text', () => {
    const sdes: RtcpPacket = {
      type: 'sdes',
      chunks: [
        { ssrc: 1, items: [{ type: 1, value: 'user@example' }, { type: 2, value: '電話' }] },
        { ssrc: 2, items: [] },
        { ssrc: 3, items: [{ type: 1, value: 'x' }] },
      ],
    };
    const bytes = serializeRtcpPacket(sdes);
    expect(bytes.length % 4).toBe(0);
    expect(packets(parseRtcp(bytes))).toEqual([sdes]);
  });

  it('serializes BYE with and without a reason', () => {
    expect(serializeRtcpPacket({ type: 'bye', ssrcs: [0x11223344], reason: 'bye' })).toEqual(hex('81cb0002 11223344 03627965'));
    expect(serializeRtcpPacket({ type: 'bye', ssrcs: [1, 2] })).toEqual(hex('82cb0002 00000001 00000002'));
    const withPad = serializeRtcpPacket({ type: 'bye', ssrcs: [1], reason: 'ended' });
    expect(withPad).toEqual(hex('81cb0003 00000001 05656e64 65640000'));
    expect(packets(parseRtcp(withPad))).toEqual([{ type: 'bye', ssrcs: [1], reason: 'ended' }]);
  });

  it('round-trips APP, generic NACK, PLI and an unknown type (XR)', () => {
    const app: RtcpPacket = { type: 'app', subtype: 5, ssrc: 9, name: 'qos1', data: hex('01020304') };
    const nack: RtcpPacket = { type: 'rtpfb', fmt: 1, senderSsrc: 1, mediaSsrc: 2, fci: hex('000a0005') };
    const pli: RtcpPacket = { type: 'psfb', fmt: 1, senderSsrc: 1, mediaSsrc: 2, fci: Buffer.alloc(0) };
    const xr: RtcpPacket = { type: 'unknown', packetType: 207, count: 0, body: hex('11223344 04000002 00000000 00000000') };
    expect(serializeRtcpPacket(app)).toEqual(hex('85cc0003 00000009 716f7331 01020304'));
    expect(serializeRtcpPacket(nack)).toEqual(hex('81cd0003 00000001 00000002 000a0005'));
    expect(serializeRtcpPacket(pli)).toEqual(hex('81ce0002 00000001 00000002'));
    expect(packets(parseRtcp(serializeRtcp([app, nack, pli, xr])))).toEqual([app, nack, pli, xr]);
  });

  it('round-trips a Chrome-style compound: RR, SDES CNAME, transport-cc feedback', () => {
    const compound: RtcpPacket[] = [
      { type: 'rr', ssrc: 1, reports: [BLOCK] },
      sdesCname(1, 'AbCdEfGhIjKlMnOp'),
      { type: 'rtpfb', fmt: 15, senderSsrc: 1, mediaSsrc: 0x55, fci: hex('0001000a 00026c9a 00000000') },
    ];
    const bytes = serializeRtcp(compound);
    expect(isRtcpPacket(bytes)).toBe(true);
    expect(packets(parseRtcp(bytes))).toEqual(compound);
  });
});

describe('parseRtcp refusals', () => {
  it('removes padding from the packet that carries it', () => {
    expect(packets(parseRtcp(hex('a0c90002 00000007 00000004')))).toEqual([{ type: 'rr', ssrc: 7, reports: [] }]);
  });

  it('names the problem and the offset of the bad packet', () => {
    const rr = hex('80c90001 00000001');
    const cases: [Buffer, string, number][] = [
      [hex('80c9'), 'too-short', 0],
      [hex('40c90001 00000001'), 'bad-version', 0],
      [hex('80c90002 00000001'), 'truncated', 0],
      [Buffer.concat([rr, hex('80c9')]), 'truncated', 8],
      [hex('a0c90001 00000000'), 'bad-padding', 0],
      [hex('a0c90001 00000009'), 'bad-padding', 0],
      [Buffer.concat([rr, hex('81c80006 00000001 00000000 00000000 00000000 00000000 00000000')]), 'bad-sr', 8],
      [hex('81c90001 00000001'), 'bad-rr', 0],
      [hex('81ca0002 00000001 01026162'), 'bad-sdes', 0],
      [hex('82ca0001 00000001'), 'bad-sdes', 0],
      [hex('81cb0002 00000001 09616263'), 'bad-bye', 0],
      [hex('82cb0001 00000001'), 'bad-bye', 0],
      [hex('80cc0001 00000001'), 'bad-app', 0],
      [hex('81cd0001 00000001'), 'bad-feedback', 0],
      [hex('81ce0001 00000001'), 'bad-feedback', 0],
    ];
    for (const [buf, reason, offset] of cases) {
      expect(parseRtcp(buf), buf.toString('hex')).toEqual({ ok: false, reason, offset });
    }
    expect(parseRtcp(rr, 9)).toEqual({ ok: false, reason: 'bad-length', offset: 0 });
  });

  it('parses only the first len bytes', () => {
    expect(packets(parseRtcp(Buffer.concat([hex('80c90001 00000001'), hex('ffff')]), 8))).toHaveLength(1);
  });
});

describe('serializer guards', () => {
  it('refuses what the wire cannot carry', () => {
    const many = Array.from({ length: 32 }, (_, i) => ({ ...BLOCK, ssrc: i }));
    expect(() => serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: many })).toThrow(RangeError);
    expect(() => serializeRtcpPacket(sdesCname(1, 'x'.repeat(256)))).toThrow(RangeError);
    expect(() => serializeRtcpPacket({ type: 'app', subtype: 0, ssrc: 1, name: 'abc', data: Buffer.alloc(0) })).toThrow(RangeError);
    expect(() => serializeRtcpPacket({ type: 'bye', ssrcs: [], reason: 'y'.repeat(256) })).toThrow(RangeError);
    expect(serializeRtcpPacket({ type: 'rr', ssrc: 1, reports: many.slice(0, 31) }).readUInt8(0)).toBe(0x80 | 31);
  });
});

describe('isRtcpPacket (RFC 5761 §4)', () => {
  it('demultiplexes on the second octet', () => {
    const rtp = (b1: number): Buffer => Buffer.from([0x80, b1, 0, 1]);
    expect(isRtcpPacket(rtp(111))).toBe(false);
    expect(isRtcpPacket(rtp(0x80 | 111))).toBe(false); // marker + PT 111 = 239
    expect(isRtcpPacket(rtp(0x80 | 0))).toBe(false); // marker + PCMU = 128
    expect(isRtcpPacket(rtp(191))).toBe(false);
    expect(isRtcpPacket(rtp(192))).toBe(true);
    expect(isRtcpPacket(rtp(200))).toBe(true);
    expect(isRtcpPacket(rtp(223))).toBe(true);
    expect(isRtcpPacket(rtp(224))).toBe(false);
    expect(isRtcpPacket(Buffer.from([0x80]))).toBe(false);
    expect(isRtcpPacket(rtp(200), 1)).toBe(false);
  });
});
