/**
 * Two SIP user agents over loopback UDP (short timers): calls both ways, digest challenge, CANCEL,
 * busy, timeout, re-INVITE hold, BYE, OPTIONS and the screen hook.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/index.ts';
import { bindSipUdp, type SipTransport } from '../transport/index.ts';
import { DigestServer } from './digest.ts';
import type { IncomingInvite } from './incoming-invite.ts';
import type { SipSession } from './session.ts';
import { SipUserAgent, type SipUaHandler } from './user-agent.ts';

const TIMERS = { t1: 50, t2: 400, t4: 500 };
const sdp = (port: number, dir = 'sendrecv'): string => `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${String(port)} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=${dir}\r\n`;

const transports: SipTransport[] = [];
const agents: SipUserAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.close();
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

async function agent(handler: SipUaHandler): Promise<{ ua: SipUserAgent; uri: (user: string) => string }> {
  const t = await bindSipUdp({ address: '127.0.0.1', port: 0 });
  transports.push(t);
  const ua = new SipUserAgent({ clock: new SystemClock(), transports: [t], timers: TIMERS, handler });
  agents.push(ua);
  return { ua, uri: (user) => `sip:${user}@127.0.0.1:${String(t.local.port)}` };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => undefined;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('SipUserAgent', () => {
  it('places a call: 180, 200 with SDP, ACK, both sessions live, then BYE ends both', async () => {
    const incoming = deferred<IncomingInvite>();
    const b = await agent({ invite: (inv) => { incoming.resolve(inv); inv.progress(180); } });
    const a = await agent({ invite: (inv) => { inv.reject(486, 'Busy Here'); } });
    const progress: number[] = [];
    const answered = deferred<{ session: SipSession; sdp: string | null }>();
    a.ua.invite({ uri: b.uri('+81312345678'), from: '"山田" <sip:+815012345678@127.0.0.1>', to: `<${b.uri('+81312345678')}>`, sdp: sdp(4000) }, {
      progress: (s) => progress.push(s),
      answered: (session, answer) => { answered.resolve({ session, sdp: answer }); },
    });
    const inv = await incoming.promise;
    expect(inv.sdp).toContain('m=audio 4000');
    expect(inv.request.headers.get('From')).toContain('"山田"');
    const ended = deferred<string>();
    await until(() => progress.length > 0);
    const bs = inv.accept(sdp(5000));
    if (bs === null) throw new Error('no session');
    bs.events = { ended: (cause) => { ended.resolve(cause); } };
    const { session, sdp: answer } = await answered.promise;
    expect(progress).toEqual([180]);
    expect(answer).toContain('m=audio 5000');
    expect(a.ua.sessionCount).toBe(1);
    expect(b.ua.sessionCount).toBe(1);
    session.bye();
    expect(await ended.promise).toBe('bye-received');
    expect(a.ua.sessionCount).toBe(0);
    expect(b.ua.sessionCount).toBe(0);
  });

  it('answers a 407 challenge with SHA-256 digest credentials, with one Via on the re-sent INVITE', async () => {
    const server = new DigestServer({ realm: 'carrier.test', secret: new Uint8Array(32).fill(7) });
    const seen: string[] = [];
    const vias: number[] = [];
    const b = await agent({
      invite: (inv) => {
        const auth = inv.request.headers.get('Proxy-Authorization');
        seen.push(auth === undefined ? 'none' : 'auth');
        // sip-spike.md §1 bug 3: the re-sent INVITE carries one Via, not one per attempt.
        vias.push(inv.request.headers.getAll('Via').length);
        if (auth === undefined) {
          inv.reject(407, 'Proxy Authentication Required', [['Proxy-Authenticate', server.challenge(Date.now())]]);
          return;
        }
        const verdict = server.verify(auth, 'INVITE', Date.now(), (u) => (u === 'trunk' ? 's3cret' : null));
        if (verdict.ok) inv.accept(sdp(5000));
        else inv.reject(403, 'Forbidden');
      },
    });
    const a = await agent({ invite: () => undefined });
    const result = deferred<string>();
    a.ua.invite({ uri: b.uri('100'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('100')}>`, sdp: sdp(4000), credentials: { username: 'trunk', password: 's3cret' } }, {
      answered: () => { result.resolve('answered'); },
      failed: (s) => { result.resolve(String(s)); },
    });
    expect(await result.promise).toBe('answered');
    expect(seen).toEqual(['none', 'auth']);
    expect(vias).toEqual([1, 1]);
  });

  it('fails with the final status when the credentials are wrong, without retrying forever', async () => {
    const server = new DigestServer({ realm: 'carrier.test', secret: new Uint8Array(32).fill(7), algorithm: 'MD5' });
    let invites = 0;
    const b = await agent({
      invite: (inv) => {
        invites++;
        const auth = inv.request.headers.get('Authorization');
        const ok = auth !== undefined && server.verify(auth, 'INVITE', Date.now(), () => 'right').ok;
        if (ok) inv.accept(sdp(5000));
        else inv.reject(401, 'Unauthorized', [['WWW-Authenticate', server.challenge(Date.now())]]);
      },
    });
    const a = await agent({ invite: () => undefined });
    const result = deferred<number>();
    a.ua.invite({ uri: b.uri('100'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('100')}>`, sdp: sdp(4000), credentials: { username: 'x', password: 'wrong' } }, {
      failed: (s) => { result.resolve(s); },
    });
    expect(await result.promise).toBe(401);
    expect(invites).toBe(2);
  });

  it('cancels a ringing call: 487 at once for the caller, onCancel for the callee', async () => {
    const incoming = deferred<IncomingInvite>();
    const canceled = deferred<boolean>();
    const b = await agent({ invite: (inv) => { inv.onCancel = () => { canceled.resolve(true); }; inv.progress(180); incoming.resolve(inv); } });
    const a = await agent({ invite: () => undefined });
    const failed = deferred<number>();
    const ringing = deferred<boolean>();
    const call = a.ua.invite({ uri: b.uri('1'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('1')}>`, sdp: sdp(4000) }, {
      progress: () => { ringing.resolve(true); },
      failed: (s) => { failed.resolve(s); },
    });
    await ringing.promise;
    call.cancel();
    expect(await failed.promise).toBe(487);
    expect(await canceled.promise).toBe(true);
    expect((await incoming.promise).state).toBe('canceled');
  });

  it('reports busy (486) and a timeout (408) when nothing answers', async () => {
    const b = await agent({ invite: (inv) => { inv.reject(486, 'Busy Here'); } });
    const a = await agent({ invite: () => undefined });
    const busy = deferred<number>();
    a.ua.invite({ uri: b.uri('1'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('1')}>`, sdp: sdp(4000) }, { failed: (s) => { busy.resolve(s); } });
    expect(await busy.promise).toBe(486);
    const silent = await bindSipUdp({ address: '127.0.0.1', port: 0 });
    transports.push(silent);
    const timeout = deferred<number>();
    a.ua.invite({ uri: `sip:1@127.0.0.1:${String(silent.local.port)}`, from: '<sip:denwa@127.0.0.1>', to: '<sip:1@127.0.0.1>', sdp: sdp(4000) }, { failed: (s) => { timeout.resolve(s); } });
    expect(await timeout.promise).toBe(408);
    const unroutable = deferred<number>();
    a.ua.invite({ uri: 'sip:1@carrier.invalid', from: '<sip:denwa@127.0.0.1>', to: '<sip:1@carrier.invalid>', sdp: sdp(4000) }, { failed: (s) => { unroutable.resolve(s); } });
    expect(await unroutable.promise).toBe(503);
  }, 10_000);

  it('puts a call on hold with a re-INVITE and the callee answers it', async () => {
    const session = deferred<SipSession>();
    const b = await agent({ invite: (inv) => { const s = inv.accept(sdp(5000)); if (s !== null) session.resolve(s); } });
    const a = await agent({ invite: () => undefined });
    const answered = deferred<SipSession>();
    a.ua.invite({ uri: b.uri('1'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('1')}>`, sdp: sdp(4000) }, { answered: (s) => { answered.resolve(s); } });
    const bs = await session.promise;
    const offers: string[] = [];
    bs.events = { offer: (offer) => { offers.push(offer); return { sdp: sdp(5000, offer.includes('sendonly') ? 'recvonly' : 'sendrecv') }; } };
    const as = await answered.promise;
    expect(await as.reinvite(sdp(4000, 'sendonly'))).toContain('a=recvonly');
    expect(await as.reinvite(sdp(4000))).toContain('a=sendrecv');
    expect(offers).toHaveLength(2);
    expect(bs.dialog.remoteSeq).toBe(3);
  });

  it('answers OPTIONS, and the screen hook refuses or drops requests before any handler', async () => {
    let invites = 0;
    const b = await agent({
      invite: () => { invites++; },
      screen: (request) => (request.headers.has('X-Scanner') ? 'drop' : request.method === 'INVITE' ? { status: 403, reason: 'Forbidden' } : 'accept'),
    });
    const a = await agent({ invite: () => undefined });
    expect(await a.ua.ping(b.uri('ping'))).toBe(200);
    const refused = deferred<number>();
    a.ua.invite({ uri: b.uri('1'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('1')}>`, sdp: sdp(4000) }, { failed: (s) => { refused.resolve(s); } });
    expect(await refused.promise).toBe(403);
    const dropped = deferred<number>();
    a.ua.invite({ uri: b.uri('1'), from: '<sip:denwa@127.0.0.1>', to: `<${b.uri('1')}>`, sdp: sdp(4000), headers: [['X-Scanner', '1']] }, { failed: (s) => { dropped.resolve(s); } });
    // Dropped: no answer at all, so the caller's transaction times out.
    expect(await dropped.promise).toBe(408);
    expect(invites).toBe(0);
    expect(b.ua.stats.screened).toBe(2);
  }, 10_000);
});
