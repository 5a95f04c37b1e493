/**
 * The virtual carrier and REST calls to phone numbers, through the engine with fake ports: a
 * simulator (`sim_<digits>`) calls the account's numbers as the phone network does, `<Dial><Number>`
 * and REST `Calls.create` ring a registered simulator like a client, and REST calls to other numbers
 * go through the LegDriver with Twilio's status mapping.
 */
import { VoiceError, type AccountSid, type CallSid, type PhoneNumberSid } from '@denwa/protocol';
import type { ManualClock } from '@denwa/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/index.ts';
import type { PhoneNumberRecord, Store } from '../../src/store/index.ts';
import { CallEngine, simulatorIdentity, simulatorNumber, type IncomingCallParameters, type PhoneLegEnd } from '../../src/calls/index.ts';
import type { ProgressEvent } from '../../src/calls/index.ts';
import { ACCOUNT, APP, FakeConnection, T0, ids, type FakeDriver, type FakeMedia, type FakeWebhooks } from './fakes.ts';
import { engineHarness, settle } from './engine-harness.ts';

/** A connection that also keeps the parameters of each invite. */
class Phone extends FakeConnection {
  readonly invites: IncomingCallParameters[] = [];
  override sendInvite(sid: CallSid, sdp: string, p: IncomingCallParameters, reconnect: string): void {
    this.invites.push(p);
    super.sendInvite(sid, sdp, p, reconnect);
  }
}

const VIRTUAL = '+815000000000';
const SIM = '+819000000001';
const BIN = '<Response><Dial callerId="+815000000000" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>';

let clock: ManualClock;
let store: Store;
let media: FakeMedia;
let web: FakeWebhooks;
let directory: Map<string, FakeConnection[]>;
let driver: FakeDriver;
let engine: CallEngine;
let sim: Phone;
let user: Phone;
let numberSid: PhoneNumberSid;

const record = async (sid: string): Promise<Record<string, unknown> | null> => {
  await engine.flushed();
  await settle();
  return (await store.calls.get(ACCOUNT, sid as CallSid)) as Record<string, unknown> | null;
};
const sidOf = (frame: string | undefined): CallSid => (frame ?? '').split(' ')[1] as CallSid;

function number(phoneNumber: string, fields: Partial<PhoneNumberRecord> = {}, accountSid: AccountSid = ACCOUNT): PhoneNumberRecord {
  return {
    sid: ids.sid('phoneNumber'), accountSid, phoneNumber, friendlyName: phoneNumber, voiceUrl: 'https://app.test/bin', voiceMethod: 'POST',
    voiceFallbackUrl: null, voiceFallbackMethod: 'POST', voiceApplicationSid: null, statusCallback: null, statusCallbackMethod: 'POST',
    trunkSid: null, virtual: true, dateCreated: T0, dateUpdated: T0, ...fields,
  };
}

beforeEach(async () => {
  ({ clock, store, media, web, directory, driver, engine } = await engineHarness({ phone: true }));
  sim = new Phone('sim-1', simulatorIdentity(SIM));
  user = new Phone('user-1', 'twilio_user');
  directory.set('twilio_user', [user]);
  directory.set(simulatorIdentity(SIM), [sim]);
  const virtual = number(VIRTUAL, { statusCallback: 'https://app.test/number-status' });
  numberSid = virtual.sid;
  await store.phoneNumbers.insert(virtual);
  web.twiml.set('https://app.test/bin', BIN);
});

function simCalls(to: string): CallSid {
  return engine.placeCall({ connection: sim, accountSid: ACCOUNT, applicationSid: APP, params: { To: to }, offerSdp: 'offer' });
}

describe('simulator identities', () => {
  it('map E.164 numbers to client identities (letters, digits and _) and back', () => {
    expect(simulatorIdentity('+819000000001')).toBe('sim_819000000001');
    expect(simulatorNumber('sim_819000000001')).toBe('+819000000001');
    expect(simulatorNumber('sim_0123')).toBeNull();
    expect(simulatorNumber('twilio_user')).toBeNull();
    expect(() => simulatorIdentity('alice')).toThrow(TypeError);
  });
});

