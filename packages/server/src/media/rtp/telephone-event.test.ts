import { describe, expect, it } from 'vitest';
import {
  dtmfDigitFromEvent,
  dtmfEventFromDigit,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  telephoneEventPackets,
} from './index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('parses event, E bit, volume and duration, ignoring R', () => {
    expect(parseTelephoneEvent(hex('018a0320'))).toEqual({ event: 1, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(hex('0bca0320'))).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(hex('0a3f00a0'))).toEqual({ event: 10, end: false, volume: 63, duration: 160 });
    expect(parseTelephoneEvent(hex('ffff 0a0a00a0'), 2)).toEqual({ event: 10, end: false, volume: 10, duration: 160 });
  });

  it('returns undefined for short or out-of-range input', () => {
    expect(parseTelephoneEvent(hex('018a03'))).toBeUndefined();
    expect(parseTelephoneEvent(hex('018a0320'), 1)).toBeUndefined();
    expect(parseTelephoneEvent(hex('018a0320'), 0, 5)).toBeUndefined();
    expect(parseTelephoneEvent(hex('018a0320'), -1, 4)).toBeUndefined();
  });

  it('serializes byte for byte', () => {
    expect(serializeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 })).toEqual(hex('0b8a0320'));
    expect(serializeTelephoneEvent({ event: 1, end: false, volume: 99, duration: 70000 })).toEqual(hex('0123ffff'));
  });

  it('maps digits both ways', () => {
    expect([...Array(16).keys()].map((e) => dtmfDigitFromEvent(e)).join('')).toBe('0123456789*#ABCD');
    expect(dtmfDigitFromEvent(16)).toBeUndefined();
    expect(dtmfDigitFromEvent(-1)).toBeUndefined();
    expect(dtmfEventFromDigit('#')).toBe(11);
    expect(dtmfEventFromDigit('d')).toBe(15);
    expect(dtmfEventFromDigit('E')).toBeUndefined();
    expect(dtmfEventFromDigit('12')).toBeUndefined();
  });
});

describe('telephoneEventPackets (RFC 4733 §2.5.1)', () => {
  it('plans start, updates every 20 ms and three end packets at 8 kHz', () => {
    const packets = telephoneEventPackets('5');
    expect(packets.map((p) => p.payload.toString('hex'))).toEqual([
      '050a00a0',
      '050a0140',
      '050a01e0',
      '050a0280',
      '058a0320',
      '058a0320',
      '058a0320',
    ]);
    expect(packets.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(packets.map((p) => p.end)).toEqual([false, false, false, false, true, true, true]);
    expect(packets.map((p) => p.offsetMs)).toEqual([0, 20, 40, 60, 80, 100, 120]);
  });

  it('scales durations to the clock rate and rounds the last update to the tone length', () => {
    const packets = telephoneEventPackets('#', { clockRate: 48000, durationMs: 250, volume: 7 });
    expect(packets.map((p) => p.duration)).toEqual([
      960, 1920, 2880, 3840, 4800, 5760, 6720, 7680, 8640, 9600, 10560, 11520, 12000, 12000, 12000,
    ]);
    expect(packets[0]?.payload).toEqual(hex('0b0703c0'));
  });

  it('refuses unknown digits and durations beyond 16 bits', () => {
    expect(() => telephoneEventPackets('x' as '1')).toThrow(RangeError);
    expect(() => telephoneEventPackets('1', { clockRate: 48000, durationMs: 2000 })).toThrow(RangeError);
    expect(() => telephoneEventPackets('1', { durationMs: 0 })).toThrow(RangeError);
    expect(telephoneEventPackets(16, { durationMs: 20 })).toHaveLength(3); // flash: one update, three ends
  });
});
