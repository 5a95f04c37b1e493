/**
 * REST Calls.create and Calls/{Sid} update through a real CallEngine whose ports are fakes: the
 * dialed browser is a recording connection, media and webhooks answer in memory.
 */
import { VoiceError, type CallSid } from '@denwa/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallEngine, type ClientConnection, type MediaEndpoint, type MediaPort, type WebhookClient } from '../../src/calls/index.ts';
import { FORM, form, makeApp, type AppHarness } from '../harness.ts';

const endpoint = (id: string): MediaEndpoint => ({
  id, codec: null, localSdp: `sdp ${id}`, applyAnswer: () => ({ ok: true, value: undefined }), reoffer: () => ({ ok: false, error: new VoiceError(31400, 'x') }), close: () => undefined, setTap: () => undefined,
});
const media: MediaPort = {
  answer: () => ({ ok: true, value: { endpoint: endpoint('a'), sdp: 'sdp a' } }),
  offer: () => ({ endpoint: endpoint('o'), sdp: 'sdp o' }),
  rtpOffer: () => Promise.resolve({ endpoint: endpoint('r'), sdp: 'sdp r' }),
  rtpAnswer: () => Promise.resolve({ ok: true, value: { endpoint: endpoint('r'), sdp: 'sdp r' } }),
  bridge: () => ({ close: () => undefined }),
};
const webhooks: WebhookClient = {
  fetchTwiml: (req) => Promise.resolve({ ok: true, body: '<Response><Pause length="600"/></Response>', url: req.url, method: req.method, usedFallback: false }),
  sendCallback: () => Promise.resolve({ ok: true, status: 200 }),
};

let frames: string[];
let h: AppHarness;
let engine: CallEngine | undefined;

beforeEach(async () => {
  frames = [];
  h = await makeApp({
    calls: ({ store, clock, ids }) => {
      const bob: ClientConnection = {
        id: 'bob-1', identity: 'bob', get accountSid() { return h.accountSid; },
        sendRinging: () => undefined, sendAnswer: () => undefined,
        sendInvite: (sid: CallSid) => { frames.push(`invite ${sid}`); }, sendCancel: (sid: CallSid) => { frames.push(`cancel ${sid}`); }, sendFarEndSpeech: () => undefined,
        sendHangup: (sid: CallSid) => { frames.push(`hangup ${sid}`); }, sendCallMessage: () => undefined,
      };
      engine = new CallEngine({ store, webhooks, media, clients: { registered: (_a, identity) => (identity === 'bob' ? [bob] : []) }, clock, ids, log: pino({ level: 'silent' }) });
      return engine;
    },
  });
});
afterEach(async () => {
  engine?.close();
  await h.close();
});

const post = (path: string, body: Record<string, string>) =>
  h.app.inject({ method: 'POST', url: `${h.base}${path}`, headers: { ...FORM, authorization: h.auth }, payload: form(body) });

describe('Calls.create to a browser client', () => {
  it('creates an outbound-api call that rings client:bob, and a Status=canceled update cancels it', async () => {
    const res = await post('/Calls.json', { To: 'client:bob', From: '+815000000000', Url: 'https://app.test/voice', StatusCallbackEvent: 'initiated ringing' });
    expect(res.statusCode).toBe(201);
    const call = res.json<{ sid: string; direction: string; status: string; to: string }>();
    expect(call).toMatchObject({ direction: 'outbound-api', status: 'queued', to: 'client:bob' });
    expect(frames).toEqual([`invite ${call.sid}`]);
    const canceled = await post(`/Calls/${call.sid}.json`, { Status: 'canceled' });
    expect(canceled.statusCode).toBe(200);
    expect(frames).toEqual([`invite ${call.sid}`, `cancel ${call.sid}`]);
    const again = await post(`/Calls/${call.sid}.json`, { Status: 'completed' });
    expect(again.json()).toMatchObject({ code: 21220 });
  });

  it('accepts inline Twiml', async () => {
    const res = await post('/Calls.json', { To: 'client:bob', From: 'client:alice', Twiml: '<Response><Hangup/></Response>' });
    expect(res.statusCode).toBe(201);
  });

  it.each([
    [{ From: 'x', Url: 'https://a.test/' }, 21201],
    [{ To: 'client:bob', Url: 'https://a.test/' }, 21213],
    [{ To: '0312345678', From: 'x', Url: 'https://a.test/' }, 21211],
    [{ To: '+0812345678', From: 'x', Url: 'https://a.test/' }, 21211],
    [{ To: 'sip:bob@', From: 'x', Url: 'https://a.test/' }, 21211],
    [{ To: 'mailto:bob@example.com', From: 'x', Url: 'https://a.test/' }, 21211],
    [{ To: 'client:bad name!', From: 'x', Url: 'https://a.test/' }, 21211],
    [{ To: 'client:bob', From: 'x' }, 20001],
    [{ To: 'client:bob', From: 'x', Url: 'not a url' }, 21205],
    [{ To: 'client:bob', From: 'x', Url: 'https://a.test/', Timeout: '0' }, 20001],
    [{ To: 'client:bob', From: 'x', Url: 'https://a.test/', StatusCallback: 'https://a.test/cb', StatusCallbackEvent: 'exploded' }, 20001],
    [{ To: 'client:bob', From: 'x', ApplicationSid: 'AP123' }, 21218],
  ])('refuses %j with %i', async (body, code) => {
    const res = await post('/Calls.json', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code });
  });

  it('accepts a phone number (written with separators) and a SIP URI as To', async () => {
    const phone = await post('/Calls.json', { To: '+81 90-1234-5678', From: '+815000000000', Url: 'https://app.test/voice' });
    expect(phone.statusCode).toBe(201);
    expect(phone.json()).toMatchObject({ direction: 'outbound-api', status: 'queued', to: '+819012345678', from: '+815000000000' });
    const sip = await post('/Calls.json', { To: 'sip:bob@127.0.0.1:5070;transport=tcp', From: '+815000000000', Url: 'https://app.test/voice' });
    expect(sip.statusCode).toBe(201);
    expect(sip.json()).toMatchObject({ to: 'sip:bob@127.0.0.1:5070;transport=tcp' });
  });

  it('answers 20404 for an update of an unknown call', async () => {
    const res = await post(`/Calls/CA${'0'.repeat(32)}.json`, { Status: 'completed' });
    expect(res.statusCode).toBe(404);
  });
});
