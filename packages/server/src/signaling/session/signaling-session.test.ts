import { VoiceError, sidFromHex, type AccountSid, type ApiKeySid, type ApplicationSid, type CallSid } from '@denwa/protocol';
import { ManualClock } from '@denwa/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallMessage, ClientCalls, ClientConnection, MediaResult, PlaceCallRequest, ResumeResult } from '../../calls/index.ts';
import { createLogger } from '../../core/index.ts';
import { mintAccessToken, verifyToken } from '../auth/index.ts';
import { PresenceRegistry } from './presence.ts';
import { HEARTBEAT_INTERVAL_MS, LIVENESS_TIMEOUT_MS, SignalingSession } from './signaling-session.ts';

const ACCOUNT: AccountSid = sidFromHex('account', 'a'.repeat(32));
const KEY: ApiKeySid = sidFromHex('apiKey', 'b'.repeat(32));
const SECRET = 'secretsecretsecretsecretsecret12';
const APP: ApplicationSid = sidFromHex('application', 'c'.repeat(32));
const CA: CallSid = sidFromHex('call', 'd'.repeat(32));
const T0 = 1_795_000_000_000;

class FakeCalls implements ClientCalls {
  readonly log: string[] = [];
  placed: PlaceCallRequest[] = [];
  resumeResult: MediaResult<ResumeResult> = { ok: true, value: { sdp: null, reconnect: 'r2' } };
  resumeDelay: Promise<void> = Promise.resolve();
  placeCall(req: PlaceCallRequest): CallSid {
    this.placed.push(req);
    this.log.push(`place ${JSON.stringify(req.params)}`);
    return CA;
  }
  answer(_c: ClientConnection, sid: CallSid, sdp: string): void { this.log.push(`answer ${sid} ${sdp}`); }
  reject(_c: ClientConnection, sid: CallSid): void { this.log.push(`reject ${sid}`); }
  hangup(_c: ClientConnection, sid: CallSid): void { this.log.push(`hangup ${sid}`); }
  dtmf(_c: ClientConnection, sid: CallSid, d: string): void { this.log.push(`dtmf ${sid} ${d}`); }
  reinvite(_c: ClientConnection, sid: CallSid, sdp: string): MediaResult<string> {
    this.log.push(`reinvite ${sid}`);
    return sdp === 'bad' ? { ok: false, error: new VoiceError(31400, 'bad sdp') } : { ok: true, value: 'v=0 answer' };
  }
  async resume(_c: ClientConnection, sid: CallSid, token: string): Promise<MediaResult<ResumeResult>> {
    this.log.push(`resume ${sid} ${token}`);
    await this.resumeDelay;
    return this.resumeResult;
  }
  message(_c: ClientConnection, sid: CallSid, m: CallMessage): VoiceError | null {
    this.log.push(`message ${sid} ${m.messageType}`);
    return null;
  }
  connectionLost(c: ClientConnection): void { this.log.push(`lost ${c.id}`); }
}

let clock: ManualClock;
let calls: FakeCalls;
let presence: PresenceRegistry;
let sent: unknown[];
let closed: number;
let session: SignalingSession;
let verifyGate: Promise<void>;

async function token(opts: { incoming?: boolean; outgoing?: boolean; ttlSec?: number; identity?: string } = {}): Promise<string> {
  return mintAccessToken({
    accountSid: ACCOUNT, apiKeySid: KEY, apiKeySecret: SECRET, identity: opts.identity ?? 'alice', nowSec: Math.floor(clock.now() / 1000),
    ttlSec: opts.ttlSec ?? 3600, incomingAllow: opts.incoming ?? true,
    ...(opts.outgoing === false ? {} : { outgoingApplicationSid: APP, outgoingParams: { tier: 'gold', To: 'token-to' } }),
  });
}

function frame(type: string, payload: unknown): string {
  return JSON.stringify({ type, version: '1.6', payload });
}

const types = (): string[] => sent.map((m) => (typeof m === 'string' ? m : (m as { type: string }).type));
const last = (type: string): { payload: Record<string, unknown> } | undefined =>
  sent.filter((m): m is { type: string; payload: Record<string, unknown> } => typeof m === 'object' && (m as { type: string }).type === type).at(-1);
const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve(); await new Promise((r) => setImmediate(r)); };

