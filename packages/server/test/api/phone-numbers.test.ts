import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, PUBLIC_URL, basic, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const post = (url: string, params: Record<string, string>, authorization = h.auth) =>
  h.app.inject({ method: 'POST', url, headers: { ...FORM, authorization }, payload: form(params) });
const get = (url: string, authorization = h.auth) => h.app.inject({ method: 'GET', url, headers: { authorization } });
const del = (url: string) => h.app.inject({ method: 'DELETE', url, headers: { authorization: h.auth } });
const numbers = () => `${h.base}/IncomingPhoneNumbers.json`;
const numberUrl = (sid: string) => `${h.base}/IncomingPhoneNumbers/${sid}.json`;

async function createTrunk(): Promise<string> {
  const res = await post('/v1/SipTrunks', { Host: 'sip.carrier.example' });
  expect(res.statusCode).toBe(201);
  return res.json<{ sid: string }>().sid;
}

describe('IncomingPhoneNumbers', () => {
  it('creates a number in Twilio shape with defaults', async () => {
    const res = await post(numbers(), { PhoneNumber: '+14155551234', VoiceUrl: 'https://example.test/voice' });
    expect(res.statusCode).toBe(201);
    const n = res.json();
    expect(n.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(n).toEqual({
      account_sid: h.accountSid,
      address_requirements: 'none',
      address_sid: null,
      api_version: '2010-04-01',
      beta: false,
      bundle_sid: null,
      capabilities: { fax: false, mms: false, sms: false, voice: true },
      date_created: 'Mon, 23 Nov 2026 12:00:00 +0000',
      date_updated: 'Mon, 23 Nov 2026 12:00:00 +0000',
      emergency_address_sid: null,
      emergency_address_status: 'unregistered',
      emergency_status: 'Inactive',
      friendly_name: '(415) 555-1234',
      identity_sid: null,
      origin: 'denwa',
      phone_number: '+14155551234',
      sid: n.sid,
      sms_application_sid: null,
      sms_fallback_method: 'POST',
      sms_fallback_url: null,
      sms_method: 'POST',
      sms_url: null,
      status: 'in-use',
      status_callback: null,
      status_callback_method: 'POST',
      subresource_uris: { assigned_add_ons: `${h.base}/IncomingPhoneNumbers/${n.sid}/AssignedAddOns.json` },
      trunk_sid: null,
      uri: `${h.base}/IncomingPhoneNumbers/${n.sid}.json`,
      virtual: false,
      voice_application_sid: null,
      voice_caller_id_lookup: false,
      voice_fallback_method: 'POST',
      voice_fallback_url: null,
      voice_method: 'POST',
      voice_receive_mode: 'voice',
      voice_url: 'https://example.test/voice',
    });
  });

  it('names a non-North-American number by its E.164 text, and keeps a given name', async () => {
    expect((await post(numbers(), { PhoneNumber: '+815012345678' })).json().friendly_name).toBe('+815012345678');
    expect((await post(numbers(), { PhoneNumber: '+12025550100', FriendlyName: '本社 📞' })).json().friendly_name).toBe('本社 📞');
  });

  it('sets every field: an application, a trunk, methods, callbacks and Virtual', async () => {
    const app = (await post(`${h.base}/Applications.json`, { FriendlyName: 'ivr' })).json();
    const trunk = await createTrunk();
    const res = await post(numbers(), {
      PhoneNumber: '+815012345678',
      VoiceUrl: 'https://example.test/v',
      VoiceMethod: 'get',
      VoiceFallbackUrl: 'https://example.test/f',
      VoiceFallbackMethod: 'GET',
      VoiceApplicationSid: app.sid,
      StatusCallback: 'https://example.test/s',
      StatusCallbackMethod: 'GET',
      TrunkSid: trunk,
      Virtual: 'true',
      ApiVersion: '2010-04-01',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      voice_url: 'https://example.test/v',
      voice_method: 'GET',
      voice_fallback_url: 'https://example.test/f',
      voice_fallback_method: 'GET',
      voice_application_sid: app.sid,
      status_callback: 'https://example.test/s',
      status_callback_method: 'GET',
      trunk_sid: trunk,
      virtual: true,
    });
  });

  it('accepts a TwiML Bin URL as the VoiceUrl ("a call comes in" → bin)', async () => {
    const bin = (await post('/v1/TwimlBins', { Twiml: '<Response><Hangup/></Response>' })).json();
    expect(bin.url).toBe(`${PUBLIC_URL}/twiml/${bin.sid}`);
    const res = await post(numbers(), { PhoneNumber: '+815012345678', VoiceUrl: bin.url });
    expect(res.statusCode).toBe(201);
    expect(res.json().voice_url).toBe(bin.url);
  });

  it('reads, updates (only what is sent, never the number) and deletes', async () => {
    const created = (await post(numbers(), { PhoneNumber: '+815012345678', VoiceUrl: 'https://example.test/v' })).json();
    expect((await get(numberUrl(created.sid))).json()).toEqual(created);
    const trunk = await createTrunk();
    await h.clock.advance(1000);
    const updated = await post(numberUrl(created.sid), { StatusCallback: 'https://example.test/s', TrunkSid: trunk, PhoneNumber: '+815099999999', Virtual: 'true' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      phone_number: '+815012345678',
      voice_url: 'https://example.test/v',
      status_callback: 'https://example.test/s',
      trunk_sid: trunk,
      virtual: true,
      date_created: 'Mon, 23 Nov 2026 12:00:00 +0000',
      date_updated: 'Mon, 23 Nov 2026 12:00:01 +0000',
    });
    const cleared = (await post(numberUrl(created.sid), { VoiceUrl: '', TrunkSid: '' })).json();
    expect(cleared).toMatchObject({ voice_url: null, trunk_sid: null, status_callback: 'https://example.test/s' });
    expect((await del(numberUrl(created.sid))).statusCode).toBe(204);
    const after = await get(numberUrl(created.sid));
    expect(after.statusCode).toBe(404);
    expect(after.json().code).toBe(20404);
    expect((await del(numberUrl(created.sid))).statusCode).toBe(404);
  });

  it('lists oldest first with paging and the PhoneNumber and FriendlyName filters', async () => {
    for (const number of ['+14155551234', '+14155559876', '+815012345678']) {
      await post(numbers(), { PhoneNumber: number });
      await h.clock.advance(1000);
    }
    const page0 = (await get(`${numbers()}?PageSize=2`)).json();
    expect(page0.incoming_phone_numbers.map((n: { phone_number: string }) => n.phone_number)).toEqual(['+14155551234', '+14155559876']);
    expect(page0).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect(page0.next_page_uri).toBe(`${numbers()}?PageSize=2&Page=1`);
    const page1 = (await get(page0.next_page_uri)).json();
    expect(page1.incoming_phone_numbers.map((n: { phone_number: string }) => n.phone_number)).toEqual(['+815012345678']);
    expect(page1.next_page_uri).toBeNull();
    const phoneNumbersOf = async (query: string): Promise<string[]> => {
      const list = (await get(`${numbers()}?${query}`)).json<{ incoming_phone_numbers: { phone_number: string }[] }>();
      return list.incoming_phone_numbers.map((n) => n.phone_number);
    };
    expect(await phoneNumbersOf(`PhoneNumber=${encodeURIComponent('+14155551234')}`)).toEqual(['+14155551234']);
    expect(await phoneNumbersOf('PhoneNumber=1415555')).toEqual(['+14155551234', '+14155559876']);
    expect(await phoneNumbersOf(`PhoneNumber=${encodeURIComponent('+8150********')}`)).toEqual(['+815012345678']);
    expect(await phoneNumbersOf(`FriendlyName=${encodeURIComponent('(415) 555-9876')}`)).toEqual(['+14155559876']);
    const filtered = (await get(`${numbers()}?PhoneNumber=1415&PageSize=1`)).json();
    expect(filtered.next_page_uri).toBe(`${numbers()}?PhoneNumber=1415&PageSize=1&Page=1`);
  });

  it('refuses a number already in use, in this or another account, with 400 21422', async () => {
    await post(numbers(), { PhoneNumber: '+815012345678' });
    const again = await post(numbers(), { PhoneNumber: '+815012345678', FriendlyName: 'again' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 21422, status: 400, more_info: 'https://www.twilio.com/docs/errors/21422' });
    const other = h.ids.sid('account');
    await h.store.accounts.upsert({ sid: other, friendlyName: 'other', authToken: 'b'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
    const theirs = await post(`/2010-04-01/Accounts/${other}/IncomingPhoneNumbers.json`, { PhoneNumber: '+815012345678' }, basic(other, 'b'.repeat(32)));
    expect(theirs.json().code).toBe(21422);
    expect((await get(numbers())).json().incoming_phone_numbers).toHaveLength(1);
  });

  it.each([
    [{}, 20001],
    [{ PhoneNumber: '' }, 20001],
    [{ AreaCode: '415' }, 20001],
    [{ PhoneNumber: '14155551234' }, 21421],
    [{ PhoneNumber: '+1415555' }, 21421],
    [{ PhoneNumber: '+1234567890123456' }, 21421],
    [{ PhoneNumber: '+0815012345678' }, 21421],
    [{ PhoneNumber: '+81 50 1234 5678' }, 21421],
    [{ PhoneNumber: 'client:alice' }, 21421],
    [{ PhoneNumber: '+815012345678', VoiceUrl: 'not a url' }, 21205],
    [{ PhoneNumber: '+815012345678', StatusCallback: 'javascript:alert(1)' }, 21205],
    [{ PhoneNumber: '+815012345678', VoiceMethod: 'PUT' }, 20001],
    [{ PhoneNumber: '+815012345678', Virtual: 'yes' }, 20001],
    [{ PhoneNumber: '+815012345678', FriendlyName: 'x'.repeat(65) }, 20001],
    [{ PhoneNumber: '+815012345678', ApiVersion: '2008-08-01' }, 20001],
    [{ PhoneNumber: '+815012345678', VoiceApplicationSid: 'AP123' }, 21218],
    [{ PhoneNumber: '+815012345678', VoiceApplicationSid: `AP${'0'.repeat(32)}` }, 21218],
    [{ PhoneNumber: '+815012345678', TrunkSid: `TK${'0'.repeat(32)}` }, 20001],
    [{ PhoneNumber: '+815012345678', TrunkSid: 'not-a-trunk' }, 20001],
  ])('refuses %j with %i and stores nothing', async (params, code) => {
    const res = await post(numbers(), params);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
    expect((await get(numbers())).json().incoming_phone_numbers).toHaveLength(0);
  });

  it('refuses a list filter with other characters than digits, + and *', async () => {
    const res = await get(`${numbers()}?PhoneNumber=${encodeURIComponent('%_')}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(20001);
  });

  it('refuses an application or trunk of another account', async () => {
    const other = h.ids.sid('account');
    await h.store.accounts.upsert({ sid: other, friendlyName: 'other', authToken: 'b'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
    const theirApp = (await post(`/2010-04-01/Accounts/${other}/Applications.json`, { FriendlyName: 'x' }, basic(other, 'b'.repeat(32)))).json();
    const theirTrunk = (await post('/v1/SipTrunks', { Host: 'sip.other.example' }, basic(other, 'b'.repeat(32)))).json();
    expect((await post(numbers(), { PhoneNumber: '+815012345678', VoiceApplicationSid: theirApp.sid })).json().code).toBe(21218);
    expect((await post(numbers(), { PhoneNumber: '+815012345678', TrunkSid: theirTrunk.sid })).json().code).toBe(20001);
  });

  it('unbinds numbers when their trunk or application is deleted', async () => {
    const app = (await post(`${h.base}/Applications.json`, { FriendlyName: 'ivr' })).json();
    const trunk = await createTrunk();
    const n = (await post(numbers(), { PhoneNumber: '+815012345678', TrunkSid: trunk, VoiceApplicationSid: app.sid })).json();
    expect((await del(`/v1/SipTrunks/${trunk}`)).statusCode).toBe(204);
    expect((await del(`${h.base}/Applications/${app.sid}.json`)).statusCode).toBe(204);
    expect((await get(numberUrl(n.sid))).json()).toMatchObject({ trunk_sid: null, voice_application_sid: null, phone_number: '+815012345678' });
  });

  it('answers 404 20404 for unknown and malformed sids, and for another account\'s number', async () => {
    const other = h.ids.sid('account');
    await h.store.accounts.upsert({ sid: other, friendlyName: 'other', authToken: 'b'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
    const theirs = (await post(`/2010-04-01/Accounts/${other}/IncomingPhoneNumbers.json`, { PhoneNumber: '+815012345678' }, basic(other, 'b'.repeat(32)))).json();
    for (const sid of [`PN${'0'.repeat(32)}`, 'PN123', `TK${'0'.repeat(32)}`, '..%2F..', theirs.sid, 'Local']) {
      const res = await get(numberUrl(sid));
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe(20404);
    }
    expect((await post(numberUrl(theirs.sid), { FriendlyName: 'mine' })).json().code).toBe(20404);
    expect((await del(numberUrl(theirs.sid))).statusCode).toBe(404);
  });

  it('requires credentials of the account', async () => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: numbers() }),
      await h.app.inject({ method: 'POST', url: numbers(), headers: FORM, payload: form({ PhoneNumber: '+815012345678' }) }),
      await get(numbers(), basic(h.accountSid, 'x'.repeat(32))),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe(20003);
    }
    expect(await h.store.phoneNumbers.getByNumber('+815012345678')).toBeNull();
  });
});
