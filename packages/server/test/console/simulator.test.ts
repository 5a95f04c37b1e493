/**
 * The console's phone simulator (`/simulator/`: page, script, token for `sim_<digits>`) and the
 * first-start provisioning of the hands-on guide's TwiML Bin and virtual number.
 */
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhoneNumberRecord } from '../../src/store/index.ts';
import { GUIDE_BIN_NAME, GUIDE_BIN_TWIML, PHONE_APP_NAME, VIRTUAL_NUMBER, VIRTUAL_NUMBER_NAME, ensureVirtualNumber } from '../../src/console/index.ts';
import { PUBLIC_URL, basic, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const get = (url: string, auth = true) => h.app.inject({ method: 'GET', url, headers: auth ? { authorization: h.auth } : {} });

describe('console phone simulator', () => {
  it('needs the account credentials for the page and the token', async () => {
    for (const url of ['/simulator/', '/simulator/token']) {
      const res = await get(url, false);
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Basic');
      expect((await h.app.inject({ method: 'GET', url, headers: { authorization: basic(h.accountSid, 'wrong') } })).statusCode).toBe(401);
    }
    expect((await get('/simulator', false)).headers.location).toBe('/simulator/');
  });

  it('serves the page on Denwa\'s SDK bundle and its script', async () => {
    const page = await get('/simulator/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('src="/sdk/denwa.min.js"');
    expect(page.body).toContain('src="simulator.js"');
    const script = await get('/simulator/simulator.js', false);
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('token');
  }, 30_000);

  it('mints a token for sim_<digits> with incoming calls and the console\'s outgoing application', async () => {
    const res = await get('/simulator/token');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ number: string; identity: string; token: string }>();
    expect(body).toMatchObject({ number: '+819000000001', identity: 'sim_819000000001' });
    const app = (await h.store.applications.list(h.accountSid, { friendlyName: PHONE_APP_NAME }, { offset: 0, limit: 1 })).items[0];
    expect(app?.voiceUrl).toBe(`${PUBLIC_URL}/phone/voice`);
    expect(decodeJwt(body.token)).toMatchObject({
      sub: h.accountSid,
      grants: { identity: 'sim_819000000001', voice: { incoming: { allow: true }, outgoing: { application_sid: app?.sid } } },
    });
    const other = (await get(`/simulator/token?number=${encodeURIComponent('+81 90-1111-2222')}`)).json<{ identity: string }>();
    expect(other.identity).toBe('sim_819011112222');
  });

  it.each(['alice', '0901112222', '+0123456789', '+1234'])('refuses the number %s (20001)', async (number) => {
    const res = await get(`/simulator/token?number=${encodeURIComponent(number)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 20001 });
  });

  it('is linked from the status page', async () => {
    expect((await get('/', false)).body).toContain(`${PUBLIC_URL}/simulator/`);
  });
});

describe('the virtual number on first start', () => {
  const ensure = (publicUrl = PUBLIC_URL) => ensureVirtualNumber(h.store, h.accountSid, publicUrl, h.ids, h.clock);
  const numbers = async (): Promise<readonly PhoneNumberRecord[]> => (await h.store.phoneNumbers.list(h.accountSid, {}, { offset: 0, limit: 50 })).items;

  it('makes the guide\'s bin and the virtual number once, and keeps them on later starts', async () => {
    const first = await ensure();
    if (first.kind !== 'created') throw new Error(first.kind);
    expect(first.bin).toMatchObject({ friendlyName: GUIDE_BIN_NAME, twiml: GUIDE_BIN_TWIML });
    expect(GUIDE_BIN_TWIML).toBe('<Response><Dial callerId="+815000000000" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>');
    expect(first.number).toMatchObject({
      phoneNumber: VIRTUAL_NUMBER, friendlyName: VIRTUAL_NUMBER_NAME, virtual: true, voiceMethod: 'POST', trunkSid: null,
      voiceUrl: `${PUBLIC_URL}/twiml/${first.bin.sid}`,
    });
    expect((await ensure()).kind).toBe('existing');
    expect(await numbers()).toHaveLength(1);
    expect((await h.store.twimlBins.list(h.accountSid, { offset: 0, limit: 50 })).items).toHaveLength(1);
    // The bin answers with the guide's TwiML through its URL (HTTP Basic is accepted, like a signature).
    const served = await h.app.inject({ method: 'GET', url: `/twiml/${first.bin.sid}`, headers: { authorization: h.auth } });
    expect(served.body).toBe(GUIDE_BIN_TWIML);
  });

  it('follows the public URL across starts', async () => {
    const first = await ensure();
    if (first.kind !== 'created') throw new Error(first.kind);
    const moved = await ensure('http://127.0.0.1:4000');
    expect(moved.kind === 'existing' ? moved.number.voiceUrl : null).toBe(`http://127.0.0.1:4000/twiml/${first.bin.sid}`);
  });

  it('is not made again once deleted while the account has other numbers; with no number left it is', async () => {
    const first = await ensure();
    if (first.kind !== 'created') throw new Error(first.kind);
    const now = h.clock.now();
    const other: PhoneNumberRecord = { ...first.number, sid: h.ids.sid('phoneNumber'), phoneNumber: '+815012345678', friendlyName: 'mine', virtual: false, dateCreated: now, dateUpdated: now };
    await h.store.phoneNumbers.insert(other);
    await h.store.phoneNumbers.delete(h.accountSid, first.number.sid);
    expect((await ensure()).kind).toBe('none');
    expect((await numbers()).map((n) => n.phoneNumber)).toEqual(['+815012345678']);
    await h.store.phoneNumbers.delete(h.accountSid, other.sid);
    const again = await ensure();
    expect(again.kind).toBe('created');
    // The bin is reused, not duplicated.
    expect((await h.store.twimlBins.list(h.accountSid, { offset: 0, limit: 50 })).items).toHaveLength(1);
  });

  it('leaves an account that already has numbers alone', async () => {
    const now = h.clock.now();
    await h.store.phoneNumbers.insert({
      sid: h.ids.sid('phoneNumber'), accountSid: h.accountSid, phoneNumber: '+815012345678', friendlyName: 'mine', voiceUrl: null, voiceMethod: 'POST',
      voiceFallbackUrl: null, voiceFallbackMethod: 'POST', voiceApplicationSid: null, statusCallback: null, statusCallbackMethod: 'POST',
      trunkSid: null, virtual: false, dateCreated: now, dateUpdated: now,
    });
    expect((await ensure()).kind).toBe('none');
    expect(await numbers()).toHaveLength(1);
  });
});
