import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, PUBLIC_URL, basic, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const post = (url: string, params: Record<string, string | string[]>, authorization = h.auth) =>
  h.app.inject({ method: 'POST', url, headers: { ...FORM, authorization }, payload: form(params) });
const get = (url: string, authorization = h.auth) => h.app.inject({ method: 'GET', url, headers: { authorization } });
const del = (url: string) => h.app.inject({ method: 'DELETE', url, headers: { authorization: h.auth } });
const create = (params: Record<string, string | string[]>) => post('/v1/SipTrunks', params);

const SECRET = 's3cr3t-"pass"-電話';

describe('SIP trunks', () => {
  it('creates a trunk with a TK sid and the defaults, never returning a password', async () => {
    const res = await create({ Host: 'sip.carrier.example' });
    expect(res.statusCode).toBe(201);
    const t = res.json();
    expect(t.sid).toMatch(/^TK[0-9a-f]{32}$/);
    expect(t).toEqual({
      sid: t.sid,
      account_sid: h.accountSid,
      friendly_name: '',
      host: 'sip.carrier.example',
      outbound_proxy: null,
      transport: 'udp',
      username: null,
      has_password: false,
      register: false,
      register_expires: 3600,
      codecs: ['PCMU', 'PCMA'],
      country_code: '1',
      number_format: 'e164',
      allowed_sources: [],
      srtp: 'off',
      allowed_countries: [],
      date_created: '2026-11-23T12:00:00Z',
      date_updated: '2026-11-23T12:00:00Z',
      url: `${PUBLIC_URL}/v1/SipTrunks/${t.sid}`,
      links: {},
    });
  });

  it('sets every field, normalizing case, lists and addresses', async () => {
    const res = await create({
      FriendlyName: 'NTT 光',
      Host: 'SIP.Carrier.Example:5061',
      OutboundProxy: '[2001:DB8:0:0::1]:5062',
      Transport: 'TLS',
      Username: 'denwa-user',
      Password: SECRET,
      Register: 'true',
      RegisterExpires: '600',
      Codecs: 'pcma, Opus,PCMU',
      CountryCode: '81',
      NumberFormat: 'national',
      AllowedSources: ['203.0.113.0/24, 198.51.100.7', '2001:DB8::/32'],
      Srtp: 'required',
      AllowedCountries: 'jp,US, jp',
    });
    expect(res.statusCode).toBe(201);
    const t = res.json();
    expect(t).toMatchObject({
      friendly_name: 'NTT 光',
      host: 'sip.carrier.example:5061',
      outbound_proxy: '[2001:db8::1]:5062',
      transport: 'tls',
      username: 'denwa-user',
      has_password: true,
      register: true,
      register_expires: 600,
      codecs: ['PCMA', 'opus', 'PCMU'],
      country_code: '81',
      number_format: 'national',
      allowed_sources: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'],
      srtp: 'required',
      allowed_countries: ['JP', 'US'],
    });
    expect(res.body).not.toContain('s3cr3t');
    expect(t).not.toHaveProperty('password');
    const stored = await h.store.sipTrunks.getBySid(t.sid);
    expect(stored?.password).toBe(SECRET);
  });

  it('fetches, lists, updates (only what is sent) and deletes', async () => {
    const t = (await create({ FriendlyName: 'a', Host: '192.0.2.10', Username: 'u', Password: SECRET })).json();
    expect((await get(`/v1/SipTrunks/${t.sid}`)).json()).toEqual(t);
    await h.clock.advance(1000);
    await create({ FriendlyName: 'b', Host: 'sip.b.example' });
    const list = (await get('/v1/SipTrunks?PageSize=1')).json();
    expect(list.sip_trunks.map((x: { sid: string }) => x.sid)).toEqual([t.sid]);
    expect(list.meta).toMatchObject({ key: 'sip_trunks', page: 0, page_size: 1, next_page_url: `${PUBLIC_URL}/v1/SipTrunks?PageSize=1&Page=1` });
    expect(JSON.stringify(list)).not.toContain('s3cr3t');
    await h.clock.advance(1000);
    const updated = await post(`/v1/SipTrunks/${t.sid}`, { Codecs: 'opus', AllowedSources: '' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ friendly_name: 'a', host: '192.0.2.10', username: 'u', has_password: true, codecs: ['opus'], allowed_sources: [], date_updated: '2026-11-23T12:00:02Z' });
    const cleared = (await post(`/v1/SipTrunks/${t.sid}`, { Username: '', Password: '' })).json();
    expect(cleared).toMatchObject({ username: null, has_password: false });
    expect((await del(`/v1/SipTrunks/${t.sid}`)).statusCode).toBe(204);
    const gone = await get(`/v1/SipTrunks/${t.sid}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe(20404);
  });

  it.each([
    [{}],
    [{ Host: '' }],
    [{ Host: 'sip carrier.example' }],
    [{ Host: 'sip.carrier.example:0' }],
    [{ Host: 'sip.carrier.example:65536' }],
    [{ Host: 'sip.carrier.example:50a' }],
    [{ Host: '2001:db8::1' }],
    [{ Host: '[2001:db8::zz]' }],
    [{ Host: '999.1.1.1' }],
    [{ Host: 'sip.carrier.example;transport=tcp' }],
    [{ Host: 'sip@carrier.example' }],
    [{ Host: `${'a'.repeat(64)}.example` }],
    [{ Host: 'h.example', OutboundProxy: 'sip://proxy.example' }],
    [{ Host: 'h.example', Transport: 'sctp' }],
    [{ Host: 'h.example', Username: 'user name' }],
    [{ Host: 'h.example', Username: 'a"b' }],
    [{ Host: 'h.example', Username: 'u', Password: 'line\r\nbreak' }],
    [{ Host: 'h.example', Password: 'x'.repeat(129) }],
    [{ Host: 'h.example', Register: 'yes' }],
    [{ Host: 'h.example', Register: 'true' }],
    [{ Host: 'h.example', RegisterExpires: '59' }],
    [{ Host: 'h.example', RegisterExpires: '86401' }],
    [{ Host: 'h.example', RegisterExpires: '1e3' }],
    [{ Host: 'h.example', Codecs: '' }],
    [{ Host: 'h.example', Codecs: 'PCMU,G729' }],
    [{ Host: 'h.example', CountryCode: '0' }],
    [{ Host: 'h.example', CountryCode: '8100' }],
    [{ Host: 'h.example', CountryCode: '+81' }],
    [{ Host: 'h.example', NumberFormat: 'E.164' }],
    [{ Host: 'h.example', AllowedSources: '10.0.0.0/33' }],
    [{ Host: 'h.example', AllowedSources: '10.0.0.256' }],
    [{ Host: 'h.example', AllowedSources: '2001:db8::/129' }],
    [{ Host: 'h.example', AllowedSources: 'carrier.example' }],
    [{ Host: 'h.example', AllowedSources: '10.0.0.0/8/8' }],
    [{ Host: 'h.example', AllowedSources: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`).join(',') }],
    [{ Host: 'h.example', Srtp: 'mandatory' }],
    [{ Host: 'h.example', AllowedCountries: 'JPN' }],
    [{ Host: 'h.example', AllowedCountries: 'J1' }],
    [{ Host: 'h.example', FriendlyName: 'x'.repeat(256) }],
  ])('refuses %j with 400 20001 and stores nothing', async (params) => {
    const res = await create(params);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 20001, message: expect.any(String), more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 });
    expect((await get('/v1/SipTrunks')).json().sip_trunks).toHaveLength(0);
  });

  it('never echoes a refused password', async () => {
    const res = await create({ Host: 'h.example', Password: 'hunter2\u0000' });
    expect(res.json().code).toBe(20001);
    expect(res.body).not.toContain('hunter2');
  });

  it('refuses a Password in the URL query string', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/SipTrunks?Password=hunter2', headers: { ...FORM, authorization: h.auth }, payload: form({ Host: 'h.example' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(20001);
    expect(res.body).not.toContain('hunter2');
  });

  it('refuses an update that would register without a username, and keeps the trunk', async () => {
    const t = (await create({ Host: 'h.example', Username: 'u', Register: 'true' })).json();
    const res = await post(`/v1/SipTrunks/${t.sid}`, { Username: '' });
    expect(res.json().code).toBe(20001);
    expect((await get(`/v1/SipTrunks/${t.sid}`)).json()).toMatchObject({ username: 'u', register: true });
    const bad = await post(`/v1/SipTrunks/${t.sid}`, { Host: 'not a host' });
    expect(bad.json().code).toBe(20001);
  });

  it('answers 404 20404 for unknown and malformed sids, and for another account\'s trunk', async () => {
    const other = h.ids.sid('account');
    await h.store.accounts.upsert({ sid: other, friendlyName: 'other', authToken: 'b'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
    const theirs = (await post('/v1/SipTrunks', { Host: 'h.example' }, basic(other, 'b'.repeat(32)))).json();
    for (const sid of [`TK${'0'.repeat(32)}`, 'TK1', `PN${'0'.repeat(32)}`, theirs.sid]) {
      const res = await get(`/v1/SipTrunks/${sid}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe(20404);
    }
    expect((await post(`/v1/SipTrunks/${theirs.sid}`, { Host: 'evil.example' })).json().code).toBe(20404);
    expect((await del(`/v1/SipTrunks/${theirs.sid}`)).statusCode).toBe(404);
    expect((await get('/v1/SipTrunks')).json().sip_trunks).toHaveLength(0);
  });

  it('requires credentials', async () => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/v1/SipTrunks' }),
      await h.app.inject({ method: 'POST', url: '/v1/SipTrunks', headers: FORM, payload: form({ Host: 'h.example' }) }),
      await get('/v1/SipTrunks', basic(h.accountSid, 'x'.repeat(32))),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe(20003);
    }
    expect(await h.store.sipTrunks.listAll()).toEqual([]);
  });
});