describe('a simulator calls a number of the account', () => {
  it('runs the number\'s TwiML as an inbound call from the phone network, rings twilio_user and bridges on accept', async () => {
    const sid = simCalls('+81 50-0000-0000');
    await settle();
    const request = web.requests.find((r) => r.url === 'https://app.test/bin');
    expect(request?.params).toMatchObject({
      CallSid: sid, From: SIM, Caller: SIM, To: VIRTUAL, Called: VIRTUAL, Direction: 'inbound', CallStatus: 'ringing',
      FromCountry: 'JP', CallerCountry: 'JP', ToCountry: 'JP', CalledCountry: 'JP',
    });
    expect(request?.params['ApplicationSid']).toBeUndefined();
    // <Dial> answers the caller at once (no answerOnBridge), then rings the browser with the callerId.
    expect(sim.types()).toEqual(['ringing', 'answer']);
    const child = sidOf(user.frames[0]);
    expect(user.invites[0]).toMatchObject({ From: VIRTUAL, To: 'client:twilio_user' });
    engine.answer(user, child, 'answer sdp');
    await settle();
    expect(media.bridges).toEqual([['E0', 'E1']]);
    await clock.advance(4_000);
    engine.hangup(sim, sid);
    await settle();
    expect(user.frames.at(-1)).toBe(`hangup ${child}`);
    expect(await record(sid)).toMatchObject({
      direction: 'inbound', from: SIM, to: VIRTUAL, phoneNumberSid: numberSid, trunkSid: null, applicationSid: null,
      status: 'completed', hangupSource: 'caller', duration: 4,
    });
    expect(await record(child)).toMatchObject({ direction: 'outbound-dial', parentCallSid: sid, from: VIRTUAL, to: 'client:twilio_user', status: 'completed' });
    expect(web.callbacks.find((c) => c.url === 'https://app.test/number-status')?.params).toMatchObject({ CallSid: sid, CallStatus: 'completed', Direction: 'inbound' });
  });

  it('uses the number\'s application when it has one', async () => {
    await store.phoneNumbers.insert(number('+815000000002', { voiceUrl: null, voiceApplicationSid: APP }));
    web.twiml.set('https://app.test/voice', '<Response><Hangup/></Response>');
    const sid = simCalls('+815000000002');
    await settle();
    expect(web.requests.map((r) => r.url)).toEqual(['https://app.test/voice']);
    expect(sim.frames.at(-1)).toBe(`hangup ${sid}`);
  });

  it.each([
    ['a number no account has', '+815099999999'],
    ['a number of another account', '+815000000003'],
    ['a client name', 'alice'],
  ])('fails %s with 13224 (not in service)', async (_what, to) => {
    const other = ids.sid('account');
    await store.accounts.upsert({ sid: other, friendlyName: 'b', authToken: 'y'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
    await store.phoneNumbers.insert(number('+815000000003', {}, other));
    const sid = simCalls(to);
    await settle();
    expect(sim.frames).toEqual([`hangup ${sid} 13224`]);
    expect(web.requests).toEqual([]);
    expect(await record(sid)).toMatchObject({ status: 'failed', errorCode: 13224, direction: 'inbound', from: SIM, phoneNumberSid: null });
  });

  it('fails a number without a voice URL or application with 13224', async () => {
    await store.phoneNumbers.insert(number('+815000000004', { voiceUrl: null }));
    const sid = simCalls('+815000000004');
    await settle();
    expect(sim.frames).toEqual([`hangup ${sid} 13224`]);
  });

  it('drops the call when the simulator hangs up while the number is looked up', async () => {
    const sid = simCalls(VIRTUAL);
    engine.hangup(sim, sid);
    await settle();
    expect(sim.frames).toEqual([]);
    expect(web.requests).toEqual([]);
    expect(await record(sid)).toBeNull();
  });
});

describe('<Dial><Number> to a registered simulator', () => {
  it('rings the simulator like a client with From = callerId and To = the number; other numbers go to the trunks', async () => {
    const alice = new Phone('alice-1', 'alice');
    web.twiml.set('https://app.test/voice', `<Response><Dial callerId="${VIRTUAL}"><Number>${SIM}</Number><Number>+819012345678</Number></Dial></Response>`);
    const parent = engine.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params: { To: SIM }, offerSdp: 'offer' });
    await settle();
    expect(sim.invites).toHaveLength(1);
    expect(sim.invites[0]).toMatchObject({ From: VIRTUAL, To: SIM });
    expect(driver.requests.map((r) => r.to)).toEqual(['+819012345678']);
    const child = sidOf(sim.frames[0]);
    expect((await record(child))?.['status']).toBe('ringing');
    engine.answer(sim, child, 'answer sdp');
    await settle();
    expect(driver.legs[0]?.leg.canceled).toBe(true);
    expect(media.bridges).toEqual([['E0', 'E1']]);
    engine.hangup(sim, child);
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${parent}`);
    expect(await record(child)).toMatchObject({ direction: 'outbound-dial', parentCallSid: parent, from: VIRTUAL, to: SIM, status: 'completed', hangupSource: 'callee' });
  });

  it('uses the parent\'s From without a callerId, and a number written with separators still finds the simulator', async () => {
    const alice = new Phone('alice-1', 'alice');
    web.twiml.set('https://app.test/voice', '<Response><Dial><Number>+81 90-0000-0001</Number></Dial></Response>');
    engine.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params: {}, offerSdp: 'offer' });
    await settle();
    expect(sim.invites[0]).toMatchObject({ From: 'client:alice' });
    expect(driver.requests).toEqual([]);
  });
});

const ALL: ReadonlySet<ProgressEvent> = new Set(['initiated', 'ringing', 'answered', 'completed']);

function createCall(to: string, twiml = '<Response><Pause length="5"/></Response>', timeoutSec = 30): CallSid {
  web.twiml.set('https://app.test/outbound', twiml);
  return engine.createCall({
    accountSid: ACCOUNT, to, from: VIRTUAL, twiml: { kind: 'url', url: 'https://app.test/outbound', method: 'POST' }, timeoutSec,
    statusCallback: { url: 'https://app.test/status', method: 'POST', events: ALL },
  }).sid;
}

const statuses = (): string[] => web.callbacks.filter((c) => c.url === 'https://app.test/status').map((c) => c.params['CallStatus'] ?? '');

describe('REST Calls.create to a phone number', () => {
  it('dials through the LegDriver, runs the TwiML once answered, and hangs up the leg when the TwiML ends', async () => {
    const sid = createCall('+819012345678');
    await settle();
    expect(driver.requests[0]).toMatchObject({ callSid: sid, to: '+819012345678', from: VIRTUAL, codecs: ['PCMU', 'PCMA'], accountSid: ACCOUNT });
    const leg = driver.legs[0];
    if (leg === undefined) throw new Error('no leg');
    leg.emit({ type: 'ringing', earlyMedia: false });
    await settle();
    expect(web.requests).toEqual([]);
    leg.emit({ type: 'answered' });
    await settle();
    expect(web.requests[0]?.params).toMatchObject({ CallSid: sid, Direction: 'outbound-api', CallStatus: 'in-progress', From: VIRTUAL, To: '+819012345678' });
    leg.emit({ type: 'dtmf', digits: '5' });
    await clock.advance(5_000);
    await settle();
    expect(leg.leg.hungUp).toBe(true);
    expect(await record(sid)).toMatchObject({ status: 'completed', direction: 'outbound-api', duration: 5, hangupSource: 'twiml' });
    expect(statuses()).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    const events = await store.calls.listEvents(sid);
    expect(events.some((e) => e.detail['event'] === 'dtmf' && e.detail['digits'] === '5')).toBe(true);
  });

  it('ends when the far end hangs up', async () => {
    const sid = createCall('+819012345678', '<Response><Pause length="60"/></Response>');
    await settle();
    driver.legs[0]?.emit({ type: 'answered' });
    await settle();
    driver.legs[0]?.emit({ type: 'ended', end: { kind: 'hangup' } });
    await settle();
    expect(await record(sid)).toMatchObject({ status: 'completed', hangupSource: 'callee' });
    expect(driver.legs[0]?.leg.hungUp).toBe(false);
  });

  it.each([
    [{ kind: 'busy', sipStatus: 486 } satisfies PhoneLegEnd, { status: 'busy', errorCode: 31486, hangupSource: 'callee' }],
    [{ kind: 'no-answer', sipStatus: 480 } satisfies PhoneLegEnd, { status: 'no-answer', errorCode: null, hangupSource: 'timeout' }],
    [{ kind: 'failed', sipStatus: 503, error: new VoiceError(32011, 'SIP 503 Service Unavailable') } satisfies PhoneLegEnd, { status: 'failed', errorCode: 32011, hangupSource: 'system' }],
  ])('maps %o to %o', async (end, expected) => {
    const sid = createCall('+819012345678');
    await settle();
    driver.legs[0]?.emit({ type: 'ended', end });
    await settle();
    expect(await record(sid)).toMatchObject(expected);
    expect(web.requests).toEqual([]);
    expect(statuses().at(-1)).toBe(expected.status);
  });

  it('gives up after Timeout (no-answer, the leg is canceled), fails a refused dial, and a Status=canceled update cancels the leg', async () => {
    const late = createCall('+819012345678', undefined, 10);
    await settle();
    await clock.advance(10_000);
    await settle();
    expect(driver.legs[0]?.leg.canceled).toBe(true);
    expect((await record(late))?.['status']).toBe('no-answer');

    const canceled = createCall('+819012345678');
    await settle();
    expect(engine.hangupCall(canceled, 'canceled')).toBe(true);
    await settle();
    expect(driver.legs[1]?.leg.canceled).toBe(true);
    expect(await record(canceled)).toMatchObject({ status: 'canceled', hangupSource: 'api' });

    driver.refuse = new VoiceError(13227, 'geo permissions do not allow +1');
    const refused = createCall('+12025550100');
    await settle();
    expect(await record(refused)).toMatchObject({ status: 'failed', errorCode: 13227 });
  });

  it('fails with 13224 when there is no phone network at all', async () => {
    const bare = new CallEngine({ store, webhooks: web, media, clients: { registered: () => [] }, clock, ids, log: createLogger({ level: 'silent' }) });
    const sid = bare.createCall({ accountSid: ACCOUNT, to: '+819012345678', from: VIRTUAL, twiml: { kind: 'inline', twiml: '<Response/>' }, timeoutSec: 30, statusCallback: null }).sid;
    await settle();
    await bare.flushed();
    expect(await store.calls.get(ACCOUNT, sid)).toMatchObject({ status: 'failed', errorCode: 13224 });
  });

  it('rings a registered simulator instead, with From and To in the invite; a reject is busy', async () => {
    const sid = createCall(SIM);
    await settle();
    expect(driver.requests).toEqual([]);
    expect(sim.invites[0]).toMatchObject({ CallSid: sid, From: VIRTUAL, To: SIM });
    engine.answer(sim, sid, 'answer sdp');
    await settle();
    expect(web.requests[0]?.params).toMatchObject({ Direction: 'outbound-api', CallStatus: 'in-progress', To: SIM });
    await clock.advance(5_000);
    await settle();
    expect(sim.frames.at(-1)).toBe(`hangup ${sid}`);
    expect(await record(sid)).toMatchObject({ status: 'completed', to: SIM, duration: 5 });

    const rejected = createCall(SIM);
    await settle();
    engine.reject(sim, rejected);
    await settle();
    expect(await record(rejected)).toMatchObject({ status: 'busy', hangupSource: 'callee' });
    expect(driver.requests).toEqual([]);
  });
});
