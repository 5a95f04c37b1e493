/**
 * REGISTER to a registrar (RFC 3261 §10) on an in-process network and a manual clock: the registrar
 * is a second user agent whose `request` hook answers REGISTER (digest challenge, Min-Expires,
 * failures), so refreshes, 423, backoff and removal run in virtual time.
 */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { parseNameAddr, parseSipMessage, type SipRequest } from '../message/index.ts';
import { responseTo, type ServerTransaction } from '../transaction/index.ts';
import { MemorySipNetwork, type SipAddress } from '../transport/index.ts';
import { DigestServer } from './digest.ts';
import type { RegistrationInfo, RegistrationState } from './registration.ts';
import { SipUserAgent } from './user-agent.ts';

const DENWA: SipAddress = { address: '127.0.0.1', port: 5060 };
const REGISTRAR: SipAddress = { address: '127.0.0.2', port: 5060 };

interface Registrar {
  /** Every REGISTER received (retransmissions absorbed by its transactions). */
  readonly seen: SipRequest[];
  /** What the registrar answers; default: the digest check, then 200 with the Contact and its expires. */
  answer: ((request: SipRequest, tx: ServerTransaction) => boolean) | null;
}

function setup(options: { readonly minExpires?: number } = {}) {
  const clock = new ManualClock(0);
  const net = new MemorySipNetwork(clock);
  const digest = new DigestServer({ realm: 'carrier.test', secret: new Uint8Array(32).fill(3) });
  const registrar: Registrar = { seen: [], answer: null };
  const handle = (request: SipRequest, tx: ServerTransaction): void => {
    registrar.seen.push(request);
    if (registrar.answer?.(request, tx) === true) return;
    const auth = request.headers.get('Authorization');
    if (auth === undefined || !digest.verify(auth, 'REGISTER', clock.now(), (u) => (u === '0312345678' ? 'pw' : null)).ok) {
      const r = responseTo(request, 401, 'Unauthorized', 'reg');
      r.headers.append('WWW-Authenticate', digest.challenge(clock.now()));
      tx.respond(r);
      return;
    }
    const expires = Number(request.headers.get('Expires'));
    if (options.minExpires !== undefined && expires > 0 && expires < options.minExpires) {
      const r = responseTo(request, 423, 'Interval Too Brief', 'reg');
      r.headers.append('Min-Expires', String(options.minExpires));
      tx.respond(r);
      return;
    }
    const ok = responseTo(request, 200, 'OK', 'reg');
    const contact = parseNameAddr(request.headers.get('Contact') ?? '');
    if (expires > 0 && contact !== null) ok.headers.append('Contact', `<${contact.uri}>;expires=${String(expires)}`).append('Contact', '<sip:other@192.0.2.9>;expires=10');
    tx.respond(ok);
  };
  new SipUserAgent({ clock, transports: [net.bind(REGISTRAR)], handler: { invite: (inv) => { inv.reject(403, 'Forbidden'); }, request: (r, tx) => { handle(r, tx); } } });
  const ua = new SipUserAgent({ clock, transports: [net.bind(DENWA)], handler: { invite: (inv) => { inv.reject(486, 'Busy Here'); } } });
  const changes: [RegistrationState, RegistrationInfo][] = [];
  const register = (o: { readonly expires?: number; readonly password?: string; readonly retry?: { min: number; max: number } } = {}) =>
    ua.register(
      { registrar: 'sip:127.0.0.2', aor: 'sip:0312345678@carrier.test', credentials: { username: '0312345678', password: o.password ?? 'pw' }, expires: o.expires ?? 120, ...(o.retry === undefined ? {} : { retry: o.retry }) },
      { changed: (state, info) => { changes.push([state, info]); } },
    );
  return { clock, net, ua, registrar, changes, register };
}

