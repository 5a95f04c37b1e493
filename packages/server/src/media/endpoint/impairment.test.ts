import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImpairedSender, type DatagramSender } from './impairment.ts';

const sent: Buffer[] = [];
const socket: DatagramSender = { send: (data, offset, length) => { sent.push(Buffer.from(data.subarray(offset, offset + length))); } };
const rtp = (seq: number): Buffer => Buffer.from([0x80, 0x00, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, 0, 0, 1]);
const rtcp = Buffer.from([0x80, 200, 0, 6]);
const stun = Buffer.from([0x01, 0x01, 0, 0]);

afterEach(() => {
  sent.length = 0;
  vi.useRealTimers();
});

describe('ImpairedSender', () => {
  it('drops exactly 5 % of RTP, evenly (one in every 20), and nothing else', () => {
    const s = new ImpairedSender(socket, { lossPercent: 5, delayMs: 0, stopped: false });
    for (let i = 0; i < 200; i++) s.send(rtp(i), 0, 12, 1, '127.0.0.1');
    s.send(rtcp, 0, rtcp.length, 1, '127.0.0.1');
    expect(sent).toHaveLength(191);
    const seqs = sent.slice(0, 190).map((b) => b.readUInt16BE(2));
    const missing = Array.from({ length: 200 }, (_, i) => i).filter((i) => !seqs.includes(i));
    expect(missing).toEqual([19, 39, 59, 79, 99, 119, 139, 159, 179, 199]);
  });

  it('stops RTP but keeps RTCP and STUN flowing', () => {
    const s = new ImpairedSender(socket, { lossPercent: 0, delayMs: 0, stopped: true });
    s.send(rtp(1), 0, 12, 1, '127.0.0.1');
    s.send(rtcp, 0, rtcp.length, 1, '127.0.0.1');
    s.send(stun, 0, stun.length, 1, '127.0.0.1');
    expect(sent.map((b) => b[1])).toEqual([200, 0x01]);
  });

  it('a blackhole drops everything, STUN and RTCP included', () => {
    const s = new ImpairedSender(socket, { lossPercent: 0, delayMs: 0, stopped: false, blackhole: true });
    for (const b of [rtp(1), rtcp, stun]) s.send(b, 0, b.length, 1, '127.0.0.1');
    expect(sent).toEqual([]);
  });

  it('delays everything by the set time, sending a copy (the caller may reuse its buffer)', async () => {
    vi.useFakeTimers();
    const s = new ImpairedSender(socket, { lossPercent: 0, delayMs: 500, stopped: false });
    const buf = rtp(7);
    s.send(buf, 0, 12, 1, '127.0.0.1');
    buf.fill(0);
    await vi.advanceTimersByTimeAsync(499);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent[0]?.readUInt16BE(2)).toBe(7);
  });
});
