import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const post = (url: string, params: Record<string, string>) =>
  h.app.inject({ method: 'POST', url, headers: { ...FORM, authorization: h.auth }, payload: form(params) });
const get = (url: string) => h.app.inject({ method: 'GET', url, headers: { authorization: h.auth } });

describe('Applications', () => {
  it('creates an application in Twilio shape with defaults', async () => {
    const res = await post(`${h.base}/Applications.json`, { FriendlyName: 'x', VoiceUrl: 'http://127.0.0.1:9/voice' });
    expect(res.statusCode).toBe(201);
    const app = res.json();
    expect(app.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(app).toMatchObject({
      account_sid: h.accountSid,
      api_version: '2010-04-01',
      friendly_name: 'x',
      voice_url: 'http://127.0.0.1:9/voice',
      voice_method: 'POST',
      voice_fallback_url: null,
      voice_fallback_method: 'POST',
      status_callback: null,
      status_callback_method: 'POST',
      voice_caller_id_lookup: false,
      uri: `${h.base}/Applications/${app.sid}.json`,
      date_created: 'Mon, 23 Nov 2026 12:00:00 +0000',
    });
  });

  it('reads, updates (only what is sent) and deletes', async () => {
    const created = (await post(`${h.base}/Applications.json`, { FriendlyName: 'a', VoiceUrl: 'https://example.test/v', VoiceMethod: 'get' })).json();
    const fetched = (await get(`${h.base}/Applications/${created.sid}.json`)).json();
    expect(fetched).toEqual(created);
    expect(fetched.voice_method).toBe('GET');
    await h.clock.advance(1000);
    const updated = await post(`${h.base}/Applications/${created.sid}.json`, { StatusCallback: 'https://example.test/s', VoiceFallbackUrl: 'https://example.test/f' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ friendly_name: 'a', voice_url: 'https://example.test/v', status_callback: 'https://example.test/s', voice_fallback_url: 'https://example.test/f', date_updated: 'Mon, 23 Nov 2026 12:00:01 +0000' });
    const cleared = await post(`${h.base}/Applications/${created.sid}.json`, { VoiceUrl: '' });
    expect(cleared.json().voice_url).toBeNull();
    const del = await h.app.inject({ method: 'DELETE', url: `${h.base}/Applications/${created.sid}.json`, headers: { authorization: h.auth } });
    expect(del.statusCode).toBe(204);
    const after = await get(`${h.base}/Applications/${created.sid}.json`);
    expect(after.statusCode).toBe(404);
    expect(after.json().code).toBe(20404);
  });

  it('lists with paging and the FriendlyName filter', async () => {
    for (const name of ['one', 'two', 'three']) {
      await post(`${h.base}/Applications.json`, { FriendlyName: name });
      await h.clock.advance(1000);
    }
    const page0 = (await get(`${h.base}/Applications.json?PageSize=2`)).json();
    expect(page0.applications.map((a: { friendly_name: string }) => a.friendly_name)).toEqual(['one', 'two']);
    expect(page0).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect(page0.next_page_uri).toBe(`${h.base}/Applications.json?PageSize=2&Page=1`);
    const page1 = (await get(page0.next_page_uri)).json();
    expect(page1.applications.map((a: { friendly_name: string }) => a.friendly_name)).toEqual(['three']);
    expect(page1.next_page_uri).toBeNull();
    const filtered = (await get(`${h.base}/Applications.json?FriendlyName=two`)).json();
    expect(filtered.applications).toHaveLength(1);
  });

  it.each([
    [{ VoiceUrl: 'not a url' }, 21205],
    [{ VoiceUrl: 'ftp://example.test/x' }, 21205],
    [{ VoiceUrl: '/relative' }, 21205],
    [{ StatusCallback: 'javascript:alert(1)' }, 21205],
    [{ VoiceFallbackUrl: 'http://' }, 21205],
    [{ VoiceMethod: 'PUT' }, 20001],
    [{ StatusCallbackMethod: 'DELETE' }, 20001],
    [{ VoiceCallerIdLookup: 'maybe' }, 20001],
    [{ FriendlyName: 'x'.repeat(65) }, 20001],
    [{ ApiVersion: '2008-08-01' }, 20001],
  ])('refuses %j with %i and stores nothing', async (params, code) => {
    const res = await post(`${h.base}/Applications.json`, params);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
    const list = (await get(`${h.base}/Applications.json`)).json();
    expect(list.applications).toHaveLength(0);
  });

  it('answers 404 20404 for unknown and malformed sids, and for another account\'s application', async () => {
    for (const sid of [`AP${'0'.repeat(32)}`, 'AP123', 'CA' + '0'.repeat(32), '..%2F..']) {
      const res = await get(`${h.base}/Applications/${sid}.json`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe(20404);
    }
  });

  it('refuses an update to an unknown application', async () => {
    const res = await post(`${h.base}/Applications/AP${'0'.repeat(32)}.json`, { FriendlyName: 'x' });
    expect(res.json().code).toBe(20404);
  });
});
