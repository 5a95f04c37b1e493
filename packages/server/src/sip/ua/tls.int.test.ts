/**
 * Two user agents over TLS on loopback (RFC 3261 §26.2.1), each trusting the other's self-signed
 * certificate (made with the openssl CLI): a call set up, answered and hung up from the callee's side.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/index.ts';
import type { SipRequest } from '../message/index.ts';
import { listenSipTls, type SipTransport } from '../transport/index.ts';
import type { SessionEnd, SipSession } from './session.ts';
import { SipUserAgent } from './user-agent.ts';

const TIMERS = { t1: 50, t2: 400, t4: 500 };
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function selfSigned(cn: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'denwa-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const transports: SipTransport[] = [];
afterEach(async () => { await Promise.all(transports.splice(0).map((t) => t.close())); });

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => undefined;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('SipUserAgent over TLS', () => {
  it('places a call with verified certificates both ways; Via and Contact say TLS; the callee hangs up', async () => {
    const ca = selfSigned('denwa-a');
    const cb = selfSigned('denwa-b');
    const ta = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...ca, ca: cb.cert });
    const tb = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...cb, ca: ca.cert });
    transports.push(ta, tb);
    const clock = new SystemClock();
    const invites: SipRequest[] = [];
    const callee = deferred<SipSession>();
    new SipUserAgent({
      clock, transports: [tb], timers: TIMERS, handler: {
        invite: (inv) => {
          invites.push(inv.request);
          inv.progress(180);
          const s = inv.accept(SDP);
          if (s !== null) callee.resolve(s);
        },
      },
    });
    const a = new SipUserAgent({ clock, transports: [ta], timers: TIMERS, handler: { invite: (inv) => { inv.reject(486, 'Busy Here'); } } });
    const answered = deferred<SipSession>();
    const uri = `sip:b@127.0.0.1:${String(tb.local.port)};transport=tls`;
    a.invite({ uri, from: '<sip:a@127.0.0.1>', to: `<${uri}>`, sdp: SDP }, { answered: (s) => { answered.resolve(s); }, failed: (s) => { throw new Error(`failed ${String(s)}`); } });
    const caller = await answered.promise;
    const ended = deferred<SessionEnd>();
    caller.events = { ended: (c) => { ended.resolve(c); } };
    expect(invites[0]?.headers.get('Via')).toMatch(/^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;/);
    expect(invites[0]?.headers.get('Contact')).toBe(`<sip:denwa@127.0.0.1:${String(ta.local.port)};transport=tls>`);
    (await callee.promise).bye();
    expect(await ended.promise).toBe('bye-received');
    expect(a.sessionCount).toBe(0);
  });
});
