import type { ServerResponse } from 'node:http';
import { VoiceError, type AccountSid, type CallSid } from '@denwa/protocol';
import { ManualClock } from '@denwa/testkit';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { TwimlFetchResult, TwimlRequest, WebhookRequest } from '../calls/ports.ts';
import { RandomIdGenerator } from '../core/index.ts';
import { HttpWebhookClient, type HttpWebhookClientConfig } from './http-webhook-client.ts';
import {
  deadPort,
  memoryLogger,
  RecordingNotifications,
  startServer,
  type Handler,
  type LocalServer,
} from './local-server.test-helper.ts';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef' as AccountSid;
const UNKNOWN = 'AC00000000000000000000000000000000' as AccountSid;
const CALL = 'CAfedcba9876543210fedcba9876543210' as CallSid;
const TOKEN = 'auth-token-0123456789abcdef012345';
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>';
const PARAMS = Object.freeze({
  AccountSid: ACCOUNT,
  CallSid: CALL,
  From: 'client:alice',
  To: '+15551234567',
  CallStatus: 'ringing',
  Custom: 'a b&c=d/é',
  Empty: '',
});

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<LocalServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function twiml(res: ServerResponse, type = 'text/xml; charset=utf-8', body = TWIML): void {
  res.writeHead(200, { 'Content-Type': type });
  res.end(body);
}

function setup(overrides: Partial<HttpWebhookClientConfig> = {}) {
  const notifications = new RecordingNotifications();
  const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
  const logger = memoryLogger();
  const client = new HttpWebhookClient({
    authTokenFor: (sid) => Promise.resolve(sid === ACCOUNT ? TOKEN : null),
    notifications,
    ids: new RandomIdGenerator(),
    clock,
    log: logger.log,
    ...overrides,
  });
  return { client, notifications, clock, logger };
}

function request(url: string, extra: Partial<TwimlRequest> = {}): TwimlRequest {
  return { url, method: 'POST', params: PARAMS, accountSid: ACCOUNT, callSid: CALL, ...extra };
}

/** The params a server parsed from a form body, as twilio.validateRequest wants them. */
function formParams(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

function expectFailure(result: { ok: boolean; error?: VoiceError }, code: number): VoiceError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(VoiceError);
  expect(result.error?.code).toBe(code);
  return result.error!;
}

