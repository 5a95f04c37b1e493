/** Calls a crashed run left live are ended at the next start; finished calls are left alone. */
import { ManualClock } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { endOrphanedCalls } from '../../src/calls/index.ts';
import { createMemoryStore, type CallRecord } from '../../src/store/index.ts';
import { ACCOUNT, T0, ids } from './fakes.ts';

function call(patch: Partial<CallRecord>): CallRecord {
  return {
    sid: ids.sid('call'), accountSid: ACCOUNT, parentCallSid: null, applicationSid: null, phoneNumberSid: null, trunkSid: null, from: '+819000000001',
    to: 'client:twilio_user', callerName: null, forwardedFrom: null, direction: 'inbound', status: 'in-progress', answeredBy: null, startTime: T0,
    answerTime: null, endTime: null, duration: null, hangupSource: null, errorCode: null, dateCreated: T0, dateUpdated: T0, ...patch,
  };
}

describe('endOrphanedCalls', () => {
  it('ends answered calls as completed and unanswered ones as failed, by system, with an event; finished calls stay as they were', async () => {
    const store = createMemoryStore();
    await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
    const talking = call({ status: 'in-progress', answerTime: T0 + 2_000, dateUpdated: T0 + 62_000 });
    const ringing = call({ status: 'ringing', dateUpdated: T0 + 1_000 });
    const queued = call({ status: 'queued' });
    const done = call({ status: 'completed', answerTime: T0, endTime: T0 + 5_000, duration: 5, hangupSource: 'caller', dateUpdated: T0 + 5_000 });
    for (const c of [talking, ringing, queued, done]) await store.calls.insert(c);
    const clock = new ManualClock(T0 + 3_600_000);
    expect(await endOrphanedCalls(store, ACCOUNT, clock)).toBe(3);
    expect(await store.calls.get(ACCOUNT, talking.sid)).toMatchObject({ status: 'completed', hangupSource: 'system', endTime: T0 + 62_000, duration: 60 });
    expect(await store.calls.get(ACCOUNT, ringing.sid)).toMatchObject({ status: 'failed', hangupSource: 'system', endTime: T0 + 1_000, duration: 0 });
    expect(await store.calls.get(ACCOUNT, queued.sid)).toMatchObject({ status: 'failed' });
    expect(await store.calls.get(ACCOUNT, done.sid)).toEqual(done);
    expect((await store.calls.listEvents(talking.sid)).map((e) => [e.status, e.detail['was']])).toEqual([['completed', 'in-progress']]);
    expect(await endOrphanedCalls(store, ACCOUNT, clock)).toBe(0);
  });

  it('ends them when the dead run was last alive (its heartbeat), never before their last change nor after now', async () => {
    const store = createMemoryStore();
    await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
    const talking = call({ status: 'in-progress', answerTime: T0 + 2_000, dateUpdated: T0 + 2_000 });
    const ringing = call({ status: 'ringing', dateUpdated: T0 + 90_000 });
    await store.calls.insert(talking);
    await store.calls.insert(ringing);
    const clock = new ManualClock(T0 + 3_600_000);
    expect(await endOrphanedCalls(store, ACCOUNT, clock, T0 + 47_000)).toBe(2);
    expect(await store.calls.get(ACCOUNT, talking.sid)).toMatchObject({ status: 'completed', endTime: T0 + 47_000, duration: 45 });
    expect(await store.calls.get(ACCOUNT, ringing.sid)).toMatchObject({ status: 'failed', endTime: T0 + 90_000 });
  });
});
