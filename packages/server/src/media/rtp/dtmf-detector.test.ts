import { describe, expect, it } from 'vitest';
import { DtmfDetector, serializeTelephoneEvent, telephoneEventPackets, type DtmfChar, type DtmfDigit } from './index.ts';

interface Pkt {
  readonly ts: number;
  readonly payload: Buffer;
}

const EVENTS = '0123456789*#ABCD';

/**
 * What Chrome sent for insertDTMF('123#', 100, 70) on an 8 kHz telephone-event: per digit a start
 * packet, updates every 20 ms, and the end packet three times; events 170 ms apart.
 */
function chromeDigit(digit: string, ts: number): Pkt[] {
  const event = EVENTS.indexOf(digit);
  const update = (duration: number, end: boolean): Pkt => ({
    ts,
    payload: serializeTelephoneEvent({ event, end, volume: 10, duration }),
  });
  return [update(160, false), update(320, false), update(480, false), update(640, false), update(800, true), update(800, true), update(800, true)];
}

function chrome(digits: string, ts0 = 48_000): Pkt[][] {
  return Array.from({ length: digits.length }, (_, i) => chromeDigit(digits.charAt(i), ts0 + i * 1360));
}

function detect(packets: readonly Pkt[], flush = false): DtmfDigit[] {
  const out: DtmfDigit[] = [];
  const detector = new DtmfDetector((d) => out.push(d));
  for (const p of packets) detector.push(p.ts, p.payload);
  if (flush) detector.flush();
  return out;
}

describe('DtmfDetector', () => {
  it('reports "123#" exactly once per digit from the Chrome pattern (3× end)', () => {
    const digits = detect(chrome('123#').flat());
    expect(digits.map((d) => d.digit).join('')).toBe('123#');
    expect(digits[0]).toEqual({ digit: '1', rtpTimestamp: 48_000, duration: 800, durationMs: 100, volume: 10, endLost: false });
    expect(digits.every((d) => !d.endLost && d.duration === 800)).toBe(true);
    expect(digits.map((d) => d.rtpTimestamp)).toEqual([48_000, 49_360, 50_720, 52_080]);
  });

  it('reports a digit whose end packets were all lost once, when the next event starts', () => {
    const [one, two, three, hash] = chrome('123#') as [Pkt[], Pkt[], Pkt[], Pkt[]];
    const digits = detect([...one, ...two.slice(0, 4), ...three, ...hash]);
    expect(digits.map((d) => [d.digit, d.endLost, d.duration])).toEqual([
      ['1', false, 800],
      ['2', true, 640],
      ['3', false, 800],
      ['#', false, 800],
    ]);
  });

  it('reports a trailing digit without end packets only on flush', () => {
    const [one, two] = chrome('12') as [Pkt[], Pkt[]];
    const packets = [...one, ...two.slice(0, 2)];
    expect(detect(packets).map((d) => d.digit)).toEqual(['1']);
    const flushed = detect(packets, true);
    expect(flushed.map((d) => [d.digit, d.endLost])).toEqual([
      ['1', false],
      ['2', true],
    ]);
  });

  it('copes with reordered, lost-start and late packets', () => {
    const [one, two, three, hash] = chrome('123#') as [Pkt[], Pkt[], Pkt[], Pkt[]];
    const order = (p: Pkt[], idx: number[]): Pkt[] => idx.map((i) => p[i] as Pkt);
    const packets = [
      ...order(one, [0, 1, 4, 2, 3, 5, 6]), // an end before the updates
      ...order(two, [1, 0, 2, 3, 5, 4, 6]), // start lost behind an update
      one[6] as Pkt, // a late duplicate end of "1"
      ...order(three, [2, 3, 4, 5, 6]), // start and first update lost
      two[2] as Pkt, // a late update of "2"
      ...order(hash, [6, 5, 4, 3, 2, 1, 0]), // fully reversed
    ];
    const digits = detect(packets);
    expect(digits.map((d) => d.digit).join('')).toBe('123#');
    expect(digits.every((d) => !d.endLost)).toBe(true);
  });

  it('reports an older event cut short by a reordered newer start with endLost, never twice', () => {
    const [one, two] = chrome('12') as [Pkt[], Pkt[]];
    const digits = detect([...one.slice(0, 3), two[0] as Pkt, ...one.slice(3), ...two.slice(1)]);
    expect(digits.map((d) => [d.digit, d.endLost])).toEqual([
      ['1', true],
      ['2', false],
    ]);
  });

  it('ignores events other than 0–15 but still dedupes them', () => {
    const flash = telephoneEventPackets(16).map((p) => ({ ts: 1000, payload: p.payload }));
    const nine = telephoneEventPackets('9').map((p) => ({ ts: 3000, payload: p.payload }));
    expect(detect([...flash, ...nine], true).map((d) => d.digit)).toEqual(['9']);
  });

  it('handles the 32-bit timestamp wrap and a sender restart far back in time', () => {
    const digits = detect([...chromeDigit('4', 0xffffff00).flat(), ...chromeDigit('5', 0x450), ...chromeDigit('6', 0x10)]);
    // "6" is older than "5" but by far less than the late window: a late packet, ignored.
    expect(digits.map((d) => d.digit)).toEqual(['4', '5']);
    const restarted = detect([...chromeDigit('7', 5_000_000), ...chromeDigit('8', 1000)]);
    expect(restarted.map((d) => d.digit)).toEqual(['7', '8']);
  });

  it('ignores short payloads and reset() forgets the last event', () => {
    const out: string[] = [];
    const d = new DtmfDetector((x) => out.push(x.digit));
    d.push(1, Buffer.from([1, 0x80, 0]));
    d.push(1, Buffer.from([1, 0x8a, 0, 160]), 0, 3);
    for (const p of chromeDigit('1', 100)) d.push(p.ts, p.payload);
    d.reset();
    for (const p of chromeDigit('1', 100)) d.push(p.ts, p.payload);
    expect(out).toEqual(['1', '1']);
  });

  it('decodes the generator output for every digit, at 8 and 48 kHz', () => {
    for (const clockRate of [8000, 48000]) {
      const out: DtmfDigit[] = [];
      const d = new DtmfDetector((x) => out.push(x), { clockRate });
      let ts = 12345;
      for (const digit of EVENTS) {
        for (const p of telephoneEventPackets(digit as DtmfChar, { clockRate, durationMs: 120 })) d.push(ts, p.payload);
        ts += (clockRate * 200) / 1000;
      }
      expect(out.map((x) => x.digit).join('')).toBe(EVENTS);
      expect(out.every((x) => !x.endLost && x.durationMs === 120)).toBe(true);
    }
  });
});
