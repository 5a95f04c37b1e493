/**
 * Reliable provisional responses (RFC 3262) between user agents on an in-process network and a
 * manual clock, and Denwa's UAC against a scripted UAS: RSeq/RAck, queued 18x and 2xx, lost PRACKs,
 * retransmitted and out-of-order 18x, no PRACK at all, and 420 when 100rel is off.
 */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { parseSipMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { TransactionLayer, responseTo, type ServerTransaction } from '../transaction/index.ts';
import { MemorySipNetwork, type SipAddress } from '../transport/index.ts';
import type { IncomingInvite } from './incoming-invite.ts';
import type { SessionEnd, SipSession } from './session.ts';
import { SipUserAgent, type SipUserAgentOptions } from './user-agent.ts';

const A: SipAddress = { address: '127.0.0.1', port: 5060 };
const B: SipAddress = { address: '127.0.0.2', port: 5060 };
const SDP = 'v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
const dec = new TextDecoder();

type Options = Partial<Omit<SipUserAgentOptions, 'clock' | 'transports' | 'handler'>>;

function parse(bytes: Uint8Array): SipMessage {
  const r = parseSipMessage(bytes);
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

function label(m: SipMessage): string {
  return m.kind === 'request' ? `${m.method} ${m.headers.get('CSeq') ?? ''}` : `${String(m.status)} ${m.headers.get('CSeq') ?? ''}`;
}

function setup(a: Options, b: Options, answer: (inv: IncomingInvite) => void) {
  const clock = new ManualClock(0);
  const net = new MemorySipNetwork(clock);
  const ua1 = new SipUserAgent({ clock, transports: [net.bind(A)], handler: { invite: (inv) => { inv.reject(486, 'Busy Here'); } }, ...a });
  new SipUserAgent({ clock, transports: [net.bind(B)], handler: { invite: answer }, ...b });
  const sent = (): { readonly from: SipAddress; readonly m: SipMessage }[] => net.log.map((p) => ({ from: p.from, m: parse(p.bytes) }));
  const progress: number[] = [];
  const outcome: { session: SipSession | null; failed: number | null } = { session: null, failed: null };
  const dial = (): void => {
    ua1.invite({ uri: 'sip:b@127.0.0.2', from: '<sip:a@127.0.0.1>', to: '<sip:b@127.0.0.2>', sdp: SDP }, {
      progress: (s) => { progress.push(s); },
      answered: (s) => { outcome.session = s; },
      failed: (s) => { outcome.failed = s; },
    });
  };
  return { clock, net, sent, progress, outcome, dial };
}

describe('100rel / PRACK between two user agents', () => {
  it('sends 180 and 183 reliably one at a time, PRACKs each, and holds the 200 until the last PRACK', async () => {
    const t = setup({ reliableProvisional: 'required' }, {}, (inv) => {
      expect(inv.reliableProvisionals).toBe(true);
      inv.progress(180);
      inv.progress(183, SDP.replace('4000', '5000'));
      inv.accept(SDP.replace('4000', '5000'));
    });
    t.dial();
    await t.clock.advance(50);
    expect(t.progress).toEqual([180, 183]);
    expect(t.outcome.session).not.toBeNull();
    const wire = t.sent().map((s) => label(s.m)).filter((l) => !l.startsWith('100 '));
    expect(wire).toEqual(['INVITE 1 INVITE', '180 1 INVITE', 'PRACK 2 PRACK', '200 2 PRACK', '183 1 INVITE', 'PRACK 3 PRACK', '200 3 PRACK', '200 1 INVITE', 'ACK 1 ACK']);
    const invite = t.sent()[0]?.m as SipRequest;
    expect(invite.headers.get('Require')).toBe('100rel');
    const r180 = t.sent().find((s) => label(s.m) === '180 1 INVITE')?.m as SipResponse;
    const pracks = t.sent().filter((s) => s.m.kind === 'request' && s.m.method === 'PRACK').map((s) => s.m as SipRequest);
    const rseq = Number(r180.headers.get('RSeq'));
    expect(r180.headers.get('Require')).toBe('100rel');
    expect(pracks.map((p) => p.headers.get('RAck'))).toEqual([`${String(rseq)} 1 INVITE`, `${String(rseq + 1)} 1 INVITE`]);
    // The session's requests go on after the PRACKs' CSeq numbers.
    t.outcome.session?.bye();
    await t.clock.advance(10);
    expect(t.sent().some((s) => label(s.m) === 'BYE 4 BYE')).toBe(true);
  });

  it('a lost PRACK: the 180 is re-sent, the UAC PRACKs it only once and tells the user once', async () => {
    const t = setup({ reliableProvisional: 'required' }, {}, (inv) => { inv.progress(180); inv.accept(SDP); });
    let dropped = 0;
    t.net.filter = (p) => !(dec.decode(p.bytes).startsWith('PRACK') && dropped++ === 0);
    t.dial();
    await t.clock.advance(2_000);
    expect(t.outcome.session).not.toBeNull();
    expect(t.progress).toEqual([180]);
    const branches = new Set(t.sent().filter((s) => s.m.kind === 'request' && s.m.method === 'PRACK').map((s) => s.m.headers.get('Via')));
    expect(branches.size).toBe(1);
    expect(t.sent().filter((s) => label(s.m) === '180 1 INVITE').length).toBeGreaterThan(1);
  });

  it('no PRACK within 64·T1: 500 to the INVITE, and the accepted session ends without BYE', async () => {
    const ends: SessionEnd[] = [];
    let canceled = 0;
    const t = setup({ reliableProvisional: 'required' }, {}, (inv) => {
      inv.onCancel = () => { canceled++; };
      inv.progress(180);
      const s = inv.accept(SDP);
      if (s !== null) s.events = { ended: (c) => { ends.push(c); } };
    });
    t.net.filter = (p) => !dec.decode(p.bytes).startsWith('PRACK');
    t.dial();
    await t.clock.advance(33_000);
    expect(t.outcome.failed).toBe(500);
    expect(ends).toEqual(['ack-timeout']);
    expect(canceled).toBe(0);
    expect(t.sent().some((s) => s.m.kind === 'request' && s.m.method === 'BYE')).toBe(false);
  });

  it('a UAS that never does 100rel refuses an INVITE requiring it with 420', async () => {
    const t = setup({ reliableProvisional: 'required' }, { reliableProvisional: 'never' }, () => { throw new Error('not reached'); });
    t.dial();
    await t.clock.advance(20);
    expect(t.outcome.failed).toBe(420);
    const r = t.sent().find((s) => s.m.kind === 'response' && s.m.status === 420)?.m;
    expect(r?.headers.get('Unsupported')).toBe('100rel');
  });

  it('by default 18x go unreliably to callers that only support 100rel', async () => {
    const t = setup({}, {}, (inv) => { expect(inv.reliableProvisionals).toBe(false); inv.progress(180); inv.accept(SDP); });
    t.dial();
    await t.clock.advance(20);
    expect(t.progress).toEqual([180]);
    expect(t.sent().some((s) => s.m.kind === 'request' && s.m.method === 'PRACK')).toBe(false);
  });
});

describe('100rel / PRACK as UAC against a scripted UAS', () => {
  it('PRACKs each new RSeq once; retransmitted and out-of-order 18x are dropped', async () => {
    const clock = new ManualClock(0);
    const net = new MemorySipNetwork(clock);
    const seen: SipRequest[] = [];
    let invite: { request: SipRequest; tx: ServerTransaction } | null = null;
    new TransactionLayer({
      clock, transport: net.bind(B), user: {
        request: (request, tx) => {
          seen.push(request);
          if (tx === null) return;
          if (request.method === 'INVITE') invite = { request, tx };
          else tx.respond(responseTo(request, 200, 'OK'));
        },
      },
    });
    const reliable = (rseq: number): void => {
      if (invite === null) throw new Error('no INVITE');
      const r = responseTo(invite.request, 183, 'Session Progress', 'uas');
      r.headers.append('Contact', '<sip:uas@127.0.0.2>').append('Require', '100rel').append('RSeq', String(rseq));
      invite.tx.respond(r);
    };
    const ua = new SipUserAgent({ clock, transports: [net.bind(A)], handler: { invite: () => undefined } });
    const progress: number[] = [];
    let session: SipSession | null = null;
    ua.invite({ uri: 'sip:uas@127.0.0.2', from: '<sip:a@127.0.0.1>', to: '<sip:uas@127.0.0.2>', sdp: SDP }, { progress: (s) => { progress.push(s); }, answered: (s) => { session = s; } });
    await clock.advance(5);
    expect(seen[0]?.headers.getAll('Supported')).toContain('100rel');
    for (const rseq of [5, 5, 7, 6]) {
      reliable(rseq);
      await clock.advance(5);
    }
    const pracks = seen.filter((r) => r.method === 'PRACK');
    expect(pracks.map((p) => [p.headers.get('RAck'), p.headers.get('CSeq'), p.uri, p.headers.get('To')])).toEqual([
      ['5 1 INVITE', '2 PRACK', 'sip:uas@127.0.0.2', '<sip:uas@127.0.0.2>;tag=uas'],
      ['6 1 INVITE', '3 PRACK', 'sip:uas@127.0.0.2', '<sip:uas@127.0.0.2>;tag=uas'],
    ]);
    expect(progress).toEqual([183, 183]);
    const inv = invite as { request: SipRequest; tx: ServerTransaction } | null;
    if (inv === null) throw new Error('no INVITE');
    const ok = responseTo(inv.request, 200, 'OK', 'uas');
    ok.headers.append('Contact', '<sip:uas@127.0.0.2>');
    inv.tx.respond(ok);
    await clock.advance(5);
    expect(session).not.toBeNull();
    (session as SipSession | null)?.bye();
    await clock.advance(5);
    expect(seen.filter((r) => r.method !== 'PRACK').map((r) => r.headers.get('CSeq'))).toEqual(['1 INVITE', '1 ACK', '4 BYE']);
  });
});
