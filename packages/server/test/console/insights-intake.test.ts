import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insightsHome } from '../../src/console/index.ts';
import { makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const EVENT = { group: 'connection', level: 'INFO', name: 'outgoing', payload: { call_sid: 'CA1' }, publisher: 'twilio-js-sdk' };

describe('Insights intake', () => {
  it('answers the CORS preflight the SDK sends before posting', async () => {
    const res = await h.app.inject({
      method: 'OPTIONS',
      url: '/insights.twilio.com/v4/EndpointEvents',
      headers: { origin: 'http://127.0.0.1:5000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-twilio-token' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5000');
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('x-twilio-token');
  });

  it('accepts 2.x events and metrics under the announced home, and 1.x posts under /v4, and counts them', async () => {
    const post = (url: string, body: unknown) =>
      h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-twilio-token': 'jwt', origin: 'http://a' }, payload: JSON.stringify(body) });
    expect((await post('/insights.twilio.com/v4/EndpointEvents', EVENT)).statusCode).toBe(204);
    expect((await post('/insights.twilio.com/v4/EndpointMetrics', { ...EVENT, payload: [{ mos: 4.4 }] })).statusCode).toBe(204);
    expect((await post('/v4/EndpointEvents', EVENT)).statusCode).toBe(204);
    const health = (await h.app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health.insights).toEqual({ events: 2, metrics: 1 });
  });

  it('refuses a malformed body without disturbing later posts', async () => {
    const bad = await h.app.inject({ method: 'POST', url: '/v4/EndpointEvents', headers: { 'content-type': 'application/json' }, payload: '{"group":' });
    expect(bad.statusCode).toBe(400);
    const ok = await h.app.inject({ method: 'POST', url: '/v4/EndpointEvents', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(ok.statusCode).toBe(204);
  });

  it('builds a home that escapes the .twilio.com suffix and resolves to loopback in Chrome', () => {
    expect(insightsHome('127.0.0.1', 3443)).toBe('localhost:3443/insights');
    expect(insightsHome('voice.example.com', 443)).toBe('voice.example.com:443/insights');
  });
});
