import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

describe('HTTP edge errors', () => {
  it('answers unknown routes with Twilio error JSON 20404', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/2010-04-01/Nope.json' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 20404, message: expect.any(String), more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
  });

  it('refuses an unsupported content type with 415 and code 20001', async () => {
    const res = await h.app.inject({ method: 'POST', url: `${h.base}/Applications.json`, headers: { 'content-type': 'application/x-bogus', authorization: h.auth }, payload: 'x' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe(20001);
  });

  it('refuses a body over 1 MiB with 413 and code 20001', async () => {
    const res = await h.app.inject({ method: 'POST', url: `${h.base}/Applications.json`, headers: { ...FORM, authorization: h.auth }, payload: `FriendlyName=${'x'.repeat(1024 * 1024 + 10)}` });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe(20001);
  });

  it('refuses malformed JSON with 400 and code 20001', async () => {
    const res = await h.app.inject({ method: 'POST', url: `${h.base}/Applications.json`, headers: { 'content-type': 'application/json', authorization: h.auth }, payload: '{"FriendlyName":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(20001);
  });

  it('refuses JSON values that are not strings with 20001', async () => {
    const res = await h.app.inject({ method: 'POST', url: `${h.base}/Applications.json`, headers: { 'content-type': 'application/json', authorization: h.auth }, payload: '{"FriendlyName":{"a":1}}' });
    expect(res.json().code).toBe(20001);
  });

  it('hides internal failures behind 20500 and keeps serving', async () => {
    const broken = h.store.applications.list.bind(h.store.applications);
    h.store.applications.list = () => Promise.reject(new Error('disk on fire at /secret/path'));
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe(20500);
    expect(res.body).not.toContain('secret');
    h.store.applications.list = broken;
    const ok = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json`, headers: { authorization: h.auth } });
    expect(ok.statusCode).toBe(200);
  });

  it('serves the console status page, health and never leaks the auth token there', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(h.accountSid);
    expect(page.body).not.toContain(h.authToken);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', version: 'test' });
    expect((await h.app.inject({ method: 'GET', url: '/ca.crt' })).statusCode).toBe(404);
  });
});
