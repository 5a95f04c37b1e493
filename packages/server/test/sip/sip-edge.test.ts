/**
 * The SIP edge over loopback UDP against SIP user agents playing a carrier, a stranger and a scanner:
 * who may call in (allow-list 403, unknown number 404, unusable offer 488, scanners and floods
 * dropped, nothing unauthenticated reaches the engine), and how it dials out (digest answered,
 * numbers written the trunk's way, geo permissions, no trunk).
 */
import { VoiceError, type TrunkSid } from '@denwa/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingPhoneCallRequest, PhoneDialRequest, PhoneLegEvent } from '../../src/calls/index.ts';
import { SystemClock, createLogger } from '../../src/core/index.ts';
import { SipEdge } from '../../src/sip/index.ts';
import { bindSipUdp, type SipTransport } from '../../src/sip/transport/index.ts';
import { DigestServer, SipUserAgent, type IncomingInvite, type SipUaHandler } from '../../src/sip/ua/index.ts';
import { responseTo } from '../../src/sip/transaction/index.ts';
import { createMemoryStore, type SipTrunkRecord, type Store } from '../../src/store/index.ts';
import { ACCOUNT, FakeMedia, T0, ids } from '../calls/fakes.ts';

const TIMERS = { t1: 50, t2: 400, t4: 500 };
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

class Media extends FakeMedia {
  override answer(offer: string, opts: Parameters<FakeMedia['answer']>[1]): ReturnType<FakeMedia['answer']> {
    return offer.startsWith('v=0') ? super.answer(offer, opts) : { ok: false, error: new VoiceError(31400, 'not SDP') };
  }
}

let store: Store;
let edge: SipEdge;
let media: Media;
let started: IncomingPhoneCallRequest[];
const closers: (() => Promise<void> | void)[] = [];

async function agent(handler: SipUaHandler, address = '127.0.0.1', userAgent = 'Carrier'): Promise<{ ua: SipUserAgent; transport: SipTransport }> {
  const transport = await bindSipUdp({ address, port: 0 });
  const ua = new SipUserAgent({ clock: new SystemClock(), transports: [transport], timers: TIMERS, handler, userAgent });
  closers.push(() => { ua.close(); }, () => transport.close());
  return { ua, transport };
}

function trunk(overrides: Partial<SipTrunkRecord>): SipTrunkRecord {
  return {
    sid: ids.sid('trunk'), accountSid: ACCOUNT, friendlyName: 'carrier', host: '127.0.0.1:5999', outboundProxy: null, transport: 'udp',
    username: null, password: null, register: false, registerExpires: 3600, codecs: ['PCMU', 'PCMA'], countryCode: '81', numberFormat: 'national',
    allowedSources: ['127.0.0.1'], srtp: 'off', allowedCountries: [], dateCreated: T0, dateUpdated: T0, ...overrides,
  };
}

const call = (ua: SipUserAgent, uri: string): Promise<number> => new Promise((resolve) => {
  ua.invite({ uri, from: '"YAMADA" <sip:09011112222@127.0.0.1>', to: `<${uri}>`, sdp: SDP }, { answered: (s) => { s.bye(); resolve(200); }, failed: (status) => { resolve(status); } });
});

