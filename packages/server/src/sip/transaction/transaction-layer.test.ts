import { describe, expect, it } from 'vitest';
import { ManualClock } from '@denwa/testkit';
import { parseSipMessage, type SipMessage, type SipRequest } from '../message/index.ts';
import type { SipAddress, SipTransport } from '../transport/index.ts';
import { TransactionLayer, responseTo, type ServerTransaction } from './index.ts';

const enc = new TextEncoder();
const FROM: SipAddress = { address: '127.0.0.9', port: 5099 };

function fakeTransport(): SipTransport & { sent: { message: SipMessage; to: SipAddress }[]; deliver(text: string, from?: SipAddress): void } {
  const sent: { message: SipMessage; to: SipAddress }[] = [];
  const t = {
    protocol: 'UDP' as const, reliable: false, local: { address: '127.0.0.1', port: 5060 }, sendErrors: 0, sent,
    onMessage: null as ((bytes: Uint8Array, from: SipAddress) => void) | null,
    send(bytes: Uint8Array, to: SipAddress) { const r = parseSipMessage(bytes); if (r.ok) sent.push({ message: r.message, to }); },
    close: () => Promise.resolve(),
    deliver(text: string, from = FROM) { t.onMessage?.(enc.encode(text), from); },
  };
  return t;
}

const req = (method: string, branch: string, extra = ''): string =>
  `${method} sip:denwa@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=${branch};rport\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>${extra}\r\nCall-ID: c1\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`;

describe('TransactionLayer', () => {
  it('fills received/rport, creates one server transaction per branch, absorbs retransmissions, replies to the source', () => {
    const t = fakeTransport();
    const seen: { request: SipRequest; tx: ServerTransaction | null }[] = [];
    const layer = new TransactionLayer({ clock: new ManualClock(0), transport: t, user: { request: (request, tx) => { seen.push({ request, tx }); } } });
    t.deliver(req('OPTIONS', 'z9hG4bK1'));
    t.deliver(req('OPTIONS', 'z9hG4bK1'));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.request.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=5099;received=127.0.0.9');
    seen[0]?.tx?.respond(responseTo(seen[0].request, 200, 'OK', 'x'));
    t.deliver(req('OPTIONS', 'z9hG4bK1'));
    expect(t.sent.map((s) => [(s.message as { status: number }).status, s.to])).toEqual([[200, FROM], [200, FROM]]);
    expect(layer.serverTransactions).toBe(1);
  });

  it('routes the ACK of a failure to its transaction and the ACK of a 2xx to the user', () => {
    const t = fakeTransport();
    const seen: string[] = [];
    const txs: ServerTransaction[] = [];
    new TransactionLayer({ clock: new ManualClock(0), transport: t, user: { request: (r, tx) => { seen.push(`${r.method} ${tx === null ? 'no-tx' : 'tx'}`); if (tx !== null) txs.push(tx); } } });
    t.deliver(req('INVITE', 'z9hG4bKa'));
    const failed = txs[0];
    failed?.respond(responseTo(failed.request, 486, 'Busy Here', 't'));
    t.deliver(req('ACK', 'z9hG4bKa', ';tag=t'));
    expect(failed?.state).toBe('confirmed');
    t.deliver(req('INVITE', 'z9hG4bKb'));
    const ok = txs[1];
    ok?.respond(responseTo(ok.request, 200, 'OK', 'u'));
    t.deliver(req('ACK', 'z9hG4bKnew', ';tag=u'));
    expect(seen).toEqual(['INVITE tx', 'INVITE tx', 'ACK no-tx']);
  });

  it('matches responses to client transactions by branch and CSeq method; others are stray; garbage is counted', () => {
    const t = fakeTransport();
    const stray: number[] = [];
    const layer = new TransactionLayer({ clock: new ManualClock(0), transport: t, user: { request: () => undefined, strayResponse: (r) => { stray.push(r.status); } } });
    const got: number[] = [];
    const parsed = parseSipMessage(enc.encode(req('OPTIONS', 'z9hG4bKout')));
    if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad fixture');
    const options: SipRequest = parsed.message;
    layer.sendRequest(options, { address: '127.0.0.2', port: 5060 }, { response: (r) => { got.push(r.status); }, timeout: () => undefined });
    const response = (branch: string, status: number): string => `SIP/2.0 ${String(status)} X\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=${branch}\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    t.deliver(response('z9hG4bKout', 200));
    t.deliver(response('z9hG4bKother', 200));
    t.deliver('garbage\r\n\r\n');
    expect(got).toEqual([200]);
    expect(stray).toEqual([200]);
    expect(layer.stats.malformed).toBe(1);
    expect(() => { layer.sendRequest({ ...options, headers: options.headers.clone().set('Via', 'SIP/2.0/UDP a;branch=old') }, FROM, { response: () => undefined, timeout: () => undefined }); }).toThrow(/z9hG4bK/);
  });
});
