import { runInNewContext } from 'node:vm';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PHONE_APP_NAME, SOUND_NAMES, phoneTwiml } from '../../src/console/index.ts';
import { twilioSignature } from '../../src/webhooks/index.ts';
import { PUBLIC_URL, basic, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

/** Frequencies present in a 16-bit mono WAV, by Goertzel power relative to the strongest probe. */
function power(wav: Buffer, hz: number): number {
  const rate = wav.readUInt32LE(24);
  const n = Math.min((wav.length - 44) / 2, rate);
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = wav.readInt16LE(44 + i * 2) / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n);
}

describe('SDK assets', () => {
  it('serves every default sound as a WAV whose tones are the ones named (DTMF 8 = 852 + 1336 Hz)', async () => {
    expect(SOUND_NAMES).toEqual(expect.arrayContaining(['incoming', 'outgoing', 'disconnect', 'dtmf0', 'dtmf9', 'dtmfs', 'dtmfh']));
    expect(SOUND_NAMES).toHaveLength(15);
    for (const name of SOUND_NAMES) {
      const res = await h.app.inject({ method: 'GET', url: `/sdk/sounds/${name}.wav` });
      expect(res.statusCode, name).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    }
    const dtmf8 = (await h.app.inject({ method: 'GET', url: '/sdk/sounds/dtmf8.wav' })).rawPayload;
    expect(power(dtmf8, 852)).toBeGreaterThan(50 * power(dtmf8, 697));
    expect(power(dtmf8, 1336)).toBeGreaterThan(50 * power(dtmf8, 1209));
    const ring = (await h.app.inject({ method: 'GET', url: '/sdk/sounds/incoming.wav' })).rawPayload;
    expect(power(ring, 440)).toBeGreaterThan(50 * power(ring, 1000));
  });

  it('refuses unknown and malformed sound names (404; 414 for a name past the router limit)', async () => {
    for (const url of ['/sdk/sounds/nope.wav', '/sdk/sounds/..%2Fetc.wav', '/sdk/sounds/incoming.mp3', '/sdk/sounds/%00.wav']) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    expect((await h.app.inject({ method: 'GET', url: `/sdk/sounds/${'a'.repeat(300)}.wav` })).statusCode).toBe(414);
  });

  it('bundles the SDK for the browser with the Denwa and Twilio globals', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/sdk/denwa.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    const kinds = runInNewContext(`${res.body};[typeof Denwa.Device, typeof Twilio.Device.setup]`, {}) as string[];
    expect(kinds).toEqual(['function', 'function']);
  }, 30_000);
});

describe('console softphone', () => {
  it('needs the account credentials for the page and the token', async () => {
    for (const url of ['/phone/', '/phone/token']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Basic');
      expect(res.json().code).toBe(20003);
      expect((await h.app.inject({ method: 'GET', url, headers: { authorization: basic(h.accountSid, 'wrong') } })).statusCode).toBe(401);
    }
    expect((await h.app.inject({ method: 'GET', url: '/phone' })).headers.location).toBe('/phone/');
  });

  it('serves the quickstart page and its script', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/phone/', headers: { authorization: h.auth } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('src="denwa.min.js"');
    const script = await h.app.inject({ method: 'GET', url: '/phone/quickstart.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('token');
  }, 30_000);

  it('mints a twilio_user token for the "Denwa phone" application, created once, and honours ?identity=', async () => {
    const get = (q = '') => h.app.inject({ method: 'GET', url: `/phone/token${q}`, headers: { authorization: h.auth } });
    const first = (await get()).json();
    expect(first.identity).toBe('twilio_user');
    const claims = decodeJwt(first.token) as { grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } } };
    expect(claims.grants.identity).toBe('twilio_user');
    expect(claims.grants.voice.incoming.allow).toBe(true);
    const apps = await h.store.applications.list(h.accountSid, { friendlyName: PHONE_APP_NAME }, { offset: 0, limit: 10 });
    expect(apps.items).toHaveLength(1);
    expect(apps.items[0]?.voiceUrl).toBe(`${PUBLIC_URL}/phone/voice`);
    expect(claims.grants.voice.outgoing.application_sid).toBe(apps.items[0]?.sid);
    const second = (await get('?identity=alice')).json();
    expect(second.identity).toBe('alice');
    expect((await h.store.applications.list(h.accountSid, {}, { offset: 0, limit: 10 })).items).toHaveLength(1);
    const bad = await get('?identity=a%20b');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe(20001);
  });

  it('answers its voice URL only when signed, with <Client> for names and <Number> for numbers', async () => {
    const post = (params: Record<string, string>, signature?: string) =>
      h.app.inject({
        method: 'POST',
        url: '/phone/voice',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
        payload: new URLSearchParams(params).toString(),
      });
    const params = { To: 'alice', From: 'client:twilio_user' };
    expect((await post(params)).statusCode).toBe(403);
    expect((await post(params, 'bad')).statusCode).toBe(403);
    const ok = await post(params, twilioSignature(h.authToken, `${PUBLIC_URL}/phone/voice`, params));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('<Dial><Client>alice</Client></Dial>');
    expect(phoneTwiml('+15551234567')).toContain('<Dial><Number>+15551234567</Number>');
    expect(phoneTwiml('+15551234567', '+815000000000')).toContain('<Dial callerId="+815000000000"><Number>+15551234567</Number>');
    expect(phoneTwiml('alice', '+815000000000')).toContain('<Dial><Client>alice</Client>');
    expect(phoneTwiml('<x>&')).toContain('<Client>&lt;x&gt;&amp;</Client>');
    expect(phoneTwiml('')).toContain('<Say>');
  });
});
