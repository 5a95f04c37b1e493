/**
 * The DTMF generator on a manual clock: RFC 4733 packet contents and pacing per digit, the gap
 * between digits, `w` pauses, skipped characters, and close().
 */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { parseTelephoneEvent } from '../rtp/index.ts';
import { DTMF_GAP_MS, DTMF_PAUSE_MS, DtmfSender } from './dtmf-sender.ts';

interface Sent {
  at: number;
  marker: boolean;
  pt: number;
  seq: number;
  ts: number;
  event: number;
  end: boolean;
  duration: number;
  room: number;
}

function harness(room = 0): { clock: ManualClock; sender: DtmfSender; sent: Sent[] } {
  const clock = new ManualClock(1_000_000);
  const sent: Sent[] = [];
  const sender = new DtmfSender(clock, (packet, length, now) => {
    const te = parseTelephoneEvent(packet, 12, length - 12);
    if (te === undefined) throw new Error('not a telephone-event');
    sent.push({ at: now, marker: (packet[1]! & 0x80) !== 0, pt: packet[1]! & 0x7f, seq: packet.readUInt16BE(2), ts: packet.readUInt32BE(4), event: te.event, end: te.end, duration: te.duration, room: packet.length - length });
    return true;
  }, room);
  return { clock, sender, sent };
}

describe('DtmfSender', () => {
  it('sends one digit as 100 ms of RFC 4733 packets: marker first, one timestamp, growing duration, end ×3', async () => {
    const { clock, sender, sent } = harness(20);
    sender.send('5', { pt: 101, clockRate: 8000 });
    expect(sender.active).toBe(true);
    await clock.advance(200);
    expect(sent.map((p) => [p.at - 1_000_000, p.marker, p.end, p.duration])).toEqual([
      [0, true, false, 160],
      [20, false, false, 320],
      [40, false, false, 480],
      [60, false, false, 640],
      [80, false, true, 800],
      [100, false, true, 800],
      [120, false, true, 800],
    ]);
    expect(new Set(sent.map((p) => p.ts)).size).toBe(1);
    expect(sent.every((p) => p.pt === 101 && p.event === 5 && p.room === 20)).toBe(true);
    expect(sent.map((p) => (p.seq - sent[0]!.seq) & 0xffff)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sender.active).toBe(false);
  });

  it('leaves a gap between digits, pauses for w, skips unknown characters, and times each event by the clock', async () => {
    const { clock, sender, sent } = harness();
    sender.send('1x#wA', { pt: 96, clockRate: 8000 });
    await clock.advance(2000);
    const starts = sent.filter((p) => p.marker);
    expect(starts.map((p) => p.event)).toEqual([1, 11, 12]);
    expect(starts.map((p) => p.at - 1_000_000)).toEqual([0, 120 + DTMF_GAP_MS, 2 * (120 + DTMF_GAP_MS) + DTMF_PAUSE_MS]);
    // Each event's timestamp advances with the time between the events (8 units per ms).
    expect(((starts[1]!.ts - starts[0]!.ts) >>> 0)).toBe(8 * (120 + DTMF_GAP_MS));
    expect(sent.filter((p) => p.end)).toHaveLength(9);
    expect(sender.busy).toBe(false);
  });

  it('queues digits sent while others are going out, and stops on close', async () => {
    const { clock, sender, sent } = harness();
    sender.send('1', { pt: 101, clockRate: 8000 });
    sender.send('2', { pt: 101, clockRate: 8000 });
    await clock.advance(200);
    expect(sent.filter((p) => p.marker).map((p) => p.event)).toEqual([1, 2]);
    sender.send('345', { pt: 101, clockRate: 8000 });
    await clock.advance(10);
    sender.close();
    const count = sent.length;
    await clock.advance(2000);
    expect(sent.length).toBe(count);
    expect(clock.pendingTimers).toBe(0);
  });
});
