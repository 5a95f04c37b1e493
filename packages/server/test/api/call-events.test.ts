import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/store/index.ts';
import { basic, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

async function seedCall(): Promise<CallRecord> {
  const call: CallRecord = {
    sid: h.ids.sid('call'), accountSid: h.accountSid, parentCallSid: null, applicationSid: null, phoneNumberSid: null,
    trunkSid: null, from: 'client:alice', to: 'bob', callerName: null, forwardedFrom: null, direction: 'inbound',
    status: 'in-progress', answeredBy: null, startTime: T0, answerTime: T0 + 1000, endTime: null, duration: null,
    hangupSource: null, errorCode: null, dateCreated: T0, dateUpdated: T0,
  };
  await h.store.calls.insert(call);
  return call;
}

describe('Call events (the call log)', () => {
  it('lists status transitions and DTMF in order', async () => {
    const call = await seedCall();
    await h.store.calls.appendEvent({ callSid: call.sid, status: 'ringing', timestamp: T0, detail: {} });
    await h.store.calls.appendEvent({ callSid: call.sid, status: 'in-progress', timestamp: T0 + 1000, detail: {} });
    await h.store.calls.appendEvent({ callSid: call.sid, status: 'in-progress', timestamp: T0 + 2000, detail: { event: 'dtmf', digits: '1', source: 'rtp' } });
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/${call.sid}/Events.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ events: { sequence: number; type: string; status: string; detail: Record<string, unknown> }[] }>();
    expect(body.events.map((e) => [e.sequence, e.type, e.status])).toEqual([
      [1, 'status', 'ringing'],
      [2, 'status', 'in-progress'],
      [3, 'dtmf', 'in-progress'],
    ]);
    expect(body.events[2]?.detail).toEqual({ event: 'dtmf', digits: '1', source: 'rtp' });
  });

  it('answers 20404 for an unknown call, a malformed sid, and a call of another account', async () => {
    const unknown = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/CA${'0'.repeat(32)}/Events.json`, headers: { authorization: h.auth } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe(20404);
    const bad = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/nope/Events.json`, headers: { authorization: h.auth } });
    expect(bad.statusCode).toBe(404);
  });

  it('requires Basic auth', async () => {
    const call = await seedCall();
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/${call.sid}/Events.json`, headers: { authorization: basic(h.accountSid, 'wrong') } });
    expect(res.statusCode).toBe(401);
  });
});