describe('REGISTER to a carrier', () => {
  it('answers the challenge, refreshes at half the time granted with the next nonce count, and removes the binding', async () => {
    const t = setup();
    const reg = t.register({ expires: 120 });
    await t.clock.advance(20);
    expect(reg.state).toBe('registered');
    expect(reg.expires).toBe(120);
    expect(t.changes).toEqual([['registered', { status: 200, reason: 'OK', expires: 120, retryInMs: null }]]);
    expect(t.registrar.seen.map((r) => [r.headers.get('CSeq'), r.headers.has('Authorization')])).toEqual([['1 REGISTER', false], ['2 REGISTER', true]]);
    const first = t.registrar.seen[0];
    expect(first?.uri).toBe('sip:127.0.0.2');
    expect(first?.headers.get('To')).toBe('<sip:0312345678@carrier.test>');
    expect(first?.headers.get('Contact')).toBe('<sip:0312345678@127.0.0.1:5060>');
    expect(first?.headers.get('Expires')).toBe('120');
    await t.clock.advance(59_000);
    expect(t.registrar.seen).toHaveLength(2);
    await t.clock.advance(2_000);
    expect(t.registrar.seen).toHaveLength(3);
    const refresh = t.registrar.seen[2];
    expect(refresh?.headers.get('CSeq')).toBe('3 REGISTER');
    expect(refresh?.headers.get('Authorization')).toMatch(/nc=00000002/);
    expect(new Set(t.registrar.seen.map((r) => r.headers.get('Call-ID'))).size).toBe(1);
    expect(new Set(t.registrar.seen.map((r) => r.headers.get('From'))).size).toBe(1);
    expect(reg.state).toBe('registered');
    const removed = reg.unregister();
    await t.clock.advance(20);
    await removed;
    expect(reg.state).toBe('unregistered');
    const last = t.registrar.seen.at(-1);
    expect(last?.headers.get('Expires')).toBe('0');
    expect(last?.headers.get('Call-ID')).toBe(first?.headers.get('Call-ID'));
    expect(t.changes.map(([s]) => s)).toEqual(['registered', 'unregistered']);
    // Nothing more is sent once removed.
    const count = t.registrar.seen.length;
    await t.clock.advance(600_000);
    expect(t.registrar.seen).toHaveLength(count);
  });

  it('423 Interval Too Brief: asks again with the Min-Expires', async () => {
    const t = setup({ minExpires: 600 });
    const reg = t.register({ expires: 60 });
    await t.clock.advance(20);
    expect(reg.state).toBe('registered');
    expect(reg.expires).toBe(600);
    expect(t.registrar.seen.map((r) => r.headers.get('Expires'))).toEqual(['60', '60', '600']);
  });

  it('wrong credentials fail after one answer; retries back off 30 s → 5 min; a recovered registrar registers', async () => {
    const t = setup();
    const reg = t.register({ password: 'wrong' });
    await t.clock.advance(20);
    expect(reg.state).toBe('failed');
    expect(t.registrar.seen).toHaveLength(2);
    await t.clock.advance(30 * 60_000);
    const delays = t.changes.filter(([s]) => s === 'failed').map(([, info]) => info.retryInMs);
    expect(delays.slice(0, 7)).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
    expect(t.changes[0]).toEqual(['failed', { status: 401, reason: 'Unauthorized', expires: null, retryInMs: 30_000 }]);
    expect(t.changes.filter(([s]) => s === 'registering').length).toBe(delays.length - 1);
    const removed = reg.unregister();
    await t.clock.advance(20);
    await removed;
    expect(reg.state).toBe('unregistered');
  });

  it('503 with Retry-After waits as told; no answer at all fails with 408; then it recovers', async () => {
    const t = setup();
    let down = true;
    t.registrar.answer = (request, tx) => {
      if (!down) return false;
      const r = responseTo(request, 503, 'Service Unavailable', 'reg');
      r.headers.append('Retry-After', '90');
      tx.respond(r);
      return true;
    };
    const reg = t.register({ retry: { min: 10, max: 40 } });
    await t.clock.advance(20);
    expect(t.changes.at(-1)).toEqual(['failed', { status: 503, reason: 'Service Unavailable', expires: null, retryInMs: 90_000 }]);
    t.net.filter = (p) => p.from !== REGISTRAR;
    await t.clock.advance(90_000 + 33_000);
    expect(t.changes.at(-1)?.[1]).toMatchObject({ status: 408, retryInMs: 20_000 });
    t.net.filter = null;
    down = false;
    await t.clock.advance(20_000 + 100);
    expect(reg.state).toBe('registered');
  });

  it('a registrar that is not an IP address fails at once; unknown methods get 405 without a request hook', async () => {
    const t = setup();
    const reg = t.ua.register({ registrar: 'sip:carrier.invalid', aor: 'sip:1@carrier.invalid' });
    await t.clock.advance(1);
    expect(reg.state).toBe('failed');
    await reg.unregister();
    expect(reg.state).toBe('unregistered');
    const raw = 'MESSAGE sip:denwa@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKmsg\r\nFrom: <sip:x@127.0.0.2>;tag=1\r\nTo: <sip:denwa@127.0.0.1>\r\nCall-ID: m1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n';
    const probe = t.net.bind({ address: '127.0.0.3', port: 5060 });
    const got: number[] = [];
    probe.onMessage = (bytes) => { const r = parseSipMessage(bytes); if (r.ok && r.message.kind === 'response') got.push(r.message.status); };
    probe.send(new TextEncoder().encode(raw), DENWA);
    await t.clock.advance(5);
    expect(got).toEqual([405]);
  });
});
