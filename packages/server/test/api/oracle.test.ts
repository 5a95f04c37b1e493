/**
 * Compatibility oracle: the official `twilio` helper library drives the REST API over a real socket,
 * with an httpClient that sends Twilio's API host to the local server.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
let base: string;

/** A twilio RequestClient that rewrites https://api.twilio.com to the local server. */
function localHttpClient(target: string): twilio.RequestClient {
  const real = new twilio.RequestClient();
  const client = Object.create(real) as twilio.RequestClient;
  client.request = (opts) => real.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, target) });
  return client;
}

beforeAll(async () => {
  h = await makeApp();
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => { await h.close(); });

describe('official twilio helper against Denwa', () => {
  it('creates a key, then manages applications with it, and lists calls', async () => {
    const admin = twilio(h.accountSid, h.authToken, { httpClient: localHttpClient(base) });
    const key = await admin.newKeys.create({ friendlyName: 'oracle' });
    expect(key.sid).toMatch(/^SK/);
    expect(key.secret).toMatch(/^[0-9a-f]{32}$/);
    expect((await admin.keys.list()).map((k) => k.sid)).toContain(key.sid);

    const client = twilio(key.sid, key.secret, { accountSid: h.accountSid, httpClient: localHttpClient(base) });
    const app = await client.applications.create({ friendlyName: 'quickstart', voiceUrl: 'http://127.0.0.1:9/voice', voiceMethod: 'POST' });
    expect(app.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(app.voiceUrl).toBe('http://127.0.0.1:9/voice');
    expect(app.dateCreated).toBeInstanceOf(Date);

    const updated = await client.applications(app.sid).update({ statusCallback: 'http://127.0.0.1:9/status', friendlyName: 'renamed' });
    expect(updated.friendlyName).toBe('renamed');
    expect(updated.statusCallback).toBe('http://127.0.0.1:9/status');

    for (let i = 0; i < 4; i++) await client.applications.create({ friendlyName: `extra-${i}` });
    const all = await client.applications.list({ pageSize: 2 });
    expect(all).toHaveLength(5);
    expect((await client.applications.list({ friendlyName: 'renamed' })).map((a) => a.sid)).toEqual([app.sid]);

    await client.applications(app.sid).remove();
    await expect(client.applications(app.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    const call = h.ids.sid('call');
    await h.store.calls.insert({
      sid: call, accountSid: h.accountSid, parentCallSid: null, applicationSid: null, phoneNumberSid: null, trunkSid: null,
      from: 'client:alice', to: 'client:bob', callerName: null, forwardedFrom: null, direction: 'inbound', status: 'completed',
      answeredBy: null, startTime: Date.UTC(2026, 10, 1), answerTime: null, endTime: Date.UTC(2026, 10, 1, 0, 1), duration: 60,
      hangupSource: 'caller', errorCode: null, dateCreated: Date.UTC(2026, 10, 1), dateUpdated: Date.UTC(2026, 10, 1),
    });
    const calls = await client.calls.list({ status: 'completed', startTimeAfter: new Date(Date.UTC(2026, 9, 1)) });
    expect(calls.map((c) => c.sid)).toEqual([call]);
    expect(calls[0]).toMatchObject({ from: 'client:alice', to: 'client:bob', duration: '60', direction: 'inbound' });
    expect(await client.calls.list({ to: 'client:nobody' })).toEqual([]);
  });

  it('manages incoming phone numbers', async () => {
    const client = twilio(h.accountSid, h.authToken, { httpClient: localHttpClient(base) });
    const number = await client.incomingPhoneNumbers.create({ phoneNumber: '+14155550100', voiceUrl: 'http://127.0.0.1:9/voice' });
    expect(number.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(number).toMatchObject({ phoneNumber: '+14155550100', friendlyName: '(415) 555-0100', voiceUrl: 'http://127.0.0.1:9/voice', voiceMethod: 'POST', trunkSid: null, status: 'in-use' });
    expect(number.capabilities).toEqual({ fax: false, mms: false, sms: false, voice: true });
    expect(number.dateCreated).toBeInstanceOf(Date);
    await h.clock.advance(1000);
    await client.incomingPhoneNumbers.create({ phoneNumber: '+815012345678', friendlyName: 'Tokyo' });

    const updated = await client.incomingPhoneNumbers(number.sid).update({ voiceMethod: 'GET', statusCallback: 'http://127.0.0.1:9/status' });
    expect(updated).toMatchObject({ voiceMethod: 'GET', statusCallback: 'http://127.0.0.1:9/status', phoneNumber: '+14155550100' });
    expect((await client.incomingPhoneNumbers(number.sid).fetch()).voiceMethod).toBe('GET');

    const all = await client.incomingPhoneNumbers.list({ pageSize: 1 });
    expect(all.map((n) => n.phoneNumber)).toEqual(['+14155550100', '+815012345678']);
    expect((await client.incomingPhoneNumbers.list({ phoneNumber: '+815012345678' })).map((n) => n.friendlyName)).toEqual(['Tokyo']);
    expect((await client.incomingPhoneNumbers.list({ friendlyName: '(415) 555-0100' })).map((n) => n.sid)).toEqual([number.sid]);

    await expect(client.incomingPhoneNumbers.create({ phoneNumber: '+14155550100' })).rejects.toMatchObject({ status: 400, code: 21422 });
    await expect(client.incomingPhoneNumbers.create({ phoneNumber: '4155550100' })).rejects.toMatchObject({ status: 400, code: 21421 });
    await client.incomingPhoneNumbers(number.sid).remove();
    await expect(client.incomingPhoneNumbers(number.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('surfaces Denwa errors as RestException with Twilio codes', async () => {
    const admin = twilio(h.accountSid, h.authToken, { httpClient: localHttpClient(base) });
    await expect(admin.applications.create({ voiceUrl: 'not-a-url' })).rejects.toMatchObject({ status: 400, code: 21205 });
    const stranger = twilio(h.accountSid, 'f'.repeat(32), { httpClient: localHttpClient(base) });
    await expect(stranger.applications.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});
