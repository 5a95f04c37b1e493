/**
 * Session timers (RFC 4028) between user agents on an in-process network and a manual clock:
 * negotiation, refresh by UPDATE or re-INVITE, expiry, 422, and refresh failures.
 */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { parseSipMessage, type SipMessage, type SipRequest } from '../message/index.ts';
import { TransactionLayer, responseTo, type ServerTransaction } from '../transaction/index.ts';
import { MemorySipNetwork, type SipAddress } from '../transport/index.ts';
import type { IncomingInvite } from './incoming-invite.ts';
import type { SessionEnd, SipSession } from './session.ts';
import { parseSessionExpires, uasTimerTerms } from './session-timer.ts';
import { SipUserAgent, type SipUserAgentOptions } from './user-agent.ts';

const A: SipAddress = { address: '127.0.0.1', port: 5060 };
const B: SipAddress = { address: '127.0.0.2', port: 5060 };
const SDP = 'v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
const enc = new TextEncoder();
const dec = new TextDecoder();

type Options = Partial<Omit<SipUserAgentOptions, 'clock' | 'transports' | 'handler'>>;

function parse(bytes: Uint8Array): SipMessage {
  const r = parseSipMessage(bytes);
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

function setup(a: Options = {}, b: Options = {}) {
  const clock = new ManualClock(0);
  const net = new MemorySipNetwork(clock);
  const incoming: IncomingInvite[] = [];
  const sessions: SipSession[] = [];
  const ua = (addr: SipAddress, o: Options, invite: (inv: IncomingInvite) => void): SipUserAgent => new SipUserAgent({ clock, transports: [net.bind(addr)], handler: { invite }, ...o });
  const ua1 = ua(A, a, (inv) => { inv.reject(486, 'Busy Here'); });
  const ua2 = ua(B, b, (inv) => {
    incoming.push(inv);
    const s = inv.accept(SDP.replace('4000', '5000'));
    if (s !== null) sessions.push(s);
  });
  /** Messages sent so far, parsed, with who sent them. */
  const sent = (): { readonly from: SipAddress; readonly m: SipMessage }[] => net.log.map((p) => ({ from: p.from, m: parse(p.bytes) }));
  const requests = (method: string, from: SipAddress): SipRequest[] =>
    sent().filter((s) => s.from === from && s.m.kind === 'request' && s.m.method === method).map((s) => s.m as SipRequest);
  return { clock, net, ua1, ua2, incoming, sessions, sent, requests };
}

/** Places a call from A to B and returns both sessions, with the causes they end with. */
async function call(t: ReturnType<typeof setup>): Promise<{ as: SipSession; bs: SipSession; ends: { a: SessionEnd[]; b: SessionEnd[] } }> {
  const got: { as: SipSession | null; failed: number | null } = { as: null, failed: null };
  t.ua1.invite({ uri: 'sip:b@127.0.0.2', from: '<sip:a@127.0.0.1>', to: '<sip:b@127.0.0.2>', sdp: SDP }, { answered: (s) => { got.as = s; }, failed: (s) => { got.failed = s; } });
  await t.clock.advance(20);
  const as = got.as;
  const bs = t.sessions.at(-1);
  if (as === null || bs === undefined) throw new Error(`not answered (${String(got.failed)})`);
  const ends = { a: [] as SessionEnd[], b: [] as SessionEnd[] };
  as.events = { ended: (c) => { ends.a.push(c); } };
  bs.events = { ended: (c) => { ends.b.push(c); } };
  return { as, bs, ends };
}

describe('session timers (RFC 4028)', () => {
  it('reads Session-Expires and negotiates as UAS: the peer refreshes only when it asks and supports timer', () => {
    expect(parseSessionExpires('1800;refresher=uac')).toEqual({ interval: 1800, refresher: 'uac' });
    expect(parseSessionExpires(' 90 ')).toEqual({ interval: 90, refresher: null });
    expect(parseSessionExpires('abc')).toBeNull();
    const req = (headers: [string, string][]): SipRequest => {
      const text = `INVITE sip:b@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Content-Length: 0\r\n\r\n`;
      return parse(enc.encode(text)) as SipRequest;
    };
    const config = { sessionExpires: 1800, minSessionExpires: 90 };
    expect(uasTimerTerms(req([['Session-Expires', '1800;refresher=uac'], ['Supported', 'timer']]), config, null)).toEqual({
      ok: true, terms: { interval: 1800, refresher: 'remote', minSE: 90 }, headers: [['Session-Expires', '1800;refresher=uac'], ['Require', 'timer']],
    });
    expect(uasTimerTerms(req([['Session-Expires', '600'], ['Supported', 'timer']]), config, null)).toMatchObject({ ok: true, terms: { interval: 600, refresher: 'local' } });
    // A proxy inserted the header for a caller without timer support: Denwa refreshes, no Require.
    expect(uasTimerTerms(req([['Session-Expires', '600;refresher=uac']]), config, null)).toEqual({
      ok: true, terms: { interval: 600, refresher: 'local', minSE: 90 }, headers: [['Session-Expires', '600;refresher=uas']],
    });
    expect(uasTimerTerms(req([['Session-Expires', '7200'], ['Min-SE', '2000'], ['Supported', 'timer']]), config, null)).toMatchObject({ ok: true, terms: { interval: 2000 } });
    expect(uasTimerTerms(req([['Session-Expires', '60'], ['Supported', 'timer']]), config, null)).toEqual({ ok: false, minSE: 90 });
    // Too short, but the caller does not do timers: raised to Denwa's minimum instead of a 422 it would not understand.
    expect(uasTimerTerms(req([['Session-Expires', '60']]), config, null)).toEqual({
      ok: true, terms: { interval: 90, refresher: 'local', minSE: 90 }, headers: [['Session-Expires', '90;refresher=uas']],
    });
    expect(uasTimerTerms(req([]), config, null)).toEqual({ ok: true, terms: null, headers: [] });
  });
});

describe('session timers between two user agents', () => {
  it('the UAS refreshes with UPDATE at half the interval; both sessions live on', async () => {
    const t = setup();
    const { as, bs, ends } = await call(t);
    const invite = t.requests('INVITE', A)[0];
    expect(invite?.headers.get('Session-Expires')).toBe('1800');
    expect(invite?.headers.get('Min-SE')).toBe('90');
    expect(invite?.headers.getAll('Supported')).toEqual(['timer', '100rel']);
    const ok = t.sent().find((s) => s.from === B && s.m.kind === 'response' && s.m.status === 200)?.m;
    expect(ok?.headers.get('Session-Expires')).toBe('1800;refresher=uas');
    expect(ok?.headers.get('Require')).toBe('timer');
    expect(as.sessionTimer).toEqual({ interval: 1800, refresher: 'remote', minSE: 90 });
    expect(bs.sessionTimer).toEqual({ interval: 1800, refresher: 'local', minSE: 90 });
    await t.clock.advance(899_000);
    expect(t.requests('UPDATE', B)).toHaveLength(0);
    await t.clock.advance(2_000);
    const updates = t.requests('UPDATE', B);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.headers.get('Session-Expires')).toBe('1800;refresher=uac');
    expect(updates[0]?.body.length).toBe(0);
    await t.clock.advance(3 * 3600_000);
    expect(t.requests('UPDATE', B).length).toBeGreaterThanOrEqual(12);
    expect(ends).toEqual({ a: [], b: [] });
    expect(t.ua1.sessionCount).toBe(1);
  });

  it('the non-refresher sends BYE when no refresh comes before interval − 32 s', async () => {
    const t = setup();
    const { ends } = await call(t);
    t.net.filter = (p) => p.from !== B; // the refresher falls silent
    await t.clock.advance(1_767_000);
    expect(ends.a).toEqual([]);
    await t.clock.advance(2_000);
    expect(ends.a).toEqual(['session-expired']);
    // One BYE (its UDP retransmissions aside: nobody answers it).
    expect(new Set(t.requests('BYE', A).map((r) => r.headers.get('CSeq')))).toEqual(new Set(['2 BYE']));
    expect(t.ua1.sessionCount).toBe(0);
  });

  it('retries once after 422 with the Min-SE the peer asked for', async () => {
    const t = setup({ sessionExpires: 600 }, { minSessionExpires: 1800 });
    const { as } = await call(t);
    const invites = t.requests('INVITE', A);
    expect(invites.map((i) => [i.headers.get('CSeq'), i.headers.get('Session-Expires'), i.headers.get('Min-SE')])).toEqual([
      ['1 INVITE', '600', '90'], ['2 INVITE', '1800', '1800'],
    ]);
    expect(t.sent().some((s) => s.m.kind === 'response' && s.m.status === 422 && s.m.headers.get('Min-SE') === '1800')).toBe(true);
    expect(t.incoming).toHaveLength(1);
    expect(as.sessionTimer?.interval).toBe(1800);
  });

  it('a refresh answered 481 ends the session (request-timeout) with BYE', async () => {
    const t = setup();
    const { as, ends } = await call(t);
    t.net.filter = (p) => !(p.from === A && dec.decode(p.bytes).startsWith('BYE'));
    as.bye(); // the BYE is lost: B keeps its session, A forgot it
    await t.clock.advance(901_000);
    expect(ends.b).toEqual(['request-timeout']);
    expect(t.sent().some((s) => s.from === A && s.m.kind === 'response' && s.m.status === 481)).toBe(true);
    expect(t.requests('BYE', B)).toHaveLength(1);
  });

  it('a refresh nobody answers (408) ends the session', async () => {
    const t = setup();
    const { ends } = await call(t);
    t.net.filter = (p) => p.from !== A;
    await t.clock.advance(900_000 + 33_000);
    expect(ends.b).toEqual(['request-timeout']);
  });

  it('as UAC told to refresh by a peer without UPDATE: re-INVITE with the same SDP at half the interval', async () => {
    const clock = new ManualClock(0);
    const net = new MemorySipNetwork(clock);
    const seen: SipRequest[] = [];
    const answer = (request: SipRequest, tx: ServerTransaction): void => {
      const ok = responseTo(request, 200, 'OK', 'peer');
      ok.headers.append('Contact', '<sip:peer@127.0.0.2>').append('Session-Expires', '90;refresher=uac').append('Require', 'timer').append('Content-Type', 'application/sdp');
      tx.respond({ ...ok, body: enc.encode(SDP.replace('4000', '6000')) });
    };
    new TransactionLayer({ clock, transport: net.bind(B), user: { request: (request, tx) => { seen.push(request); if (tx !== null && request.method === 'INVITE') answer(request, tx); } } });
    const ua = new SipUserAgent({ clock, transports: [net.bind(A)], handler: { invite: () => undefined } });
    const sessions: SipSession[] = [];
    ua.invite({ uri: 'sip:peer@127.0.0.2', from: '<sip:a@127.0.0.1>', to: '<sip:peer@127.0.0.2>', sdp: SDP }, { answered: (s) => { sessions.push(s); } });
    await clock.advance(20);
    expect(sessions[0]?.sessionTimer).toEqual({ interval: 90, refresher: 'local', minSE: 90 });
    await clock.advance(45_000);
    const reinvites = seen.filter((r) => r.method === 'INVITE');
    expect(reinvites).toHaveLength(2);
    expect(dec.decode(reinvites[1]?.body)).toBe(SDP);
    expect(reinvites[1]?.headers.get('Session-Expires')).toBe('90;refresher=uac');
    expect(reinvites[1]?.headers.get('CSeq')).toBe('2 INVITE');
    expect(seen.filter((r) => r.method === 'ACK').map((r) => r.headers.get('CSeq'))).toEqual(['1 ACK', '2 ACK']);
  });
});

