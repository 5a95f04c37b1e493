/** RFC 3261 §17 client and server transactions on a manual clock, over UDP and TCP. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@denwa/testkit';
import { SipHeaders, type SipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { ClientTransaction, ackForFailure } from './client-transaction.ts';
import { ServerTransaction, responseTo } from './server-transaction.ts';

function request(method: string): SipRequest {
  const headers = new SipHeaders([
    ['Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc'],
    ['From', '<sip:denwa@127.0.0.1>;tag=f1'],
    ['To', '<sip:+815012345678@carrier.test>'],
    ['Call-ID', 'call-1'],
    ['CSeq', `7 ${method}`],
    ['Route', '<sip:proxy.test;lr>'],
  ]);
  return { kind: 'request', method, uri: 'sip:+815012345678@carrier.test', headers, body: new Uint8Array(0) };
}

function reply(req: SipRequest, status: number): SipResponse {
  return responseTo(req, status, String(status), status > 100 ? 't9' : undefined);
}

function harness(reliable = false) {
  const clock = new ManualClock(0);
  const sent: { at: number; message: SipMessage }[] = [];
  const transport = { reliable, send: (message: SipMessage) => { sent.push({ at: clock.now(), message }); } };
  const events: string[] = [];
  return { clock, sent, transport, events };
}

const label = (m: SipMessage): string => (m.kind === 'request' ? m.method : String(m.status));

describe('client transactions', () => {
  it('INVITE over UDP: Timer A doubles without a cap, a 1xx stops it and Timer B (a phone rings as long as it likes), Timer B times out when nothing comes', async () => {
    const h = harness();
    const tx = new ClientTransaction(request('INVITE'), { clock: h.clock, transport: h.transport, user: { response: (r) => h.events.push(String(r.status)), timeout: () => h.events.push('timeout') } });
    tx.start();
    await h.clock.advance(7_600);
    expect(h.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500]);
    tx.receiveResponse(reply(tx.request, 180));
    await h.clock.advance(120_000);
    expect(h.sent).toHaveLength(5);
    expect(tx.state).toBe('proceeding');
    expect(h.events).toEqual(['180']);
    tx.terminate();
    expect(tx.state).toBe('terminated');
    expect(h.events).toEqual(['180']);
    const silent = new ClientTransaction(request('INVITE'), { clock: h.clock, transport: h.transport, user: { response: () => undefined, timeout: () => h.events.push('timeout') } });
    silent.start();
    await h.clock.advance(32_000);
    expect(h.events).toEqual(['180', 'timeout']);
    expect(silent.state).toBe('terminated');
  });

  it('INVITE: a failure is ACKed by the transaction (same branch, the To tag, CSeq ACK, routes), again for each retransmission, then Timer D', async () => {
    const h = harness();
    const tx = new ClientTransaction(request('INVITE'), { clock: h.clock, transport: h.transport, user: { response: (r) => h.events.push(String(r.status)), timeout: () => h.events.push('timeout'), terminated: () => h.events.push('terminated') } });
    tx.start();
    const busy = reply(tx.request, 486);
    tx.receiveResponse(busy);
    tx.receiveResponse(busy);
    expect(h.sent.map((s) => label(s.message))).toEqual(['INVITE', 'ACK', 'ACK']);
    const ack = h.sent[1]?.message as SipRequest;
    expect(ack.uri).toBe(tx.request.uri);
    expect(ack.headers.get('Via')).toBe('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc');
    expect(ack.headers.get('To')).toBe('<sip:+815012345678@carrier.test>;tag=t9');
    expect(ack.headers.get('CSeq')).toBe('7 ACK');
    expect(ack.headers.getAll('Route')).toEqual(['<sip:proxy.test;lr>']);
    expect(h.events).toEqual(['486']);
    await h.clock.advance(31_999);
    expect(tx.state).toBe('completed');
    await h.clock.advance(1);
    expect(h.events).toEqual(['486', 'terminated']);
  });

  it('INVITE: 2xx and its retransmissions reach the TU (RFC 6026 accepted), then Timer M', async () => {
    const h = harness();
    const tx = new ClientTransaction(request('INVITE'), { clock: h.clock, transport: h.transport, user: { response: (r) => h.events.push(String(r.status)), timeout: () => h.events.push('timeout') } });
    tx.start();
    tx.receiveResponse(reply(tx.request, 200));
    tx.receiveResponse(reply(tx.request, 200));
    expect(tx.state).toBe('accepted');
    expect(h.events).toEqual(['200', '200']);
    expect(h.sent.map((s) => label(s.message))).toEqual(['INVITE']);
    await h.clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('non-INVITE over UDP: Timer E doubles up to T2 and stays at T2 (sip-spike.md bug 4); Timer F times out', async () => {
    const h = harness();
    const tx = new ClientTransaction(request('OPTIONS'), { clock: h.clock, transport: h.transport, user: { response: () => undefined, timeout: () => h.events.push('timeout') } });
    tx.start();
    await h.clock.advance(32_000);
    const gaps = h.sent.slice(1).map((s, i) => s.at - (h.sent[i]?.at ?? 0));
    expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(Math.max(...gaps)).toBe(4000);
    expect(h.events).toEqual(['timeout']);
  });

  it('non-INVITE over TCP: no retransmissions, and the final response ends it at once (Timer K = 0)', async () => {
    const h = harness(true);
    const tx = new ClientTransaction(request('BYE'), { clock: h.clock, transport: h.transport, user: { response: (r) => h.events.push(String(r.status)), timeout: () => h.events.push('timeout') } });
    tx.start();
    await h.clock.advance(10_000);
    expect(h.sent).toHaveLength(1);
    tx.receiveResponse(reply(tx.request, 200));
    await h.clock.advance(0);
    expect(tx.state).toBe('terminated');
    tx.receiveResponse(reply(tx.request, 200));
    expect(h.events).toEqual(['200']);
  });

  it('a transport error ends the transaction as a timeout', () => {
    const h = harness();
    const tx = new ClientTransaction(request('OPTIONS'), { clock: h.clock, transport: h.transport, user: { response: () => undefined, timeout: () => h.events.push('timeout') } });
    tx.start();
    tx.transportError();
    expect(h.events).toEqual(['timeout']);
    expect(tx.state).toBe('terminated');
  });

  it('ackForFailure copies only the top Via', () => {
    const invite = request('INVITE');
    invite.headers.append('Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKlower');
    expect(ackForFailure(invite, reply(invite, 404)).headers.getAll('Via')).toEqual(['SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc']);
  });
});

describe('server transactions', () => {
  it('INVITE: 100 Trying at once, retransmissions answered with the last provisional, a failure retransmitted by Timer G (capped at T2) until the ACK', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new ServerTransaction(invite, { clock: h.clock, transport: h.transport });
    tx.respond(reply(invite, 180));
    tx.receiveRetransmission();
    expect(h.sent.map((s) => label(s.message))).toEqual(['100', '180', '180']);
    tx.respond(reply(invite, 486));
    await h.clock.advance(8_000);
    expect(h.sent.filter((s) => label(s.message) === '486').map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500]);
    tx.receiveAck();
    expect(tx.state).toBe('confirmed');
    await h.clock.advance(4_000);
    expect(h.sent.filter((s) => label(s.message) === '486')).toHaveLength(5);
    await h.clock.advance(1_000);
    expect(tx.state).toBe('terminated');
  });

  it('INVITE: Timer G keeps doubling only up to T2, and Timer H ends a failure whose ACK never comes', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new ServerTransaction(invite, { clock: h.clock, transport: h.transport, user: { timeout: () => h.events.push('no ACK') } });
    tx.respond(reply(invite, 503));
    await h.clock.advance(32_000);
    const times = h.sent.filter((s) => label(s.message) === '503').map((s) => s.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.max(...gaps)).toBe(4000);
    expect(h.events).toEqual(['no ACK']);
    expect(tx.state).toBe('terminated');
  });

  it('INVITE: a 2xx moves to accepted (RFC 6026) for Timer L; later responses are refused', async () => {
    const h = harness();
    const invite = request('INVITE');
    const tx = new ServerTransaction(invite, { clock: h.clock, transport: h.transport });
    tx.respond(reply(invite, 200));
    tx.respond(reply(invite, 486));
    tx.receiveRetransmission();
    expect(h.sent.map((s) => label(s.message))).toEqual(['100', '200']);
    expect(tx.state).toBe('accepted');
    await h.clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('non-INVITE: nothing sent before the TU answers, the final re-sent for each retransmission, Timer J (0 over TCP)', async () => {
    const udp = harness();
    const options = request('OPTIONS');
    const tx = new ServerTransaction(options, { clock: udp.clock, transport: udp.transport });
    tx.receiveRetransmission();
    expect(udp.sent).toHaveLength(0);
    tx.respond(reply(options, 200));
    tx.receiveRetransmission();
    expect(udp.sent.map((s) => label(s.message))).toEqual(['200', '200']);
    await udp.clock.advance(31_999);
    expect(tx.state).toBe('completed');
    await udp.clock.advance(1);
    expect(tx.state).toBe('terminated');
    const tcp = harness(true);
    const tx2 = new ServerTransaction(options, { clock: tcp.clock, transport: tcp.transport });
    tx2.respond(reply(options, 200));
    await tcp.clock.advance(0);
    expect(tx2.state).toBe('terminated');
  });

  it('responseTo copies every Via, adds the To tag once, and keeps Call-ID and CSeq', () => {
    const invite = request('INVITE');
    invite.headers.append('Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKlower');
    const r = responseTo(invite, 200, 'OK', 'abc');
    expect(r.headers.getAll('Via')).toHaveLength(2);
    expect(r.headers.get('To')).toBe('<sip:+815012345678@carrier.test>;tag=abc');
    expect(responseTo({ ...invite, headers: r.headers }, 200, 'OK', 'zzz').headers.get('To')).toBe('<sip:+815012345678@carrier.test>;tag=abc');
    expect(r.headers.get('CSeq')).toBe('7 INVITE');
  });
});
