import { describe, expect, it } from 'vitest';
import { countryOf, formatForTrunk, isE164, toE164 } from './numbers.ts';
import { FloodGuard, ipMatches, isScanner } from './screen.ts';
import { infoDigits, splitHostPort } from './outbound.ts';

describe('trunk numbers', () => {
  it('normalises what carriers send to E.164 with the trunk country code', () => {
    expect(toE164('09012345678', '81')).toBe('+819012345678');
    expect(toE164('819012345678', '81')).toBe('+819012345678');
    expect(toE164('+81 90-1234-5678', '81')).toBe('+819012345678');
    expect(toE164('0014155550100', '81')).toBe('+14155550100');
    expect(toE164('01014155550100', '81')).toBe('+14155550100');
    expect(toE164('anonymous', '81')).toBeNull();
    expect(toE164('+0123', '81')).toBeNull();
    expect(isE164('+815000000000')).toBe(true);
    expect(isE164('+81')).toBe(false);
  });

  it('writes numbers the trunk\'s way and knows their country', () => {
    expect(formatForTrunk('+819012345678', 'national', '81')).toBe('09012345678');
    expect(formatForTrunk('+14155550100', 'national', '81')).toBe('14155550100');
    expect(formatForTrunk('+819012345678', 'e164-no-plus', '81')).toBe('819012345678');
    expect(formatForTrunk('+819012345678', 'e164', '81')).toBe('+819012345678');
    expect(countryOf('+819012345678')).toBe('JP');
    expect(countryOf('+14155550100')).toBe('US');
    expect(countryOf('+85212345678')).toBe('HK');
    expect(countryOf('+99912345678')).toBe('ZZ');
  });
});

describe('trunk screen', () => {
  it('recognises scanners by User-Agent', () => {
    for (const ua of ['friendly-scanner', 'sipvicious 0.3', 'sipcli/v1.8', 'VaxSIPUserAgent/3.1']) expect(isScanner(ua)).toBe(true);
    expect(isScanner('baresip v1.0.0')).toBe(false);
    expect(isScanner(undefined)).toBe(false);
  });

  it('matches addresses and CIDRs, IPv4 and IPv6, and nothing malformed', () => {
    expect(ipMatches('203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(ipMatches('203.0.114.7', '203.0.113.0/24')).toBe(false);
    expect(ipMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(ipMatches('::ffff:127.0.0.1', '127.0.0.0/8')).toBe(true);
    expect(ipMatches('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(ipMatches('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(ipMatches('10.0.0.1', '0.0.0.0/0')).toBe(true);
    for (const bad of ['10.0.0.1/33', 'nonsense', '10.0.0/8', '1:2:3']) expect(ipMatches('10.0.0.1', bad)).toBe(false);
  });

  it('limits INVITEs per source with a token bucket', () => {
    const guard = new FloodGuard({ rate: 1, burst: 3 });
    expect([0, 0, 0, 0].map(() => guard.allow('a', 0))).toEqual([true, true, true, false]);
    expect(guard.allow('b', 0)).toBe(true);
    expect(guard.allow('a', 1000)).toBe(true);
    expect(guard.allow('a', 1000)).toBe(false);
  });

  it('reads host:port and INFO digits', () => {
    expect(splitHostPort('sip.example:5080')).toEqual({ host: 'sip.example', port: 5080 });
    expect(splitHostPort('[2001:db8::1]:5060')).toEqual({ host: '2001:db8::1', port: 5060 });
    expect(splitHostPort('10.0.0.1')).toEqual({ host: '10.0.0.1', port: null });
    expect(infoDigits('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toBe('5');
    expect(infoDigits('application/dtmf', '#')).toBe('#');
    expect(infoDigits('text/plain', 'Signal=5')).toBeNull();
  });
});
