import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/store/index.ts';
import { makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

async function seed(over: Partial<CallRecord>): Promise<CallRecord> {
  const sid = h.ids.sid('call');
  const call: CallRecord = {
    sid,
    accountSid: h.accountSid,
    parentCallSid: null,
    applicationSid: null,
    phoneNumberSid: null,
    trunkSid: null,
    from: 'client:alice',
    to: 'client:bob',
    callerName: null,
    forwardedFrom: null,
    direction: 'inbound',
    status: 'completed',
    answeredBy: null,
    startTime: T0,
    answerTime: T0 + 2000,
    endTime: T0 + 62_000,
    duration: 60,
    hangupSource: 'caller',
    errorCode: null,
    dateCreated: over.startTime ?? T0,
    dateUpdated: T0 + 62_000,
    ...over,
  };
  await h.store.calls.insert(call);
  return call;
}

const list = async (query: string) => {
  const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls.json${query}`, headers: { authorization: h.auth } });
  return res;
};
const sids = async (query: string): Promise<string[]> => (await list(query)).json<{ calls: { sid: string }[] }>().calls.map((c) => c.sid);

describe('Calls (read side)', () => {
  it('serializes a call record in Twilio shape', async () => {
    const parent = await seed({});
    const child = await seed({ parentCallSid: parent.sid, direction: 'outbound-dial', from: '+815000000000', to: 'client:twilio_user' });
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/${child.sid}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      sid: child.sid,
      parent_call_sid: parent.sid,
      account_sid: h.accountSid,
      from: '+815000000000',
      to: 'client:twilio_user',
      status: 'completed',
      direction: 'outbound-dial',
      duration: '60',
      start_time: 'Fri, 20 Nov 2026 09:00:00 +0000',
      end_time: 'Fri, 20 Nov 2026 09:01:02 +0000',
      api_version: '2010-04-01',
      uri: `${h.base}/Calls/${child.sid}.json`,
      subresource_uris: { notifications: `${h.base}/Calls/${child.sid}/Notifications.json`, recordings: `${h.base}/Calls/${child.sid}/Recordings.json` },
    });
  });

  it('filters by To, From, Status, ParentCallSid and StartTime', async () => {
    const a = await seed({ to: 'client:bob', startTime: T0 });
    const b = await seed({ to: '+815011112222', from: 'client:carol', status: 'busy', startTime: T0 + DAY });
    const c = await seed({ parentCallSid: a.sid, status: 'no-answer', startTime: T0 + 2 * DAY });
    expect(await sids('')).toEqual([c.sid, b.sid, a.sid]);
    expect(await sids('?To=%2B815011112222')).toEqual([b.sid]);
    expect(await sids('?From=client%3Acarol')).toEqual([b.sid]);
    expect(await sids('?Status=no-answer')).toEqual([c.sid]);
    expect(await sids(`?ParentCallSid=${a.sid}`)).toEqual([c.sid]);
    expect(await sids('?StartTime=2026-11-21')).toEqual([b.sid]);
    expect(await sids('?StartTime%3E=2026-11-21')).toEqual([c.sid, b.sid]);
    expect(await sids('?StartTime%3C=2026-11-21')).toEqual([b.sid, a.sid]);
    expect(await sids('?StartTime%3E=2026-11-21T09:00:00Z&StartTime%3C=2026-11-21T09:00:00Z')).toEqual([b.sid]);
  });

  it('echoes filters in the paging URIs', async () => {
    await seed({}); await seed({}); await seed({});
    const body = (await list('?Status=completed&PageSize=2')).json();
    expect(body.calls).toHaveLength(2);
    expect(body.next_page_uri).toBe(`${h.base}/Calls.json?Status=completed&PageSize=2&Page=1`);
  });

  it.each([
    ['?Status=ringing-ish', 20001],
    ['?StartTime=yesterday', 20001],
    ['?StartTime=2026-13-45', 20001],
    ['?ParentCallSid=CA1', 20001],
    ['?PageSize=0', 20001],
    ['?PageSize=1001', 20001],
    ['?Page=-1', 20001],
    ['?PageSize=abc', 20001],
  ])('refuses %s with %i', async (query, code) => {
    const res = await list(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
  });

  it('answers 20404 for an unknown call', async () => {
    const res = await h.app.inject({ method: 'GET', url: `${h.base}/Calls/CA${'f'.repeat(32)}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(20404);
  });
});
