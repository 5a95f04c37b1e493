/**
 * How long an outgoing INVITE waits (a phone may ring for minutes; RFC 3261 §17.1.1.2 runs Timer B in
 * `calling` only), and what the user agent refuses before any handler: unknown `Require` tags (420)
 * and a throwing `request` hook (500). On an in-process network and a manual clock.
 */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { parseSipMessage, type SipMessage } from '../message/index.ts';
import { MemorySipNetwork, type SipAddress } from '../transport/index.ts';
import type { IncomingInvite } from './incoming-invite.ts';
import { MAX_RINGING_MS } from './outgoing-invite.ts';
import { SipUserAgent, type SipUaHandler } from './user-agent.ts';

const A: SipAddress = { address: '127.0.0.1', port: 5060 };
const B: SipAddress = { address: '127.0.0.2', port: 5060 };
const SDP = 'v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function setup(handler: SipUaHandler) {
  const clock = new ManualClock(0);
  const net = new MemorySipNetwork(clock);
  const a = new SipUserAgent({ clock, transports: [net.bind(A)], handler: { invite: (inv) => { inv.reject(486, 'Busy Here'); } } });
  const b = new SipUserAgent({ clock, transports: [net.bind(B)], handler });
  const sent = (): SipMessage[] => net.log.map((p) => {
    const r = parseSipMessage(p.bytes);
    if (!r.ok) throw new Error(r.error.reason);
    return r.message;
  });
  return { clock, net, a, b, sent };
}

const target = { uri: 'sip:b@127.0.0.2', from: '<sip:a@127.0.0.1>', to: '<sip:b@127.0.0.2>', sdp: SDP };

describe('OutgoingInvite', () => {
  it('rings past Timer B and is answered after two minutes', async () => {
    const ringing: IncomingInvite[] = [];
    const t = setup({ invite: (inv) => { ringing.push(inv); inv.progress(180); } });
    const outcome: string[] = [];
    t.a.invite(target, { answered: () => { outcome.push('answered'); }, failed: (s) => { outcome.push(String(s)); } });
    await t.clock.advance(120_000);
    expect(outcome).toEqual([]);
    ringing[0]?.accept(SDP);
    await t.clock.advance(10);
    expect(outcome).toEqual(['answered']);
  });

  it(`gives up ${String(MAX_RINGING_MS / 1000)} s after the last provisional response: CANCEL and 408`, async () => {
    const ringing: IncomingInvite[] = [];
    const t = setup({ invite: (inv) => { ringing.push(inv); inv.progress(180); } });
    const outcome: number[] = [];
    t.a.invite(target, { failed: (s) => { outcome.push(s); } });
    await t.clock.advance(MAX_RINGING_MS - 10);
    expect(outcome).toEqual([]);
    await t.clock.advance(100);
    expect(outcome).toEqual([408]);
    expect(ringing[0]?.state).toBe('canceled');
    expect(t.sent().some((m) => m.kind === 'request' && m.method === 'CANCEL')).toBe(true);
    await t.clock.advance(60_000);
    expect(t.a.transactions).toMatchObject({ client: 0 });
    expect(t.b.transactions).toMatchObject({ server: 0 });
  });

  it('refuses Require tags it does not know with 420 and Unsupported, before the handler', async () => {
    let invites = 0;
    const t = setup({ invite: () => { invites++; } });
    const outcome: number[] = [];
    t.a.invite({ ...target, headers: [['Require', 'timer, replaces']] }, { failed: (s) => { outcome.push(s); } });
    await t.clock.advance(10);
    expect(outcome).toEqual([420]);
    expect(invites).toBe(0);
    expect(t.sent().find((m) => m.kind === 'response' && m.status === 420)?.headers.get('Unsupported')).toBe('replaces');
  });

  it('a request hook that throws answers 500; without one, other methods get 405 with Allow', async () => {
    const t = setup({ invite: () => undefined, request: () => { throw new Error('boom'); } });
    const statuses: number[] = [];
    const probe = t.net.bind({ address: '127.0.0.3', port: 5060 });
    probe.onMessage = (bytes) => { const r = parseSipMessage(bytes); if (r.ok && r.message.kind === 'response') statuses.push(r.message.status); };
    const message = (to: SipAddress, branch: string): Uint8Array => new TextEncoder().encode(`MESSAGE sip:x@${to.address} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.3:5060;branch=z9hG4bK${branch}\r\nFrom: <sip:p@127.0.0.3>;tag=1\r\nTo: <sip:x@${to.address}>\r\nCall-ID: ${branch}\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n`);
    probe.send(message(B, 'm1'), B);
    probe.send(message(A, 'm2'), A);
    await t.clock.advance(10);
    expect(statuses.sort()).toEqual([405, 500]);
    expect(t.sent().find((m) => m.kind === 'response' && m.status === 405)?.headers.get('Allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK');
  });
});
