import { VoiceError, type CallSid } from '@denwa/protocol';
import type { ManualClock } from '@denwa/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import type { CallEngine } from '../../src/calls/index.ts';
import { ACCOUNT, APP, FakeConnection, type FakeMedia, type FakeWebhooks } from './fakes.ts';
import { engineHarness, settle } from './engine-harness.ts';
let clock: ManualClock;
let store: Store;
let media: FakeMedia;
let web: FakeWebhooks;
let directory: Map<string, FakeConnection[]>;
let engine: CallEngine;
let alice: FakeConnection;


beforeEach(async () => {
  ({ clock, store, media, web, directory, engine } = await engineHarness({ appStatusCallback: 'https://app.test/status' }));
  alice = new FakeConnection('alice-1', 'alice');
});

function dial(twiml: string): void {
  web.twiml.set('https://app.test/voice', `<Response>${twiml}</Response>`);
}

function place(params: Record<string, string> = { To: 'bob' }, offer = 'offer'): CallSid {
  return engine.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params, offerSdp: offer });
}

async function calls(): Promise<{ sid: string; status: string; parentCallSid: string | null; duration: number | null; hangupSource: string | null }[]> {
  await engine.flushed();
  await settle();
  return [...(await store.calls.list(ACCOUNT, {}, { offset: 0, limit: 50 })).items];
}