function expectTwiml(result: TwimlFetchResult): Extract<TwimlFetchResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected TwiML, got ${result.error.code} ${result.error.message}`);
  return result;
}

describe('HttpWebhookClient.fetchTwiml: requests', () => {
  it('POSTs the form-encoded params, signed over the URL the server saw', async () => {
    const server = await serve((_req, res) => { twiml(res); });
    const { client, notifications } = setup();

    const result = expectTwiml(await client.fetchTwiml(request(`${server.origin}/voice`)));

    expect(result).toEqual({ ok: true, body: TWIML, url: `${server.origin}/voice`, method: 'POST', usedFallback: false });
    expect(server.requests).toHaveLength(1);
    const seen = server.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.target).toBe('/voice');
    expect(formParams(seen.body)).toEqual(PARAMS);
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(seen.headers['user-agent']).toBe('TwilioProxy/1.1');
    expect(seen.headers.accept).toBe('*/*');
    expect(seen.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
    const signature = seen.headers['x-twilio-signature'];
    expect(typeof signature).toBe('string');
    expect(twilio.validateRequest(TOKEN, String(signature), seen.url, formParams(seen.body))).toBe(true);
    expect(twilio.validateRequest('x'.repeat(32), String(signature), seen.url, formParams(seen.body))).toBe(false);
    expect(notifications.records).toEqual([]);
  });

  it('GETs with the params appended to the existing query, signed over the full URL', async () => {
    const server = await serve((_req, res) => { twiml(res, 'application/xml'); });
    const { client } = setup();

    const url = `${server.origin}/voice?tenant=a%20b&x`;
    const result = expectTwiml(await client.fetchTwiml(request(url, { method: 'GET' })));

    expect(result).toMatchObject({ url, method: 'GET', usedFallback: false });
    const seen = server.requests[0]!;
    expect(seen.method).toBe('GET');
    expect(seen.body).toBe('');
    expect(seen.headers['content-type']).toBeUndefined();
    expect(seen.target.startsWith('/voice?tenant=a%20b&x&AccountSid=')).toBe(true);
    const query = new URL(seen.url).searchParams;
    for (const [name, value] of Object.entries(PARAMS)) expect(query.get(name)).toBe(value);
    expect(twilio.validateRequest(TOKEN, String(seen.headers['x-twilio-signature']), seen.url, {})).toBe(true);
  });

  it.each(['text/xml', 'application/xml; charset=UTF-8', 'TEXT/HTML;charset=utf-8'])('accepts Content-Type %s', async (type) => {
    const server = await serve((_req, res) => { twiml(res, type); });
    const { client } = setup();
    expectTwiml(await client.fetchTwiml(request(`${server.origin}/`)));
  });

  it('sends a fresh idempotency token with every request', async () => {
    const server = await serve((_req, res) => { twiml(res); });
    const { client } = setup();
    for (let i = 0; i < 3; i += 1) expectTwiml(await client.fetchTwiml(request(`${server.origin}/`)));
    const tokens = new Set(server.requests.map((r) => r.headers['i-twilio-idempotency-token']));
    expect(tokens.size).toBe(3);
  });

  it('sends URL credentials as Basic auth and signs the URL without them', async () => {
    const server = await serve((_req, res) => { twiml(res); });
    const { client } = setup();
    const url = server.origin.replace('http://', 'http://user%40x:p%C3%A4ss@') + '/secure';

    expectTwiml(await client.fetchTwiml(request(url)));

    const seen = server.requests[0]!;
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('user@x:päss').toString('base64')}`);
    expect(twilio.validateRequest(TOKEN, String(seen.headers['x-twilio-signature']), seen.url, formParams(seen.body))).toBe(true);
  });
});

describe('HttpWebhookClient.fetchTwiml: redirects', () => {
  it('follows a chain, switching a POST to GET on 302/303 and keeping it on 307, re-signing each hop', async () => {
    const server = await serve((req, res) => {
      const hops: Record<string, string> = { '/a': '/b', '/b': '/c?step=3', '/p1': '/p2' };
      const path = req.target.split('?')[0] ?? '';
      const next = hops[path];
      const status = path === '/a' ? 307 : path === '/b' ? 303 : path === '/p1' ? 302 : 0;
      if (next !== undefined) {
        res.writeHead(status, { Location: next });
        res.end();
      } else {
        twiml(res);
      }
    });
    const { client } = setup();

    const result = expectTwiml(await client.fetchTwiml(request(`${server.origin}/a`)));

    expect(result).toMatchObject({ url: `${server.origin}/c?step=3`, method: 'GET', usedFallback: false });
    expect(server.requests.map((r) => `${r.method} ${r.target}`)).toEqual(['POST /a', 'POST /b', 'GET /c?step=3']);
    for (const seen of server.requests) {
      const params = seen.method === 'POST' ? formParams(seen.body) : {};
      expect(twilio.validateRequest(TOKEN, String(seen.headers['x-twilio-signature']), seen.url, params)).toBe(true);
    }
    expect(formParams(server.requests[1]!.body)).toEqual(PARAMS);
    expect(server.requests[2]!.body).toBe('');

    const second = expectTwiml(await client.fetchTwiml(request(`${server.origin}/p1`)));
    expect(second).toMatchObject({ url: `${server.origin}/p2`, method: 'GET' });
  });

  it('follows exactly maxRedirects redirects; one more is 11215', async () => {
    const server = await serve((req, res) => {
      const n = Number(new URL(req.url).searchParams.get('n') ?? '0');
      const stop = Number(new URL(req.url).searchParams.get('stop') ?? '0');
      if (n < stop) {
        res.writeHead(302, { Location: `/r?n=${n + 1}&stop=${stop}` });
        res.end();
      } else {
        twiml(res);
      }
    });
    const { client, notifications } = setup();

    expectTwiml(await client.fetchTwiml(request(`${server.origin}/r?n=0&stop=10`, { method: 'GET' })));
    expect(server.requests).toHaveLength(11);

    const result = await client.fetchTwiml(request(`${server.origin}/r?n=0&stop=11`, { method: 'GET' }));
    expectFailure(result, 11215);
    expect(server.requests).toHaveLength(22);
    expect(notifications.records).toHaveLength(1);
    expect(notifications.records[0]).toMatchObject({ errorCode: 11215, requestMethod: 'GET' });
    expect(notifications.records[0]!.responseHeaders).toContain('location=');
  });

  it('honours a smaller maxRedirects', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(301, { Location: '/loop' });
      res.end();
    });
    const { client } = setup({ maxRedirects: 2 });
    expectFailure(await client.fetchTwiml(request(`${server.origin}/loop`)), 11215);
    expect(server.requests).toHaveLength(3);
  });

  it('a redirect to a non-http scheme is 11100', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { Location: 'ftp://example.com/x' });
      res.end();
    });
    const { client } = setup();
    expectFailure(await client.fetchTwiml(request(`${server.origin}/`)), 11100);
  });
});

