import { describe, expect, it } from 'vitest';
import { resolvePublicUrl } from './public-url.ts';

describe('resolvePublicUrl', () => {
  const base = { publicUrl: null, publicIp: null, host: '127.0.0.1', httpPort: 3000 };

  it('is --public-url when given', () => {
    expect(resolvePublicUrl({ ...base, publicUrl: 'https://voice.example.com' })).toBe('https://voice.example.com');
  });

  it('prefers the public IP, then the host; a wildcard host means 127.0.0.1', () => {
    expect(resolvePublicUrl({ ...base, publicIp: '203.0.113.10', host: '0.0.0.0' })).toBe('http://203.0.113.10:3000');
    expect(resolvePublicUrl({ ...base, host: 'voice.lan' })).toBe('http://voice.lan:3000');
    expect(resolvePublicUrl({ ...base, host: '0.0.0.0' })).toBe('http://127.0.0.1:3000');
    expect(resolvePublicUrl({ ...base, host: '::' })).toBe('http://127.0.0.1:3000');
  });

  it('brackets IPv6 and takes the bound port when the configured one is 0', () => {
    expect(resolvePublicUrl({ ...base, publicIp: '2001:db8::1', httpPort: 0 }, 41234)).toBe('http://[2001:db8::1]:41234');
  });
});
