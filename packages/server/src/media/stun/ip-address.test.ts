import { describe, expect, it } from 'vitest';
import { formatIp, parseIp, parseIpv4, parseIpv6 } from './ip-address.ts';

describe('ip-address', () => {
  it('parses and formats IPv4', () => {
    expect(parseIpv4('192.0.2.1')).toEqual(Buffer.from([192, 0, 2, 1]));
    expect(formatIp(Buffer.from([10, 0, 0, 255]))).toBe('10.0.0.255');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.x', '1..3.4']) {
      expect(parseIpv4(bad)).toBeUndefined();
    }
  });

  it('parses IPv6 with ::, an IPv4 tail and a zone', () => {
    expect(parseIpv6('2001:db8:1234:5678:11:2233:4455:6677')?.toString('hex')).toBe(
      '20010db8123456780011223344556677',
    );
    expect(parseIpv6('::')?.toString('hex')).toBe('0'.repeat(32));
    expect(parseIpv6('::1')?.toString('hex')).toBe(`${'0'.repeat(30)}01`);
    expect(parseIpv6('fe80::1%eth0')?.toString('hex')).toBe(`fe80${'0'.repeat(26)}01`);
    expect(parseIpv6('::ffff:192.0.2.1')?.toString('hex')).toBe(`${'0'.repeat(20)}ffffc0000201`);
    for (const bad of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7::8']) {
      expect(parseIpv6(bad)).toBeUndefined();
    }
  });

  it('formats IPv6 in the RFC 5952 form', () => {
    const cases = [
      '2001:db8:1234:5678:11:2233:4455:6677',
      '2001:db8::1',
      '::',
      '::1',
      '1::',
      '2001:db8:0:1:1:1:1:1',
      '2001:0:0:1::1',
      '::ffff:192.0.2.1',
    ];
    for (const text of cases) expect(formatIp(parseIp(text, 6)!)).toBe(text);
    expect(formatIp(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
  });

  it('rejects a family mismatch', () => {
    expect(parseIp('::1', 4)).toBeUndefined();
    expect(parseIp('1.2.3.4', 6)).toBeUndefined();
    expect(() => formatIp(Buffer.alloc(5))).toThrow(TypeError);
  });
});