beforeEach(async () => {
  store = createMemoryStore();
  media = new Media();
  started = [];
  await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
  edge = await SipEdge.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', store, media, clock: new SystemClock(), log: createLogger({ level: 'silent' }), timers: TIMERS, inviteRate: { rate: 2, burst: 5 } });
  edge.attach({
    incomingPhoneCall: (req) => {
      started.push(req);
      req.leg.ringing(false);
      req.leg.answer();
      return { callSid: ids.sid('call'), remoteEnded: () => undefined, digits: () => undefined, media: () => undefined };
    },
  });
  closers.push(() => edge.close());
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function withNumber(t: SipTrunkRecord): Promise<void> {
  await store.sipTrunks.insert(t);
  await store.phoneNumbers.insert({
    sid: ids.sid('phoneNumber'), accountSid: ACCOUNT, phoneNumber: '+815000000000', friendlyName: 'n', voiceUrl: 'https://app.test/voice', voiceMethod: 'POST',
    voiceFallbackUrl: null, voiceFallbackMethod: 'POST', voiceApplicationSid: null, statusCallback: null, statusCallbackMethod: 'POST', trunkSid: t.sid, virtual: false,
    dateCreated: T0, dateUpdated: T0,
  });
}

describe('SipEdge: calls coming in', () => {
  it('runs a number called from an allowed source, with E.164 caller and called numbers and the caller name', async () => {
    await withNumber(trunk({}));
    const carrier = await agent({ invite: () => undefined });
    expect(await call(carrier.ua, `sip:05000000000@127.0.0.1:${String(edge.port)}`)).toBe(200);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ from: '+819011112222', to: '+815000000000', callerName: 'YAMADA', params: { FromCountry: 'JP', ToCountry: 'JP' } });
  });

  it('refuses a source on no allow-list (403), an unknown number (404) and an unusable offer (488); none reaches the engine', async () => {
    await withNumber(trunk({}));
    const stranger = await agent({ invite: () => undefined }, '127.0.0.2');
    expect(await call(stranger.ua, `sip:+815000000000@127.0.0.1:${String(edge.port)}`)).toBe(403);
    const carrier = await agent({ invite: () => undefined });
    expect(await call(carrier.ua, `sip:+815099999999@127.0.0.1:${String(edge.port)}`)).toBe(404);
    const bad = await new Promise<number>((resolve) => {
      carrier.ua.invite({ uri: `sip:+815000000000@127.0.0.1:${String(edge.port)}`, from: '<sip:1@127.0.0.1>', to: '<sip:2@127.0.0.1>', sdp: 'garbage' }, { failed: resolve, answered: () => { resolve(200); } });
    });
    expect(bad).toBe(488);
    expect(started).toHaveLength(0);
  });

  it('drops scanners without an answer, and INVITE floods from one source beyond the rate', async () => {
    await withNumber(trunk({}));
    const scanner = await agent({ invite: () => undefined }, '127.0.0.1', 'friendly-scanner');
    expect(await call(scanner.ua, `sip:+815000000000@127.0.0.1:${String(edge.port)}`)).toBe(408);
    expect(edge.stats.scannersDropped).toBeGreaterThan(0);
    const flooder = await agent({ invite: () => undefined }, '127.0.0.3');
    const results = await Promise.all(Array.from({ length: 12 }, () => call(flooder.ua, `sip:+815000000000@127.0.0.1:${String(edge.port)}`)));
    // 127.0.0.3 is on no allow-list: the first five are refused, the rest never answered.
    expect(results.filter((r) => r === 403).length).toBeLessThanOrEqual(6);
    expect(results.filter((r) => r === 408).length).toBeGreaterThanOrEqual(6);
    expect(edge.stats.floodDropped).toBeGreaterThan(0);
    expect(started).toHaveLength(0);
  }, 15_000);
});