describe('CallEngine: browser-placed calls through <Dial><Client>', () => {
  it('rings every device of the identity, bridges the first answer, cancels the others, and records both calls', async () => {
    const bob1 = new FakeConnection('bob-1', 'bob');
    const bob2 = new FakeConnection('bob-2', 'bob');
    directory.set('bob', [bob1, bob2]);
    dial('<Dial action="https://app.test/action"><Client><Identity>bob</Identity><Parameter name="ticket" value="42"/></Client></Dial>');
    web.twiml.set('https://app.test/action', '<Response><Hangup/></Response>');
    const parent = place({ To: 'bob', tier: 'gold' });
    await settle();
    expect(alice.frames).toEqual([`ringing ${parent}`, `answer ${parent} sdp E0`]);
    const voice = web.requests[0];
    expect(voice?.params).toMatchObject({ From: 'client:alice', To: 'bob', CallStatus: 'ringing', Direction: 'inbound', tier: 'gold', ApplicationSid: APP });
    expect(bob1.frames[0]).toMatch(/^invite CA\w+ client:alice ticket=42$/);
    expect(media.offeredCodecs).toEqual([['PCMU'], ['PCMU']]);
    const child = (bob1.frames[0] ?? '').split(' ')[1] as CallSid;

    engine.answer(bob2, child, 'bob answer');
    await settle();
    expect(bob1.frames.at(-1)).toBe(`cancel ${child}`);
    expect(media.bridges).toEqual([['E0', 'E2']]);

    await clock.advance(5_000);
    engine.hangup(bob2, child);
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${parent}`);
    const action = web.requests.find((r) => r.url === 'https://app.test/action');
    expect(action?.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child, DialCallDuration: '5', DialBridged: 'true' });
    const records = await calls();
    expect(records.find((c) => c.sid === parent)).toMatchObject({ status: 'completed', duration: 5 });
    expect(records.find((c) => c.sid === child)).toMatchObject({ status: 'completed', parentCallSid: parent, duration: 5, hangupSource: 'callee' });
    const events = await store.calls.listEvents(child);
    expect(events.map((e) => e.status)).toEqual(['queued', 'initiated', 'ringing', 'in-progress', 'completed']);
    expect(web.callbacks.map((c) => c.params['CallStatus'])).toEqual(['completed']);
  });

  it('a reject is busy, a timeout is no-answer, a missing client is failed — each reported to the action', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial action="https://app.test/action" timeout="10"><Client>bob</Client></Dial>');
    place();
    await settle();
    engine.reject(bob, (bob.frames[0] ?? '').split(' ')[1] as CallSid);
    await settle();
    expect(web.requests.at(-1)?.params['DialCallStatus']).toBe('busy');

    place();
    await settle();
    await clock.advance(10_000);
    await settle();
    expect(web.requests.at(-1)?.params['DialCallStatus']).toBe('no-answer');
    expect(bob.types().at(-1)).toBe('cancel');

    directory.clear();
    place();
    await settle();
    expect(web.requests.at(-1)?.params['DialCallStatus']).toBe('failed');
    const statuses = (await calls()).filter((c) => c.parentCallSid !== null).map((c) => c.status).sort();
    expect(statuses).toEqual(['busy', 'failed', 'no-answer']);
  });

  it('the caller hanging up while the callee rings cancels the child and the device', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial answerOnBridge="true"><Client>bob</Client></Dial>');
    const parent = place();
    await settle();
    expect(alice.types()).toEqual(['ringing']);
    engine.hangup(alice, parent);
    await settle();
    expect(bob.types()).toEqual(['invite', 'cancel']);
    const records = await calls();
    expect(records.find((c) => c.parentCallSid !== null)?.status).toBe('canceled');
    expect(records.find((c) => c.sid === parent)?.status).toBe('canceled');
  });

  it('hangupOnStar ends the callee and continues the caller with the next verb; timeLimit ends the bridge', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial hangupOnStar="true" timeLimit="30"><Client>bob</Client></Dial><Pause length="2"/><Dial timeLimit="30"><Client>bob</Client></Dial>');
    const parent = place();
    await settle();
    engine.answer(bob, (bob.frames[0] ?? '').split(' ')[1] as CallSid, 'ans');
    await settle();
    engine.dtmf(alice, parent, '*');
    await settle();
    expect(bob.types()).toEqual(['invite', 'hangup']);
    await clock.advance(2_000);
    await settle();
    expect(bob.types()).toEqual(['invite', 'hangup', 'invite']);
    engine.answer(bob, (bob.frames[2] ?? '').split(' ')[1] as CallSid, 'ans');
    await settle();
    await clock.advance(30_000);
    await settle();
    expect(bob.types()).toEqual(['invite', 'hangup', 'invite', 'hangup']);
    expect(alice.types().at(-1)).toBe('hangup');
    const events = await store.calls.listEvents(parent);
    expect(events.filter((e) => e.detail['event'] === 'dtmf').map((e) => e.detail['digits'])).toEqual(['*']);
  });

  it('<Redirect>, <Reject reason="busy"> and a redirect loop bound', async () => {
    web.twiml.set('https://app.test/voice', '<Response><Redirect>/next</Redirect></Response>');
    web.twiml.set('https://app.test/next', '<Response><Reject reason="busy"/></Response>');
    const first = place();
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${first} 31486`);
    web.twiml.set('https://app.test/voice', '<Response><Redirect>https://app.test/voice</Redirect></Response>');
    const looping = place();
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${looping} 31000`);
    expect((await calls()).map((c) => c.status).sort()).toEqual(['busy', 'failed']);
  });

  it('fails cleanly on garbage SDP, bad TwiML and an unreachable voice URL', async () => {
    const a = place({ To: 'x' }, 'garbage');
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${a} 31400`);
    web.twiml.set('https://app.test/voice', '<Response><Dial><Bogus/></Dial>');
    const b = place();
    await settle();
    expect(alice.frames.at(-1)).toMatch(new RegExp(`^hangup ${b} 12`));
    web.twiml.delete('https://app.test/voice');
    const c = place();
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${c} 11200`);
    expect((await calls()).every((r) => r.status === 'failed')).toBe(true);
  });

  it('resume re-binds a live call to a new connection; a connectToken pick-up answers a ringing call', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial><Client>bob</Client></Dial>');
    const parent = place();
    await settle();
    const wrong = await engine.resume(new FakeConnection('alice-2', 'alice'), parent, 'nope', 'sdp');
    expect(wrong.ok ? 0 : wrong.error.code).toBe(31107);
    const alice2 = new FakeConnection('alice-2', 'alice');
    const resumed = await engine.resume(alice2, parent, alice.lastReconnect, 'sdp');
    expect(resumed.ok && resumed.value.sdp).toBe(null);
    expect(resumed.ok && resumed.value.reconnect).not.toBe(alice.lastReconnect);

    const child = (bob.frames[0] ?? '').split(' ')[1] as CallSid;
    const picker = new FakeConnection('bob-9', 'bob');
    const picked = await engine.resume(picker, child, bob.lastReconnect, 'offer from picker');
    expect(picked.ok && picked.value.sdp).toMatch(/^sdp E\d+$/);
    await settle();
    expect(bob.types()).toEqual(['invite', 'cancel']);
    expect(media.bridges).toHaveLength(1);
    engine.hangup(alice2, parent);
    await settle();
    expect(picker.types().at(-1)).toBe('hangup');
    expect(alice.types().at(-1)).toBe('answer');
  });

  it('REST Calls.create rings the client as the parent call, then runs the TwiML; REST hangup ends it', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    web.twiml.set('https://app.test/created', '<Response><Pause length="60"/></Response>');
    const record = engine.createCall({
      accountSid: ACCOUNT, to: 'client:bob', from: '+815000000000', timeoutSec: 20,
      twiml: { kind: 'url', url: 'https://app.test/created', method: 'POST' },
      statusCallback: { url: 'https://app.test/cb', method: 'POST', events: new Set(['initiated', 'ringing', 'answered', 'completed'] as const) },
    });
    await settle();
    expect(bob.frames[0]).toBe(`invite ${record.sid} +815000000000 `);
    engine.answer(bob, record.sid, 'ans');
    await settle();
    expect(web.requests.at(-1)?.params).toMatchObject({ CallStatus: 'in-progress', Direction: 'outbound-api', To: 'client:bob' });
    expect(engine.hangupCall(record.sid, 'completed')).toBe(true);
    await settle();
    expect(bob.types().at(-1)).toBe('hangup');
    expect(web.callbacks.map((c) => [c.params['CallStatus'], c.params['SequenceNumber']])).toEqual([
      ['initiated', '0'], ['ringing', '1'], ['in-progress', '2'], ['completed', '3'],
    ]);
    expect((await calls())[0]).toMatchObject({ status: 'completed', hangupSource: 'api' });
  });

  it('a media failure (consent lost) ends the bridged call on both sides', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial><Client>bob</Client></Dial>');
    place();
    await settle();
    engine.answer(bob, (bob.frames[0] ?? '').split(' ')[1] as CallSid, 'ans');
    await settle();
    media.endpoints[0]?.onEvent({ type: 'failed', error: new VoiceError(53405, 'consent expired') });
    await settle();
    expect(alice.types().at(-1)).toBe('hangup');
    expect(bob.types().at(-1)).toBe('hangup');
  });

  it('tells each browser of a bridge when the other side starts and stops talking', async () => {
    const bob = new FakeConnection('bob-1', 'bob');
    directory.set('bob', [bob]);
    dial('<Dial><Client>bob</Client></Dial>');
    const parent = place();
    await settle();
    const childSid = (bob.frames[0] ?? '').split(' ')[1] as CallSid;
    engine.answer(bob, childSid, 'ans');
    await settle();
    const [aliceLeg, bobLeg] = media.endpoints;
    aliceLeg?.onEvent({ type: 'speech', speaking: true });
    bobLeg?.onEvent({ type: 'speech', speaking: true });
    aliceLeg?.onEvent({ type: 'speech', speaking: false });
    expect(bob.frames.filter((f) => f.startsWith('farend'))).toEqual([`farend ${childSid} true`, `farend ${childSid} false`]);
    expect(alice.frames.filter((f) => f.startsWith('farend'))).toEqual([`farend ${parent} true`]);
  });

  it('connectionLost ends the calls of that connection', async () => {
    dial('<Pause length="600"/>');
    place();
    await settle();
    engine.connectionLost(alice);
    await settle();
    expect((await calls())[0]).toMatchObject({ status: 'completed', hangupSource: 'caller' });
  });
});