describe('HttpWebhookClient.fetchTwiml: failures and fallback', () => {
  it('500 is 11200 with a notification; the fallback then answers', async () => {
    const primary = await serve((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain', 'X-Debug': 'boom' });
      res.end('stack trace here');
    });
    const fallback = await serve((_req, res) => { twiml(res); });
    const { client, notifications, clock } = setup();

    const result = expectTwiml(
      await client.fetchTwiml(
        request(`${primary.origin}/voice`, { fallbackUrl: `${fallback.origin}/fallback`, fallbackMethod: 'GET' }),
      ),
    );

    expect(result).toEqual({ ok: true, body: TWIML, url: `${fallback.origin}/fallback`, method: 'GET', usedFallback: true });
    expect(primary.requests.length + fallback.requests.length).toBe(2);
    const fallbackQuery = new URL(fallback.requests[0]!.url).searchParams;
    expect(fallbackQuery.get('ErrorCode')).toBe('11200');
    expect(fallbackQuery.get('ErrorUrl')).toBe(`${primary.origin}/voice`);
    expect(fallbackQuery.get('CallSid')).toBe(CALL);
    expect(notifications.records).toHaveLength(1);
    const n = notifications.records[0]!;
    expect(n).toMatchObject({
      accountSid: ACCOUNT,
      callSid: CALL,
      errorCode: 11200,
      level: 0,
      moreInfo: 'https://www.twilio.com/docs/errors/11200',
      requestUrl: `${primary.origin}/voice`,
      requestMethod: 'POST',
      responseBody: 'stack trace here',
      messageDate: clock.now(),
      dateCreated: clock.now(),
    });
    expect(n.sid).toMatch(/^NO[0-9a-f]{32}$/);
    expect(n.messageText).toContain('500');
    expect(Object.fromEntries(new URLSearchParams(n.requestVariables))).toEqual(PARAMS);
    expect(new URLSearchParams(n.responseHeaders).get('x-debug')).toBe('boom');
  });

  it('when the fallback fails too, both are recorded and the primary error is returned', async () => {
    const primary = await serve((_req, res) => { twiml(res, 'application/json', '{}'); });
    const port = await deadPort();
    const { client, notifications } = setup();

    const result = await client.fetchTwiml(
      request(`${primary.origin}/voice`, { fallbackUrl: `http://127.0.0.1:${port}/fb` }),
    );

    expectFailure(result, 12300);
    expect(notifications.records.map((r) => r.errorCode)).toEqual([12300, 11205]);
    expect(notifications.records[1]).toMatchObject({ requestUrl: `http://127.0.0.1:${port}/fb`, requestMethod: 'POST' });
    const fallbackVars = new URLSearchParams(notifications.records[1]!.requestVariables);
    expect(fallbackVars.get('ErrorCode')).toBe('12300');
  });

  it('a refused connection is 11205', async () => {
    const port = await deadPort();
    const { client, notifications } = setup();
    expectFailure(await client.fetchTwiml(request(`http://127.0.0.1:${port}/voice`)), 11205);
    expect(notifications.records[0]).toMatchObject({ errorCode: 11205, responseHeaders: '', responseBody: '' });
  });

  it('no answer before timeoutMs is 11205', async () => {
    const silent = await serve(() => undefined);
    const { client } = setup({ timeoutMs: 200 });
    const started = Date.now();
    const error = expectFailure(await client.fetchTwiml(request(`${silent.origin}/slow`)), 11205);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toContain('200 ms');
  });

  it('a body that stalls past timeoutMs is 11205', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.write('<Response>');
    });
    const { client } = setup({ timeoutMs: 200 });
    expectFailure(await client.fetchTwiml(request(`${server.origin}/`)), 11205);
  });

  it('an unresolvable host is 11210', async () => {
    const { client } = setup({ timeoutMs: 10_000 });
    expectFailure(await client.fetchTwiml(request('http://no-such-host.invalid/')), 11210);
  });

  it.each(['not a url', '/relative/voice', 'ftp://example.com/voice', 'mailto:a@example.com', ''])(
    'URL %j is 11100, and nothing is sent',
    async (url) => {
      const { client, notifications } = setup();
      expectFailure(await client.fetchTwiml(request(url)), 11100);
      expect(notifications.records).toHaveLength(1);
      expect(notifications.records[0]).toMatchObject({ errorCode: 11100, requestUrl: url });
    },
  );

  it('application/json is 12300', async () => {
    const server = await serve((_req, res) => { twiml(res, 'application/json', '{"twiml":true}'); });
    const { client, notifications } = setup();
    const error = expectFailure(await client.fetchTwiml(request(`${server.origin}/`)), 12300);
    expect(error.message).toContain('application/json');
    expect(notifications.records[0]!.responseBody).toBe('{"twiml":true}');
  });

  it('a response without Content-Type is 12300', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.end(TWIML);
    });
    const { client } = setup();
    expectFailure(await client.fetchTwiml(request(`${server.origin}/`)), 12300);
  });

  it('a 70 KiB body is 11750; the notification keeps 4 KiB of it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(`<Response><Say>${'x'.repeat(70 * 1024)}</Say></Response>`);
    });
    const { client, notifications } = setup();
    expectFailure(await client.fetchTwiml(request(`${server.origin}/`)), 11750);
    expect(notifications.records[0]!.responseBody).toHaveLength(4096);
  });

  it('a body of exactly maxBodyBytes is accepted', async () => {
    const body = `<Response><Say>${'y'.repeat(64 * 1024 - 32)}</Say></Response>`;
    const padded = body + ' '.repeat(64 * 1024 - Buffer.byteLength(body));
    const server = await serve((_req, res) => { twiml(res, 'text/xml', padded); });
    const { client } = setup();
    expect(expectTwiml(await client.fetchTwiml(request(`${server.origin}/`))).body).toBe(padded);
  });
});

