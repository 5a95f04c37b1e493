import { describe, expect, it } from 'vitest';
import { compactNtpFromMs, compactNtpToMs, msFromNtp, msToCompactNtp, ntpFromMs, ntpMiddle32 } from './index.ts';

describe('NTP timestamps', () => {
  it('converts the Unix epoch and half seconds', () => {
    expect(ntpFromMs(0)).toEqual({ seconds: 0x83aa7e80, fraction: 0 });
    expect(ntpFromMs(1500)).toEqual({ seconds: 0x83aa7e81, fraction: 0x80000000 });
    expect(ntpFromMs(250)).toEqual({ seconds: 0x83aa7e80, fraction: 0x40000000 });
  });

  it('round-trips a current wall-clock time to well under a microsecond', () => {
    const ms = 1_767_225_600_123.456; // 2026-01-01T00:00:00.123456Z
    const t = ntpFromMs(ms);
    expect(msFromNtp(t.seconds, t.fraction)).toBeCloseTo(ms, 3);
  });

  it('takes the middle 32 bits', () => {
    expect(ntpMiddle32(0x1234abcd, 0x87654321)).toBe(0xabcd8765);
    expect(ntpMiddle32(0xffffffff, 0xffffffff)).toBe(0xffffffff);
    expect(compactNtpFromMs(1500)).toBe(0x7e818000);
  });

  it('converts compact durations', () => {
    expect(compactNtpToMs(65536)).toBe(1000);
    expect(compactNtpToMs(0x8000)).toBe(500);
    expect(msToCompactNtp(500)).toBe(0x8000);
    expect(msToCompactNtp(-5)).toBe(0);
    expect(msToCompactNtp(1e12)).toBe(0xffffffff);
  });
});
