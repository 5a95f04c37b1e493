import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, basic, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

async function createKey(): Promise<{ sid: string; secret: string }> {
  const res = await h.app.inject({ method: 'POST', url: `${h.base}/Keys.json`, headers: { ...FORM, authorization: h.auth }, payload: form({ FriendlyName: 'k' }) });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('REST Basic auth', () => {
  it('refuses a request without credentials with 401, 20003 and a WWW-Authenticate challenge', async () => {
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect(res.json()).toEqual({ code: 20003, message: expect.stringMatching(/^Authenticate/), more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  });

  it.each([
    ['a wrong auth token', () => basic(h.accountSid, 'x'.repeat(32))],
    ['an unknown account', () => basic(`AC${'0'.repeat(32)}`, h.authToken)],
    ['a malformed header', () => 'Basic !!!'],
    ['a bearer token', () => 'Bearer abc'],
    ['no colon', () => `Basic ${Buffer.from('justuser').toString('base64')}`],
    ['an unknown API key', () => basic(`SK${'1'.repeat(32)}`, 'secret')],
  ])('refuses %s with 20003', async (_name, header) => {
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json`, headers: { authorization: header() } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(20003);
  });

  it('refuses valid credentials used on another account URL with 20003', async () => {
    const other = `AC${'a'.repeat(32)}`;
    const res = await h.app.inject({ method: 'GET', url: `/2010-04-01/Accounts/${other}/Applications.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(20003);
  });

  it('accepts an API key SID and secret', async () => {
    const key = await createKey();
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json`, headers: { authorization: basic(key.sid, key.secret) } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses an API key with the wrong secret, and a deleted key', async () => {
    const key = await createKey();
    const wrong = await h.app.inject({ method: 'GET', url: `${h.base}/Calls.json`, headers: { authorization: basic(key.sid, 'nope') } });
    expect(wrong.json().code).toBe(20003);
    await h.app.inject({ method: 'DELETE', url: `${h.base}/Keys/${key.sid}.json`, headers: { authorization: h.auth } });
    const gone = await h.app.inject({ method: 'GET', url: `${h.base}/Calls.json`, headers: { authorization: basic(key.sid, key.secret) } });
    expect(gone.json().code).toBe(20003);
  });

  it('does not let an API key manage keys or read the account (20403)', async () => {
    const key = await createKey();
    const keys = await h.app.inject({ method: 'GET', url: `${h.base}/Keys.json`, headers: { authorization: basic(key.sid, key.secret) } });
    expect(keys.statusCode).toBe(403);
    expect(keys.json().code).toBe(20403);
    const account = await h.app.inject({ method: 'GET', url: `${h.base}.json`, headers: { authorization: basic(key.sid, key.secret) } });
    expect(account.json().code).toBe(20403);
  });

  it('refuses a suspended account', async () => {
    const acc = await h.store.accounts.get(h.accountSid);
    await h.store.accounts.upsert({ ...acc!, status: 'suspended' });
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls.json`, headers: { authorization: h.auth } });
    expect(res.json().code).toBe(20003);
  });

  it('fetches the account without ever returning the auth token', async () => {
    const res = await h.app.inject({ method: 'GET', url: `${h.base}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sid: h.accountSid, status: 'active', uri: `${h.base}.json` });
    expect(res.body).not.toContain(h.authToken);
    const list = await h.app.inject({ method: 'GET', url: '/2010-04-01/Accounts.json', headers: { authorization: h.auth } });
    expect(list.json().accounts).toHaveLength(1);
  });
});
