import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import twilio from 'twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type QuickstartConfig } from '../src/config.ts';
import { startQuickstart, type Quickstart } from '../src/server.ts';
import { accessToken, voiceTwiml } from '../src/voice.ts';

const SID = `AC${'0'.repeat(32)}`;
const TOKEN = 'QuickstartAuthToken0123456789abc';

describe('voice URL TwiML', () => {
  it('dials a number with the caller ID, a client by name, and says thanks without To', () => {
    expect(voiceTwiml('+15551234567', '+15005550006')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+15005550006"><Number>+15551234567</Number></Dial></Response>');
    expect(voiceTwiml('twilio_user', '+15005550006')).toContain('<Client>twilio_user</Client>');
    expect(voiceTwiml(undefined, '+1')).toContain('<Say>Thanks for calling!</Say>');
  });
});

describe('config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickstart-config-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('reads Denwa credentials from the data dir with zero configuration', () => {
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ accountSid: SID, authToken: TOKEN }));
    const config = loadConfig({ DENWA_DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3100, identity: 'twilio_user', backend: { mode: 'denwa', accountSid: SID, authToken: TOKEN, denwaUrl: 'http://127.0.0.1:3000', chunderw: '127.0.0.1:3443' } });
  });

  it('uses Twilio when all five TWILIO_* variables are set, and refuses a partial set', () => {
    const env = { TWILIO_ACCOUNT_SID: SID, TWILIO_API_KEY: 'SK1', TWILIO_API_SECRET: 's', TWILIO_TWIML_APP_SID: 'AP1', TWILIO_CALLER_ID: '+815012345678' };
    expect(loadConfig(env).backend.mode).toBe('twilio');
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: SID })).toThrow(/missing: TWILIO_API_KEY/);
    expect(() => loadConfig({ DENWA_DATA_DIR: join(dir, 'nowhere') })).toThrow(/start Denwa first/);
  });
});

describe('server', () => {
  const config: QuickstartConfig = { port: 0, host: '127.0.0.1', identity: 'twilio_user', backend: { mode: 'denwa', accountSid: SID, authToken: TOKEN, denwaUrl: 'http://127.0.0.1:1', chunderw: 'denwa.test:3443', callerId: '+15005550006' } };
  let server: Quickstart | undefined;
  afterAll(async () => { await server?.close(); });

  it('mints Access Tokens for the identity asked for, and answers a signed voice request', async () => {
    server = await startQuickstart(config, { apiKey: `SK${'1'.repeat(32)}`, apiSecret: 'secret', twimlAppSid: `AP${'2'.repeat(32)}` }, (port) => `http://127.0.0.1:${String(port)}`);
    const token = (await (await fetch(`${server.url}/token?identity=alice`)).json()) as { identity: string; token: string; device: object };
    expect(token.identity).toBe('alice');
    expect(token.device).toEqual({ chunderw: 'denwa.test:3443' });
    const claims = decodeJwt(token.token) as { grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } } };
    expect(claims.grants.identity).toBe('alice');
    expect(claims.grants.voice).toMatchObject({ incoming: { allow: true }, outgoing: { application_sid: `AP${'2'.repeat(32)}` } });
    expect((await fetch(`${server.url}/token?identity=bad%20name`)).status).toBe(400);
    expect((await (await fetch(`${server.url}/token`)).json() as { identity: string }).identity).toBe('twilio_user');
    expect([200, 503]).toContain((await fetch(`${server.url}/denwa.min.js`)).status); // 503 until npm run build:sdk
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<script src="denwa.min.js">');

    const params = { To: 'bob', From: 'client:alice' };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, `${server.url}/voice`, params);
    const signed = await fetch(`${server.url}/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('<Client>bob</Client>');
    const forged = await fetch(`${server.url}/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: 'To=%2B15550000000' });
    expect(forged.status).toBe(403);
  });
});

describe('accessToken', () => {
  it('carries the identity and the voice grant', () => {
    const jwt = accessToken({ accountSid: SID, apiKey: `SK${'1'.repeat(32)}`, apiSecret: 's', twimlAppSid: `AP${'2'.repeat(32)}`, identity: 'twilio_user', ttlSec: 600 });
    const claims = decodeJwt(jwt);
    expect(claims['iss']).toBe(`SK${'1'.repeat(32)}`);
    expect(claims['sub']).toBe(SID);
  });
});
