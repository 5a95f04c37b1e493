import { describe, expect, it } from 'vitest';
import {
  candidatePriority,
  formatCandidate,
  generateIcePwd,
  generateIceUfrag,
  hostCandidate,
  isIceChars,
} from './index.ts';

describe('hostCandidate', () => {
  it('computes the RFC 8445 §5.1.2 host priority and a stable foundation', () => {
    const c = hostCandidate({ address: '203.0.113.10', port: 40000 });
    expect(c.priority).toBe(2130706431); // 126 << 24 | 65535 << 8 | 255
    expect(c.component).toBe(1);
    expect(c.foundation).toMatch(/^\d{1,10}$/);
    expect(c.line).toBe(`a=candidate:${c.foundation} 1 udp 2130706431 203.0.113.10 40000 typ host generation 0`);
    expect(c.attribute).toBe(c.line.slice(2));
    expect(hostCandidate({ address: '203.0.113.10', port: 40002 }).foundation).toBe(c.foundation);
    expect(hostCandidate({ address: '203.0.113.11', port: 40000 }).foundation).not.toBe(c.foundation);
  });

  it('handles IPv6 and component 2', () => {
    const c = hostCandidate({ address: '2001:DB8::0:1', port: 9, component: 2 });
    expect(c.address).toBe('2001:db8::1');
    expect(c.priority).toBe(2130706430);
    expect(formatCandidate(c)).toBe(`candidate:${c.foundation} 2 udp 2130706430 2001:db8::1 9 typ host generation 0`);
  });

  it('rejects bad input', () => {
    expect(() => hostCandidate({ address: 'example.com', port: 1 })).toThrow(TypeError);
    expect(() => hostCandidate({ address: 'fe80::1%eth0', port: 1 })).toThrow(TypeError);
    expect(() => hostCandidate({ address: '1.2.3.4', port: 0 })).toThrow(TypeError);
    expect(() => hostCandidate({ address: '1.2.3.4', port: 1, component: 0 })).toThrow(TypeError);
    expect(() => candidatePriority(127, 0, 1)).toThrow(TypeError);
    expect(() => candidatePriority(126, 65536, 1)).toThrow(TypeError);
    expect(candidatePriority(0, 0, 256)).toBe(0);
  });
});

describe('ICE credentials', () => {
  it('generates ufrag and pwd of ice-chars with enough length', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const ufrag = generateIceUfrag();
      const pwd = generateIcePwd();
      expect(ufrag.length).toBeGreaterThanOrEqual(4);
      expect(pwd.length).toBeGreaterThanOrEqual(22);
      expect(isIceChars(ufrag) && isIceChars(pwd)).toBe(true);
      seen.add(ufrag);
    }
    expect(seen.size).toBe(200);
  });

  it('uses the injected random source', () => {
    expect(generateIceUfrag((n) => Buffer.alloc(n, 0xff))).toBe('////////');
    expect(generateIcePwd((n) => Buffer.alloc(n))).toBe('A'.repeat(24));
    expect(() => generateIcePwd(() => Buffer.alloc(3))).toThrow(TypeError);
    expect(isIceChars('ab=c')).toBe(false);
    expect(isIceChars('')).toBe(false);
  });
});
