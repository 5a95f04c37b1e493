import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallSid } from '@denwa/protocol';
import { makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

async function seed(callSid: CallSid | null, level: 0 | 1, errorCode: number) {
  const sid = h.ids.sid('notification');
  await h.store.notifications.insert({
    sid, accountSid: h.accountSid, callSid, errorCode, level, messageText: 'HTTP retrieval failure: 500',
    moreInfo: `https://www.twilio.com/docs/errors/${errorCode}`, requestUrl: 'http://127.0.0.1:9/voice', requestMethod: 'POST',
    requestVariables: 'CallSid=CA1', responseHeaders: '', responseBody: '', messageDate: h.clock.now(), dateCreated: h.clock.now(),
  });
  await h.clock.advance(1000);
  return sid;
}

describe('Notifications', () => {
  it('lists account and call notifications, newest first, with the Log filter', async () => {
    const call = h.ids.sid('call');
    const n1 = await seed(call, 0, 11200);
    const n2 = await seed(null, 1, 12200);
    const all = (await h.app.inject({ method: 'GET', url: `${h.base}/Notifications.json`, headers: { authorization: h.auth } })).json();
    expect(all.notifications.map((n: { sid: string }) => n.sid)).toEqual([n2, n1]);
    expect(all.notifications[1]).toMatchObject({ call_sid: call, error_code: '11200', log: '0', request_method: 'POST' });
    const warnings = (await h.app.inject({ method: 'GET', url: `${h.base}/Notifications.json?Log=1`, headers: { authorization: h.auth } })).json();
    expect(warnings.notifications.map((n: { sid: string }) => n.sid)).toEqual([n2]);
    const forCall = (await h.app.inject({ method: 'GET', url: `${h.base}/Calls/${call}/Notifications.json`, headers: { authorization: h.auth } })).json();
    expect(forCall.notifications.map((n: { sid: string }) => n.sid)).toEqual([n1]);
    const one = await h.app.inject({ method: 'GET', url: `${h.base}/Notifications/${n1}.json`, headers: { authorization: h.auth } });
    expect(one.json().sid).toBe(n1);
  });

  it('refuses a bad Log filter with 20001', async () => {
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Notifications.json?Log=2`, headers: { authorization: h.auth } });
    expect(res.json().code).toBe(20001);
  });
});