describe('HttpWebhookClient.sendCallback', () => {
  const callback = (url: string): WebhookRequest => ({
    url,
    method: 'POST',
    params: { ...PARAMS, CallStatus: 'completed', CallDuration: '7' },
    accountSid: ACCOUNT,
    callSid: CALL,
  });

  it('any 2xx is delivered, whatever the body or its type', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const json = await serve((_req, res) => { twiml(res, 'application/json', '{}'); });
    const { client, notifications } = setup();

    expect(await client.sendCallback(callback(`${server.origin}/status`))).toEqual({ ok: true, status: 204 });
    expect(await client.sendCallback(callback(`${json.origin}/status`))).toEqual({ ok: true, status: 200 });
    const seen = server.requests[0]!;
    expect(formParams(seen.body)).toMatchObject({ CallStatus: 'completed', CallDuration: '7' });
    expect(twilio.validateRequest(TOKEN, String(seen.headers['x-twilio-signature']), seen.url, formParams(seen.body))).toBe(true);
    expect(notifications.records).toEqual([]);
  });

  it('a 404 is 11200, recorded as a notification', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('nope');
    });
    const { client, notifications } = setup();
    const error = expectFailure(await client.sendCallback(callback(`${server.origin}/status`)), 11200);
    expect(error.message).toContain('404');
    expect(notifications.records).toHaveLength(1);
    expect(notifications.records[0]).toMatchObject({ errorCode: 11200, responseBody: 'nope', callSid: CALL });
  });

  it('follows redirects too', async () => {
    const server = await serve((req, res) => {
      if (req.target === '/old') {
        res.writeHead(308, { Location: '/new' });
        res.end();
      } else {
        res.writeHead(200);
        res.end();
      }
    });
    const { client } = setup();
    expect(await client.sendCallback(callback(`${server.origin}/old`))).toEqual({ ok: true, status: 200 });
    expect(server.requests.map((r) => `${r.method} ${r.target}`)).toEqual(['POST /old', 'POST /new']);
  });
});

