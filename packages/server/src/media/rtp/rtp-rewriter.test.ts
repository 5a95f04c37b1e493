import { describe, expect, it } from 'vitest';
import { RtpRewriter, buildRtpPacket, parseRtpPacket, type RtpPacket } from './index.ts';

const SSRC_A = 0x11111111;
const SSRC_B = 0x22222222;
const OUT = 0xabcdef01;

function packet(ssrc: number, sequence: number, timestamp: number, payloadType = 111, marker = false): Buffer {
  return buildRtpPacket({ ssrc, sequence, timestamp, payloadType, marker, payload: Buffer.from([sequence & 0xff, 0xee]) });
}

function rewritten(r: RtpRewriter, buf: Buffer, arrivalMs?: number): RtpPacket {
  expect(r.rewrite(buf, buf.length, arrivalMs)).toBe(true);
  const p = parseRtpPacket(buf);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe('RtpRewriter', () => {
  it('maps payload types per leg and sets the outgoing SSRC; payload bytes untouched', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadTypes: { 111: 96, 126: 101 }, clockRate: 48000 });
    const a = rewritten(r, packet(SSRC_A, 10, 960, 111, true));
    expect(a).toMatchObject({ ssrc: OUT, payloadType: 96, marker: true, sequence: 10, timestamp: 960 });
    expect(a.payload).toEqual(Buffer.from([10, 0xee]));
    expect(rewritten(r, packet(SSRC_A, 11, 960, 126))).toMatchObject({ payloadType: 101, sequence: 11 });
  });

  it('drops unmapped payload types and non-RTP without touching the buffer', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadTypes: new Map([[111, 96]]), clockRate: 48000 });
    const pcmu = packet(SSRC_A, 1, 0, 0);
    const copy = Buffer.from(pcmu);
    expect(r.rewrite(pcmu, pcmu.length)).toBe(false);
    expect(pcmu).toEqual(copy);
    const v1 = packet(SSRC_A, 1, 0, 111);
    v1.writeUInt8(0x40, 0);
    expect(r.rewrite(v1, v1.length)).toBe(false);
    expect(r.rewrite(pcmu, 11)).toBe(false);
    expect(r.rewrite(pcmu, pcmu.length + 1)).toBe(false);
    expect(r.outgoingPayloadType(111)).toBe(96);
    expect(r.outgoingPayloadType(0)).toBe(-1);
    r.setPayloadTypes({ 0: 0 });
    expect(r.rewrite(pcmu, pcmu.length)).toBe(true);
    expect(r.outgoingPayloadType(111)).toBe(-1);
  });

  it('starts at the initial sequence and timestamp and keeps gaps and reordering', () => {
    const r = new RtpRewriter({
      ssrc: OUT,
      payloadTypes: { 111: 111 },
      clockRate: 48000,
      initialSequence: 5000,
      initialTimestamp: 777,
    });
    const seqs = [100, 101, 103, 102, 104].map((s) => rewritten(r, packet(SSRC_A, s, (s - 100) * 960)));
    expect(seqs.map((p) => p.sequence)).toEqual([5000, 5001, 5003, 5002, 5004]);
    expect(seqs.map((p) => p.timestamp)).toEqual([777, 1737, 3657, 2697, 4617]);
    expect(r.highestSequence).toBe(5004);
    expect(r.highestTimestamp).toBe(4617);
  });

  it('keeps the outgoing sequence continuous across an SSRC change and offsets timestamps', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadTypes: { 111: 96 }, clockRate: 48000, initialSequence: 1, initialTimestamp: 0 });
    for (let i = 0; i < 5; i++) rewritten(r, packet(SSRC_A, 300 + i, 48000 + 960 * i), 1000 + 20 * i);
    // Source B: unrelated numbering, arrives 20 ms after A's last packet.
    const b0 = rewritten(r, packet(SSRC_B, 40000, 123456), 1100);
    expect(b0).toMatchObject({ ssrc: OUT, sequence: 6, timestamp: 4 * 960 + 960, marker: true });
    const b1 = rewritten(r, packet(SSRC_B, 40001, 123456 + 960), 1120);
    expect(b1).toMatchObject({ sequence: 7, timestamp: 6 * 960, marker: false });
    // Back to A after a 500 ms pause: the timestamp advances by the elapsed time.
    const a = rewritten(r, packet(SSRC_A, 305, 48000 + 5 * 960), 1620);
    expect(a).toMatchObject({ sequence: 8, timestamp: 6 * 960 + 24000, marker: true });
  });

  it('uses one frame as the timestamp gap without arrival times', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadTypes: { 0: 0 }, clockRate: 8000, frameMs: 30 });
    rewritten(r, packet(SSRC_A, 10, 1600, 0));
    const b = rewritten(r, packet(SSRC_B, 999, 5, 0));
    expect(b).toMatchObject({ sequence: 11, timestamp: 1600 + 240 });
  });

  it('wraps the outgoing sequence at 2^16 and the timestamp at 2^32, also across a source change', () => {
    const r = new RtpRewriter({
      ssrc: OUT,
      payloadTypes: { 111: 111 },
      clockRate: 48000,
      initialSequence: 65534,
      initialTimestamp: 0xffffffff - 960,
      markSourceChange: false,
    });
    const out = [0, 1, 2].map((i) => rewritten(r, packet(SSRC_A, 7 + i, 960 * i), 20 * i));
    expect(out.map((p) => p.sequence)).toEqual([65534, 65535, 0]);
    expect(out.map((p) => p.timestamp)).toEqual([0xffffffff - 960, 0xffffffff, 959]);
    expect(r.highestSequence).toBe(0);
    const b = rewritten(r, packet(SSRC_B, 65535, 0xfffffff0), 60);
    expect(b).toMatchObject({ sequence: 1, timestamp: 959 + 960, marker: false });
    // The incoming sequence of B wraps too; the outgoing one stays continuous.
    expect(rewritten(r, packet(SSRC_B, 0, 0xfffffff0 + 960 - 2 ** 32), 80)).toMatchObject({ sequence: 2, timestamp: 959 + 1920 });
  });

  it('resync() treats a restarted source with the same SSRC as new', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadTypes: { 111: 111 }, clockRate: 48000 });
    rewritten(r, packet(SSRC_A, 100, 1000), 0);
    r.resync();
    expect(rewritten(r, packet(SSRC_A, 9, 50), 20)).toMatchObject({ sequence: 101, timestamp: 1960, marker: true });
    expect(r.packets).toBe(2);
    expect(r.ssrc).toBe(OUT);
  });
});
