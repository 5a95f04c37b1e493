import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, PUBLIC_URL, basic, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const GUIDE_BIN =
  '<Response><Dial callerId="+815000000000" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>';

const create = (params: Record<string, string>) =>
  h.app.inject({ method: 'POST', url: '/v1/TwimlBins', headers: { ...FORM, authorization: h.auth }, payload: form(params) });

describe('TwiML Bins resource', () => {
  it('creates a bin with an EH sid and a url, then fetches, lists, updates and deletes it', async () => {
    const res = await create({ FriendlyName: 'guide', Twiml: GUIDE_BIN });
    expect(res.statusCode).toBe(201);
    const bin = res.json();
    expect(bin).toMatchObject({ friendly_name: 'guide', twiml: GUIDE_BIN, account_sid: h.accountSid, date_created: '2026-11-23T12:00:00Z' });
    expect(bin.sid).toMatch(/^EH[0-9a-f]{32}$/);
    expect(bin.url).toBe(`${PUBLIC_URL}/twiml/${bin.sid}`);
    const fetched = await h.app.inject({ method: 'GET', url: `/v1/TwimlBins/${bin.sid}`, headers: { authorization: h.auth } });
    expect(fetched.json()).toEqual(bin);
    const list = (await h.app.inject({ method: 'GET', url: '/v1/TwimlBins?PageSize=1', headers: { authorization: h.auth } })).json();
    expect(list.twiml_bins).toHaveLength(1);
    expect(list.meta).toMatchObject({ key: 'twiml_bins', page: 0, page_size: 1, next_page_url: null });
    const updated = await h.app.inject({ method: 'POST', url: `/v1/TwimlBins/${bin.sid}`, headers: { ...FORM, authorization: h.auth }, payload: form({ Twiml: '<Response><Hangup/></Response>' }) });
    expect(updated.json()).toMatchObject({ friendly_name: 'guide', twiml: '<Response><Hangup/></Response>' });
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/TwimlBins/${bin.sid}`, headers: { authorization: h.auth } });
    expect(del.statusCode).toBe(204);
    const gone = await h.app.inject({ method: 'GET', url: `/v1/TwimlBins/${bin.sid}`, headers: { authorization: h.auth } });
    expect(gone.json().code).toBe(20404);
  });

  it.each([
    ['not XML', '<Response><Dial>', 12100],
    ['another root', '<Reply><Hangup/></Reply>', 12100],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><Response/>', 12100],
    ['an unknown verb', '<Response><Dance/></Response>', 12200],
    ['a noun at the top level', '<Response><Client>bob</Client></Response>', 12200],
    ['a bad attribute value', '<Response><Dial timeout="soon"><Client>bob</Client></Dial></Response>', 12200],
  ])('refuses %s with its TwiML code and stores nothing', async (_what, twiml, code) => {
    const res = await create({ FriendlyName: 'bad', Twiml: twiml });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code, status: 400 });
    expect(res.json().message).toMatch(/line \d+/);
    const list = (await h.app.inject({ method: 'GET', url: '/v1/TwimlBins', headers: { authorization: h.auth } })).json();
    expect(list.twiml_bins).toHaveLength(0);
  });

  it('refuses an update with invalid TwiML and keeps the old document', async () => {
    const bin = (await create({ Twiml: GUIDE_BIN })).json();
    const res = await h.app.inject({ method: 'POST', url: `/v1/TwimlBins/${bin.sid}`, headers: { ...FORM, authorization: h.auth }, payload: form({ Twiml: '<Response>' }) });
    expect(res.json().code).toBe(12100);
    const kept = (await h.app.inject({ method: 'GET', url: `/v1/TwimlBins/${bin.sid}`, headers: { authorization: h.auth } })).json();
    expect(kept.twiml).toBe(GUIDE_BIN);
  });

  it('requires Twiml on create (20001)', async () => {
    const res = await create({ FriendlyName: 'empty' });
    expect(res.json().code).toBe(20001);
  });

  it('accepts {{Placeholders}} where typed values are expected', async () => {
    const res = await create({ Twiml: '<Response><Dial timeout="{{Timeout}}" callerId="{{To}}"><Client>{{Who}}</Client></Dial></Response>' });
    expect(res.statusCode).toBe(201);
  });
});

describe('TwiML Bin URL', () => {
  const TEMPLATE = '<Response><Dial callerId="{{To}}"><Client>twilio_user</Client></Dial><Say>{{From}}</Say></Response>';

  it('serves the rendered TwiML to a request signed by the account (POST)', async () => {
    const bin = (await create({ Twiml: TEMPLATE })).json();
    const params = { From: '+819012345678', To: '+815000000000', CallSid: h.ids.sid('call') };
    const signature = twilio.getExpectedTwilioSignature(h.authToken, bin.url, params);
    const res = await h.app.inject({ method: 'POST', url: `/twiml/${bin.sid}`, headers: { ...FORM, host: '127.0.0.1:3000', 'x-twilio-signature': signature }, payload: form(params) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toBe('<Response><Dial callerId="+815000000000"><Client>twilio_user</Client></Dial><Say>+819012345678</Say></Response>');
  });

  it('serves a signed GET with parameters in the query', async () => {
    const bin = (await create({ Twiml: TEMPLATE })).json();
    const url = `${bin.url}?From=alice&To=bob`;
    const signature = twilio.getExpectedTwilioSignature(h.authToken, url, {});
    const res = await h.app.inject({ method: 'GET', url: `/twiml/${bin.sid}?From=alice&To=bob`, headers: { host: '127.0.0.1:3000', 'x-twilio-signature': signature } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Say>alice</Say>');
  });

  it('serves a request with the account Basic credentials', async () => {
    const bin = (await create({ Twiml: GUIDE_BIN })).json();
    const res = await h.app.inject({ method: 'GET', url: `/twiml/${bin.sid}`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(GUIDE_BIN);
  });

  it.each([
    ['no signature', {}],
    ['a wrong signature', { 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
    ['another account', { authorization: basic(`AC${'0'.repeat(32)}`, 'x'.repeat(32)) }],
  ])('refuses a request with %s (401, 20003)', async (_what, headers) => {
    const bin = (await create({ Twiml: GUIDE_BIN })).json();
    const res = await h.app.inject({ method: 'POST', url: `/twiml/${bin.sid}`, headers: { ...FORM, host: '127.0.0.1:3000', ...headers }, payload: form({ From: 'x' }) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(20003);
  });

  it('refuses a signature computed over different parameters', async () => {
    const bin = (await create({ Twiml: TEMPLATE })).json();
    const signature = twilio.getExpectedTwilioSignature(h.authToken, bin.url, { From: 'alice' });
    const res = await h.app.inject({ method: 'POST', url: `/twiml/${bin.sid}`, headers: { ...FORM, host: '127.0.0.1:3000', 'x-twilio-signature': signature }, payload: form({ From: 'mallory' }) });
    expect(res.statusCode).toBe(401);
  });

  it('answers 20404 for an unknown bin', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/twiml/EH${'0'.repeat(32)}`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(20404);
  });
});