describe('HttpWebhookClient: accounts, robustness and logs', () => {
  it('an unknown account is 20404: nothing is sent or recorded', async () => {
    const server = await serve((_req, res) => { twiml(res); });
    const { client, notifications } = setup();
    const req = { ...request(`${server.origin}/`), accountSid: UNKNOWN };
    expectFailure(await client.fetchTwiml(req), 20404);
    expectFailure(await client.sendCallback(req), 20404);
    expect(server.requests).toHaveLength(0);
    expect(notifications.records).toHaveLength(0);
  });

  it('a failing token lookup is 20500, not a rejection', async () => {
    const { client } = setup({ authTokenFor: () => Promise.reject(new Error('db down')) });
    expectFailure(await client.fetchTwiml(request('http://127.0.0.1:9/')), 20500);
    expectFailure(await client.sendCallback(request('http://127.0.0.1:9/')), 20500);
  });

  it('never rejects when the notification store fails; the failure is logged', async () => {
    const port = await deadPort();
    const { client, notifications, logger } = setup();
    notifications.failing = true;
    expectFailure(await client.fetchTwiml(request(`http://127.0.0.1:${port}/`, { fallbackUrl: 'nope' })), 11205);
    expectFailure(await client.sendCallback(request('bad url')), 11100);
    const errors = logger.lines().filter((l) => l.includes('could not record the webhook notification'));
    expect(errors).toHaveLength(3);
  });

  it('never rejects, even when the store throws synchronously', async () => {
    const { client, notifications } = setup();
    notifications.insert = () => {
      throw new Error('sync boom');
    };
    expectFailure(await client.fetchTwiml(request('bad url')), 11100);
  });

  it('logs one debug line per request and a warning per failure, without secrets or parameter values', async () => {
    const server = await serve((req, res) => {
      if (req.target.startsWith('/fail')) {
        res.writeHead(500);
        res.end();
      } else {
        twiml(res);
      }
    });
    const { client, logger } = setup();
    const secretParams = { ...PARAMS, Custom: 'top-secret-value' };
    await client.fetchTwiml(request(`${server.origin}/fail?q=query-secret`, { params: secretParams, method: 'GET' }));
    await client.fetchTwiml(request(`${server.origin}/ok`, { params: secretParams }));

    const lines = logger.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const debug = lines.filter((l) => l['level'] === 20);
    expect(debug).toHaveLength(2);
    expect(debug[0]).toMatchObject({ mod: 'webhooks', url: `${server.origin}/fail`, method: 'GET', status: 500 });
    expect(typeof debug[0]!['ms']).toBe('number');
    expect(lines.filter((l) => l['level'] === 40)).toHaveLength(1);
    const text = logger.lines().join('\n');
    const signatures = server.requests.map((r) => String(r.headers['x-twilio-signature']));
    for (const secret of [TOKEN, 'top-secret-value', 'query-secret', 'client:alice', ...signatures]) {
      expect(text).not.toContain(secret);
    }
  });
});
