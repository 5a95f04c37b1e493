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
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok', version: 'test' });
    expect((await h.app.inject({ method: 'GET', url: '/ca.crt' })).statusCode).toBe(404);
  });
});

describe('REST bad-input sweep', () => {
  /** mulberry32: a small seeded PRNG so failures reproduce. */
  function prng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('answers 300 random requests with Twilio error JSON, never 5xx, and keeps serving', async () => {
    const rnd = prng(20261123);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const sid = `AP${'0'.repeat(32)}`;
    // A lone surrogate cannot be percent-encoded: send invalid UTF-8 bytes instead.
    const enc = (v: string): string => (v.includes('\ud800') ? '%ED%A0%80' : encodeURIComponent(v));
    const routes: [string, string][] = [
      ['POST', `${h.base}/Applications.json`],
      ['POST', `${h.base}/Applications/${sid}.json`],
      ['POST', `${h.base}/Keys.json`],
      ['POST', '/v1/TwimlBins'],
      ['GET', `${h.base}/Calls.json`],
      ['GET', `${h.base}/Notifications.json`],
      ['POST', `/twiml/EH${'0'.repeat(32)}`],
    ];
    const types = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', undefined];
    const names = ['FriendlyName', 'VoiceUrl', 'VoiceMethod', 'Twiml', 'PageSize', 'Page', 'Status', 'StartTime>', 'To', '__proto__', 'constructor', ''];
    const values = ['', '%', '%%41', '\u0000', '\ud800', 'x'.repeat(5000), '<Response>', 'http://', '-1', '1e309', 'NaN', '{"a":', '[]', '日本語😀'];
    for (let i = 0; i < 300; i++) {
      const [method, url] = pick(routes);
      const type = pick(types);
      let payload: string | Buffer;
      const r = rnd();
      if (r < 0.3) payload = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      else if (r < 0.6) payload = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => `${pick(names)}=${pick(values)}`).join('&');
      else if (r < 0.8) payload = JSON.stringify({ [pick(names)]: pick([pick(values), 1, true, null, [1, 2], { deep: { er: [] } }]) });
      else payload = `${'['.repeat(2000)}${']'.repeat(2000)}`;
      const query = rnd() < 0.5 ? `?${pick(names)}=${enc(pick(values))}` : '';
      const headers: Record<string, string> = { authorization: h.auth };
      if (type !== undefined) headers['content-type'] = type;
      const res = await h.app.inject({ method: method as 'GET' | 'POST', url: `${url}${query}`, headers, ...(method === 'POST' ? { payload } : {}) });
      expect(res.statusCode, `request ${String(i)}: ${method} ${url}${query} ${type ?? ''}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json()).toMatchObject({ code: expect.any(Number), more_info: expect.any(String) });
    }
    const ok = await h.app.inject({ method: 'GET', url: `${h.base}/Applications.json`, headers: { authorization: h.auth } });
    expect(ok.statusCode).toBe(200);
  });
});