beforeEach(() => {
  clock = new ManualClock(T0);
  calls = new FakeCalls();
  presence = new PresenceRegistry(() => clock.now());
  sent = [];
  closed = 0;
  verifyGate = Promise.resolve();
  session = new SignalingSession(
    {
      calls, presence, clock, log: createLogger({ level: 'silent' }), region: 'denwa', edge: 'denwa', home: 'localhost:3443/insights',
      verifyToken: async (t) => {
        await verifyGate;
        return verifyToken(t, {
          now: () => clock.now(),
          findAccount: () => Promise.resolve({ sid: ACCOUNT, authToken: 'x'.repeat(32), status: 'active' }),
          findApiKey: () => Promise.resolve({ sid: KEY, secret: SECRET }),
        });
      },
    },
    { send: (t) => { sent.push(t === '\n' ? t : JSON.parse(t)); }, close: () => { closed++; } },
  );
});

async function listen(t?: string, reconnectTimeout?: number): Promise<void> {
  session.receive(frame('listen', { token: t ?? (await token()), ...(reconnectTimeout === undefined ? {} : { reconnectTimeout }) }));
  await settle();
}

describe('SignalingSession', () => {
  it('answers listen with connected (identity, ttl, home) and register with ready; presence follows', async () => {
    await listen();
    expect(last('connected')?.payload).toEqual({ region: 'denwa', edge: 'denwa', home: 'localhost:3443/insights', token: { identity: 'alice', ttl: 3600 } });
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    expect(types()).toEqual(['connected', 'ready']);
    expect(presence.registered(ACCOUNT, 'alice')).toEqual([session]);
    session.receive(frame('register', { media: { audio: false } }));
    await settle();
    expect(types().at(-1)).toBe('offline');
    expect(presence.registered(ACCOUNT, 'alice')).toEqual([]);
  });

  it('processes frames strictly in order: a register right behind a slow listen sees connected first', async () => {
    let release: () => void = () => undefined;
    verifyGate = new Promise((r) => { release = r; });
    session.receive(frame('listen', { token: await token() }));
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    expect(types()).toEqual([]);
    release();
    await settle();
    expect(types()).toEqual(['connected', 'ready']);
  });

  it('refuses a bad token with error then close, and closes the socket', async () => {
    await listen('not.a.jwt');
    expect(types()).toEqual(['error', 'close']);
    expect((last('error')?.payload['error'] as { code: number }).code).toBe(31204);
    expect(closed).toBe(1);
  });

  it('refuses registration without the incoming grant with error then offline', async () => {
    await listen(await token({ incoming: false }));
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    expect(types()).toEqual(['connected', 'error', 'offline']);
    expect(presence.size).toBe(0);
  });

  it('refuses messages before listen without disturbing a later listen', async () => {
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    expect(types()).toEqual(['error']);
    await listen();
    expect(types()).toEqual(['error', 'connected']);
  });

  it('places a call with the token params overridden by the invite params, maps TJS to CA for a hangup', async () => {
    await listen();
    session.receive(frame('invite', { callsid: 'TJSabc', sdp: 'v=0 offer', twilio: { params: 'To=bob&note=hello%20world' } }));
    session.receive(frame('hangup', { callsid: 'TJSabc' }));
    await settle();
    expect(calls.placed[0]?.params).toEqual({ tier: 'gold', To: 'bob', note: 'hello world' });
    expect(calls.placed[0]?.applicationSid).toBe(APP);
    expect(calls.log.at(-1)).toBe(`hangup ${CA}`);
  });

  it('hangs up an invite without the outgoing grant and one with malformed params', async () => {
    await listen(await token({ outgoing: false }));
    session.receive(frame('invite', { callsid: 'TJS1', sdp: 'v=0', twilio: {} }));
    await settle();
    expect(last('hangup')?.payload).toMatchObject({ callsid: 'TJS1', error: { code: 31201 } });
    expect(calls.placed).toHaveLength(0);
  });

  it('answers a resume invite with the new reconnect token, or hangs up with the engine error', async () => {
    await listen();
    session.receive(frame('invite', { callsid: CA, sdp: 'v=0', reconnect: 'r1', twilio: {} }));
    await settle();
    expect(last('answer')?.payload).toEqual({ callsid: CA, reconnect: 'r2' });
    calls.resumeResult = { ok: false, error: new VoiceError(31107, 'unknown token') };
    session.receive(frame('invite', { callsid: CA, sdp: 'v=0', reconnect: 'zz', twilio: {} }));
    await settle();
    expect(last('hangup')?.payload).toMatchObject({ callsid: CA, error: { code: 31107 } });
  });

  it('routes answer, reject, dtmf, reinvite and message; acks messages and refuses bad message types', async () => {
    await listen();
    session.receive(frame('answer', { callsid: CA, sdp: 'v=0 a' }));
    session.receive(frame('reject', { callsid: CA }));
    session.receive(frame('dtmf', { callsid: CA, dtmf: '12#' }));
    session.receive(frame('reinvite', { callsid: CA, sdp: 'v=0 restart' }));
    session.receive(frame('reinvite', { callsid: CA, sdp: 'bad' }));
    session.receive(frame('message', { callsid: CA, content: { a: 1 }, contenttype: 'application/json', messagetype: 'user-defined-message', voiceeventsid: `KX${'e'.repeat(32)}` }));
    session.receive(frame('message', { callsid: CA, content: {}, messagetype: 'nope', voiceeventsid: `KX${'f'.repeat(32)}` }));
    await settle();
    expect(calls.log).toEqual([`answer ${CA} v=0 a`, `reject ${CA}`, `dtmf ${CA} 12#`, `reinvite ${CA}`, `reinvite ${CA}`, `message ${CA} user-defined-message`]);
    expect(types().slice(1)).toEqual(['answer', 'hangup', 'ack', 'error']);
    expect(last('error')?.payload).toMatchObject({ callsid: CA, voiceeventsid: `KX${'f'.repeat(32)}`, error: { code: 31210 } });
  });

  it('sends heartbeats and closes a silent socket', async () => {
    await listen();
    await clock.advance(HEARTBEAT_INTERVAL_MS);
    expect(sent.filter((m) => m === '\n')).toHaveLength(1);
    session.receive('\n');
    await clock.advance(LIVENESS_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS);
    expect(closed).toBe(1);
  });

  it('keeps presence and calls for the announced reconnectTimeout after the socket closes', async () => {
    await listen(undefined, 30);
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    session.socketClosed();
    await clock.advance(29_000);
    expect(presence.size).toBe(1);
    expect(calls.log).toEqual([]);
    await clock.advance(1_000);
    expect(presence.size).toBe(0);
    expect(calls.log).toEqual([`lost ${session.id}`]);
  });

  it('reports an expired token with error 31205 and offline, and drops presence', async () => {
    await listen(await token({ ttlSec: 60 }));
    session.receive(frame('register', { media: { audio: true } }));
    await settle();
    await clock.advance(60_000);
    expect(types().slice(-2)).toEqual(['error', 'offline']);
    expect((last('error')?.payload['error'] as { code: number }).code).toBe(31205);
    expect(presence.size).toBe(0);
  });

  it('survives seeded random and mutated frames, answering errors, and still works afterwards', async () => {
    let seed = 42;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const valid = [
      frame('listen', { token: 'x' }), frame('register', { media: { audio: true } }), frame('invite', { callsid: 'TJS1', sdp: 'v=0', twilio: { params: 'a=b' } }),
      frame('hangup', { callsid: CA }), frame('message', { callsid: CA, content: 1, messagetype: 'user-defined-message', voiceeventsid: 'KX1' }),
    ];
    const alphabet = '{}[]":,\\ \n\t0123456789abcdefnulltrue\u0000\u00ff\ud83d';
    for (let i = 0; i < 1500; i++) {
      const base = valid[rnd(valid.length)] ?? '';
      let text: string;
      if (i % 3 === 0) text = Array.from({ length: rnd(80) }, () => alphabet[rnd(alphabet.length)]).join('');
      else {
        const chars = Array.from(base);
        for (let k = 0; k < 1 + rnd(4); k++) chars[rnd(chars.length)] = alphabet[rnd(alphabet.length)] ?? '';
        text = chars.join('');
      }
      session.receive(text);
      if (i % 50 === 0) await settle();
    }
    await settle();
    sent.length = 0;
    closed = 0;
    // A fresh session on the same deps still works end to end (the fuzzed one may have been closed by a bad listen).
    await listen();
    expect(types()).toContain('connected');
  });
});
