import { describe, expect, it } from 'vitest';
import { COOKIE_LENGTH, COOKIE_LIFETIME_S, makeCookie, verifyCookie } from './cookie.ts';
import type { ClientHello } from './handshake-messages.ts';

const secret = Buffer.alloc(32, 1);
const context = Buffer.from('203.0.113.5:50000');
const t0 = Date.UTC(2026, 0, 1);
const hello: ClientHello = {
  clientVersion: 0xfefd,
  random: Buffer.alloc(32, 2),
  sessionId: Buffer.alloc(0),
  cookie: Buffer.alloc(0),
  cipherSuites: [0xc02b, 0xc02c],
  compressionMethods: Buffer.from([0]),
  extensions: new Map(),
};
const withCookie = (h: ClientHello, cookie: Buffer): ClientHello => ({ ...h, cookie });

describe('HelloVerifyRequest cookie (RFC 6347 §4.2.1)', () => {
  it('verifies a cookie issued for the same parameters, statelessly', () => {
    const cookie = makeCookie(secret, context, hello, t0);
    expect(cookie).toHaveLength(COOKIE_LENGTH);
    expect(verifyCookie(secret, context, withCookie(hello, cookie), t0 + 1500)).toBe(true);
    // Extensions are not covered: a client may change them between the two ClientHellos.
    expect(verifyCookie(secret, context, { ...withCookie(hello, cookie), extensions: new Map([[0x15, Buffer.alloc(3)]]) }, t0)).toBe(true);
  });

  it('refuses other parameters, another secret or context, a bad length and an expired cookie', () => {
    const cookie = makeCookie(secret, context, hello, t0);
    const h = withCookie(hello, cookie);
    expect(verifyCookie(secret, context, { ...h, random: Buffer.alloc(32, 3) }, t0)).toBe(false);
    expect(verifyCookie(secret, context, { ...h, cipherSuites: [0xc02b] }, t0)).toBe(false);
    expect(verifyCookie(secret, context, { ...h, clientVersion: 0xfeff }, t0)).toBe(false);
    expect(verifyCookie(secret, context, { ...h, sessionId: Buffer.alloc(1) }, t0)).toBe(false);
    expect(verifyCookie(Buffer.alloc(32, 9), context, h, t0)).toBe(false);
    expect(verifyCookie(secret, Buffer.from('203.0.113.6:50000'), h, t0)).toBe(false);
    expect(verifyCookie(secret, context, withCookie(hello, cookie.subarray(1)), t0)).toBe(false);
    expect(verifyCookie(secret, context, withCookie(hello, Buffer.alloc(0)), t0)).toBe(false);
    expect(verifyCookie(secret, context, h, t0 + COOKIE_LIFETIME_S * 1000)).toBe(true);
    expect(verifyCookie(secret, context, h, t0 + (COOKIE_LIFETIME_S + 1) * 1000)).toBe(false);
    expect(verifyCookie(secret, context, h, t0 - 1000)).toBe(false); // issued "in the future"
    const tampered = Buffer.from(cookie);
    tampered[COOKIE_LENGTH - 1]! ^= 1;
    expect(verifyCookie(secret, context, withCookie(hello, tampered), t0)).toBe(false);
  });
});
