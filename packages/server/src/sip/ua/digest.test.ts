import { describe, expect, it } from 'vitest';
import { DigestServer, answerDigestChallenge, digestResponse, parseDigest } from './digest.ts';

describe('digest authentication', () => {
  it('computes RFC 2617 §3.5 (MD5, qop=auth) and RFC 7616 §3.9.1 (SHA-256) responses', () => {
    expect(digestResponse({
      algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', cnonce: '0a4f113b', nc: '00000001', qop: 'auth',
    })).toBe('6629fae49393a05397450978507c4ef1');
    expect(digestResponse({
      algorithm: 'SHA-256', username: 'Mufasa', realm: 'http-auth@example.org', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: '00000001', qop: 'auth',
    })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('parses challenges and credentials, unquoting values (no quotes left on username: sip-spike.md bug 5)', () => {
    const p = parseDigest('Digest username="phone", realm="carrier.test", nonce="a,b", qop="auth,auth-int", algorithm=SHA-256, opaque="o\\"q"');
    expect(p?.get('username')).toBe('phone');
    expect(p?.get('nonce')).toBe('a,b');
    expect(p?.get('qop')).toBe('auth,auth-int');
    expect(p?.get('opaque')).toBe('o"q');
    expect(parseDigest('Basic abc')).toBeNull();
    expect(parseDigest('Digest realm="x" garbage "')).toBeNull();
  });

  it('answers a challenge as a client, and a Denwa server accepts it for every algorithm, -sess included', () => {
    for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as const) {
      const server = new DigestServer({ realm: 'denwa.test', secret: new Uint8Array(32).fill(7), algorithm });
      const challenge = server.challenge(1_000);
      const header = answerDigestChallenge(challenge, { method: 'INVITE', uri: 'sip:+815012345678@denwa.test' }, { username: '山田', password: 'pw' });
      expect(header, algorithm).not.toBeNull();
      expect(server.verify(header ?? '', 'INVITE', 2_000, (u) => (u === '山田' ? 'pw' : null)), algorithm).toEqual({ ok: true, username: '山田' });
      expect(server.verify(header ?? '', 'INVITE', 2_000, () => 'wrong').ok).toBe(false);
      expect(server.verify(header ?? '', 'BYE', 2_000, () => 'pw').ok).toBe(false);
    }
  });

  it('refuses forged or foreign nonces and reports an expired one as stale', () => {
    const server = new DigestServer({ realm: 'denwa.test', secret: new Uint8Array(32).fill(1), nonceTtlMs: 60_000 });
    const other = new DigestServer({ realm: 'denwa.test', secret: new Uint8Array(32).fill(2) });
    const request = { method: 'REGISTER', uri: 'sip:denwa.test' };
    const forged = answerDigestChallenge(other.challenge(0), request, { username: 'u', password: 'p' }) ?? '';
    expect(server.verify(forged, 'REGISTER', 1, () => 'p')).toEqual({ ok: false, stale: false });
    const old = answerDigestChallenge(server.challenge(0), request, { username: 'u', password: 'p' }) ?? '';
    expect(server.verify(old, 'REGISTER', 61_000, () => 'p')).toEqual({ ok: false, stale: true });
    expect(server.challenge(0, true)).toMatch(/stale=true$/);
    expect(server.verify('Digest nonsense', 'REGISTER', 1, () => 'p')).toEqual({ ok: false, stale: false });
  });

  it('declines challenges it cannot answer (unknown algorithm, qop without auth)', () => {
    const r = { method: 'INVITE', uri: 'sip:a@b' };
    expect(answerDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA-512-256', r, { username: 'u', password: 'p' })).toBeNull();
    expect(answerDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"', r, { username: 'u', password: 'p' })).toBeNull();
    expect(answerDigestChallenge('Digest realm="r", nonce="n"', r, { username: 'u', password: 'p' }, 1, 'c')).toMatch(/^Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="[0-9a-f]{32}", algorithm=MD5$/);
  });
});