describe('SipEdge: dialing out', () => {
  const dial = (to: string, from = '+815000000000'): Promise<{ result: Awaited<ReturnType<SipEdge['dial']>>; events: PhoneLegEvent[] }> => {
    const events: PhoneLegEvent[] = [];
    const req: PhoneDialRequest = { accountSid: ACCOUNT, callSid: ids.sid('call'), to, from, codecs: ['PCMU'], label: 't' };
    return edge.dial(req, (e) => events.push(e), () => undefined).then((result) => ({ result, events }));
  };

  it('answers the carrier\'s 407 with the trunk credentials, writes numbers nationally, and reports the answer', async () => {
    const digest = new DigestServer({ realm: 'carrier.test', secret: new Uint8Array(32).fill(1) });
    const seen: IncomingInvite[] = [];
    const carrier = await agent({
      invite: (inv) => {
        seen.push(inv);
        const auth = inv.request.headers.get('Proxy-Authorization');
        if (auth === undefined || !digest.verify(auth, 'INVITE', Date.now(), (u) => (u === 'trunkuser' ? 'pw' : null)).ok) {
          inv.reject(407, 'Proxy Authentication Required', [['Proxy-Authenticate', digest.challenge(Date.now())]]);
          return;
        }
        inv.progress(180);
        inv.accept(SDP);
      },
    });
    await store.sipTrunks.insert(trunk({ host: `127.0.0.1:${String(carrier.transport.local.port)}`, username: 'trunkuser', password: 'pw', sid: 'TK00000000000000000000000000000001' as TrunkSid }));
    const { result, events } = await dial('+819012345678');
    expect(result.ok).toBe(true);
    const deadline = Date.now() + 3000;
    while (!events.some((e) => e.type === 'answered') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.type)).toEqual(['ringing', 'answered']);
    expect(seen[1]?.request.uri).toBe(`sip:09012345678@127.0.0.1:${String(carrier.transport.local.port)}`);
    expect(seen[1]?.request.headers.get('From')).toContain('sip:05000000000@');
    if (result.ok) result.value.hangup();
  });

  it('refuses numbers outside the geo permissions (13227), invalid numbers and no trunk (13224)', async () => {
    expect(await dial('+819012345678').then((d) => (d.result.ok ? 0 : d.result.error.code))).toBe(13224);
    await store.sipTrunks.insert(trunk({}));
    expect(await dial('+12025550100').then((d) => (d.result.ok ? 0 : d.result.error.code))).toBe(13227);
    expect(await dial('12345').then((d) => (d.result.ok ? 0 : d.result.error.code))).toBe(13224);
  });
});

describe('SipEdge: registering trunks', () => {
  it('registers a trunk that asks for it with its credentials, and removes the registration when the trunk goes', async () => {
    const digest = new DigestServer({ realm: 'carrier.test', secret: new Uint8Array(32).fill(2) });
    const seen: { expires: string; auth: boolean }[] = [];
    const registrar = await agent({
      invite: () => undefined,
      request: (request, tx) => {
        if (request.method !== 'REGISTER') return;
        const auth = request.headers.get('Authorization');
        const expires = request.headers.get('Expires') ?? '';
        seen.push({ expires, auth: auth !== undefined });
        const ok = auth !== undefined && digest.verify(auth, 'REGISTER', Date.now(), (u) => (u === 'trunkuser' ? 'pw' : null)).ok;
        const r = responseTo(request, ok ? 200 : 401, ok ? 'OK' : 'Unauthorized', 'reg');
        if (ok) r.headers.append('Contact', `${request.headers.get('Contact') ?? ''};expires=${expires}`).append('Expires', expires);
        else r.headers.append('WWW-Authenticate', digest.challenge(Date.now()));
        tx.respond(r);
      },
    });
    const t = trunk({ host: `127.0.0.1:${String(registrar.transport.local.port)}`, username: 'trunkuser', password: 'pw', register: true, registerExpires: 600 });
    await store.sipTrunks.insert(t);
    await edge.refreshTrunks();
    const deadline = Date.now() + 5000;
    while (edge.registrationStates().get(t.sid) !== 'registered' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(edge.registrationStates().get(t.sid)).toBe('registered');
    expect(seen.slice(0, 2)).toEqual([{ expires: '600', auth: false }, { expires: '600', auth: true }]);
    await store.sipTrunks.delete(ACCOUNT, t.sid);
    await edge.refreshTrunks();
    expect(edge.registrationStates().has(t.sid)).toBe(false);
    expect(seen.some((s) => s.expires === '0')).toBe(true);
  });
});

describe('SipEdge: keep-alive', () => {
  it('sends OPTIONS to every trunk and records who answers', async () => {
    const carrier = await agent({ invite: () => undefined });
    const live = trunk({ host: `127.0.0.1:${String(carrier.transport.local.port)}` });
    const silent = await bindSipUdp({ address: '127.0.0.1', port: 0 });
    closers.push(() => silent.close());
    const dead = trunk({ host: `127.0.0.1:${String(silent.local.port)}` });
    await store.sipTrunks.insert(live);
    await store.sipTrunks.insert(dead);
    await edge.refreshTrunks();
    const deadline = Date.now() + 5000;
    while (edge.trunkReachability().size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(edge.trunkReachability().get(live.sid)).toBe(200);
    expect(edge.trunkReachability().get(dead.sid)).toBe(408);
  }, 10_000);
});
