/**
 * The call engine and the phone network, through a fake LegDriver: `<Dial><Number>` and `<Sip>`
 * (progress, answer, bridge, sendDigits, Twilio's status mapping, the dial timeout, no trunk) and
 * calls that arrive on a trunk (ringing, answer by `<Dial>`, the caller's BYE and CANCEL, `<Reject>`).
 */
import { VoiceError, type CallSid } from '@denwa/protocol';
import type { ManualClock } from '@denwa/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/index.ts';
import type { Store } from '../../src/store/index.ts';
import { CallEngine } from '../../src/calls/index.ts';
import type { InboundPhoneLeg } from '../../src/calls/index.ts';
import { ACCOUNT, APP, FakeConnection, FakeEndpoint, ids, type FakeDriver, type FakeMedia, type FakeWebhooks } from './fakes.ts';
import { engineHarness, settle } from './engine-harness.ts';

let clock: ManualClock;
let store: Store;
let media: FakeMedia;
let web: FakeWebhooks;
let directory: Map<string, FakeConnection[]>;
let driver: FakeDriver;
let engine: CallEngine;
let alice: FakeConnection;


beforeEach(async () => {
  ({ clock, store, media, web, directory, driver, engine } = await engineHarness({ phone: true }));
  alice = new FakeConnection('alice-1', 'alice');
  web.twiml.set('https://app.test/action', '<Response><Hangup/></Response>');
});

function place(twiml: string): CallSid {
  web.twiml.set('https://app.test/voice', `<Response>${twiml}</Response>`);
  return engine.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params: { To: '+819012345678' }, offerSdp: 'offer' });
}

const action = (): Record<string, string> | undefined => web.requests.find((r) => r.url === 'https://app.test/action')?.params;
const record = async (sid: string): Promise<Record<string, unknown> | null> => { await engine.flushed(); await settle(); return (await store.calls.get(ACCOUNT, sid as CallSid)) as Record<string, unknown> | null; };

describe('<Dial><Number> and <Sip> through the LegDriver', () => {
  it('dials with the caller ID and the parent codec, rings, bridges on answer, plays sendDigits, and ends when the far end hangs up', async () => {
    const parent = place('<Dial callerId="+815000000001" action="https://app.test/action"><Number sendDigits="1w2">+819012345678</Number></Dial>');
    await settle();
    expect(driver.requests[0]).toMatchObject({ to: '+819012345678', from: '+815000000001', codecs: ['PCMU'], accountSid: ACCOUNT });
    const child = driver.requests[0]?.callSid ?? '';
    const leg = driver.legs[0];
    if (leg === undefined) throw new Error('no leg');
    leg.emit({ type: 'ringing', earlyMedia: false });
    await settle();
    expect((await record(child))?.['status']).toBe('ringing');
    leg.emit({ type: 'answered' });
    await settle();
    expect(media.bridges).toEqual([['E0', 'P0']]);
    await clock.advance(2_000);
    expect(leg.leg.digits).toEqual(['1', '2']);
    await clock.advance(3_000);
    leg.emit({ type: 'ended', end: { kind: 'hangup' } });
    await settle();
    expect(action()).toMatchObject({ DialCallStatus: 'completed', DialCallSid: child, DialCallDuration: '5' });
    expect(alice.frames.at(-1)).toBe(`hangup ${parent}`);
    expect(await record(child)).toMatchObject({ status: 'completed', hangupSource: 'callee', to: '+819012345678', direction: 'outbound-dial' });
    expect(leg.leg.hungUp).toBe(false);
  });

  it('hangs up the phone leg (BYE) when the browser hangs up', async () => {
    const parent = place('<Dial><Sip username="u" password="p">sip:bob@127.0.0.1:5070</Sip></Dial>');
    await settle();
    expect(driver.requests[0]).toMatchObject({ to: 'sip:bob@127.0.0.1:5070', credentials: { username: 'u', password: 'p' } });
    driver.legs[0]?.emit({ type: 'answered' });
    await settle();
    engine.hangup(alice, parent);
    await settle();
    expect(driver.legs[0]?.leg.hungUp).toBe(true);
  });

  it.each([
    [{ kind: 'busy', sipStatus: 486 } as const, 'busy'],
    [{ kind: 'no-answer', sipStatus: 480 } as const, 'no-answer'],
    [{ kind: 'failed', sipStatus: 503, error: new VoiceError(32011, 'SIP 503 Service Unavailable') } as const, 'failed'],
  ])('maps %o to DialCallStatus %s', async (end, status) => {
    place('<Dial action="https://app.test/action"><Number>+819012345678</Number></Dial>');
    await settle();
    driver.legs[0]?.emit({ type: 'ended', end });
    await settle();
    expect(action()?.['DialCallStatus']).toBe(status);
    const child = await record(driver.requests[0]?.callSid ?? '');
    expect(child?.['status']).toBe(status);
    if (status === 'failed') expect(child?.['errorCode']).toBe(32011);
  });

  it('cancels the phone leg after the dial timeout: no-answer', async () => {
    place('<Dial timeout="5" action="https://app.test/action"><Number>+819012345678</Number></Dial>');
    await settle();
    driver.legs[0]?.emit({ type: 'ringing', earlyMedia: true });
    await clock.advance(5_000);
    await settle();
    expect(driver.legs[0]?.leg.canceled).toBe(true);
    expect(action()?.['DialCallStatus']).toBe('no-answer');
  });

  it('fails a number the driver refuses (geo permissions) and one with no phone network at all', async () => {
    driver.refuse = new VoiceError(13227, 'geo permissions do not allow +1');
    place('<Dial action="https://app.test/action"><Number>+12025550100</Number></Dial>');
    await settle();
    expect(action()?.['DialCallStatus']).toBe('failed');
    expect((await record(driver.requests[0]?.callSid ?? ''))?.['errorCode']).toBe(13227);

    const bare = new CallEngine({ store, webhooks: web, media, clients: { registered: () => [] }, clock, ids, log: createLogger({ level: 'silent' }) });
    web.twiml.set('https://app.test/voice', '<Response><Dial><Number>+819012345678</Number></Dial></Response>');
    bare.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params: {}, offerSdp: 'offer' });
    await settle();
    await bare.flushed();
    const failed = (await store.calls.list(ACCOUNT, {}, { offset: 0, limit: 50 })).items.filter((c) => c.errorCode === 13224);
    expect(failed).toHaveLength(1);
  });
});

describe('calls that arrive on a trunk', () => {
  function inbound(twiml: string): { leg: InboundPhoneLeg & { log: string[] }; handle: ReturnType<CallEngine['incomingPhoneCall']> } {
    const log: string[] = [];
    const endpoint = new FakeEndpoint('IN', () => undefined);
    const leg = { endpoint, log, ringing: (early: boolean) => { log.push(`ringing ${String(early)}`); }, answer: () => { log.push('answer'); }, reject: (kind: string) => { log.push(`reject ${kind}`); }, hangup: () => { log.push('hangup'); } };
    web.twiml.set('https://app.test/incoming', `<Response>${twiml}</Response>`);
    const handle = engine.incomingPhoneCall({
      accountSid: ACCOUNT, phoneNumberSid: null, trunkSid: null, from: '+819012345678', to: '+815000000000', callerName: 'YAMADA',
      twiml: { kind: 'url', url: 'https://app.test/incoming', method: 'POST' }, statusCallback: null, params: { CallerName: 'YAMADA', FromCountry: 'JP' }, leg,
    });
    return { leg, handle };
  }

  it('rings, asks the TwiML with the inbound parameters, answers for <Dial>, bridges to the browser, and the BYE hangs up the browser', async () => {
    directory.set('twilio_user', [alice]);
    const { leg, handle } = inbound('<Dial record="record-from-answer-dual"><Client>twilio_user</Client></Dial>');
    await settle();
    expect(leg.log).toEqual(['ringing false', 'answer']);
    expect(web.requests.at(-1)?.params).toMatchObject({ From: '+819012345678', To: '+815000000000', Direction: 'inbound', CallerName: 'YAMADA', FromCountry: 'JP' });
    const child = (alice.frames[0] ?? '').split(' ')[1] as CallSid;
    expect(alice.frames[0]).toBe(`invite ${child} +819012345678 `);
    engine.answer(alice, child, 'answer sdp');
    await settle();
    expect(media.bridges).toEqual([['IN', 'E0']]);
    handle.remoteEnded();
    await settle();
    expect(alice.frames.at(-1)).toBe(`hangup ${child}`);
    expect(await record(handle.callSid)).toMatchObject({ status: 'completed', hangupSource: 'caller', direction: 'inbound', callerName: 'YAMADA' });
    expect(leg.log).toEqual(['ringing false', 'answer']);
  });

  it('answers only when bridged with answerOnBridge, and the caller CANCEL stops the browser ringing', async () => {
    directory.set('twilio_user', [alice]);
    const { leg, handle } = inbound('<Dial answerOnBridge="true"><Client>twilio_user</Client></Dial>');
    await settle();
    expect(leg.log).toEqual(['ringing false']);
    handle.remoteEnded();
    await settle();
    expect(alice.frames.at(-1)).toMatch(/^cancel CA/);
    expect((await record(handle.callSid))?.['status']).toBe('canceled');
    expect(leg.log).toEqual(['ringing false']);
  });

  it('refuses with <Reject reason="busy">, and hangs up an answered call when the TwiML ends', async () => {
    const busy = inbound('<Reject reason="busy"/>');
    await settle();
    expect(busy.leg.log).toEqual(['ringing false', 'reject busy']);
    directory.set('twilio_user', [alice]);
    const { leg } = inbound('<Dial timeout="5"><Client>twilio_user</Client></Dial>');
    await settle();
    await clock.advance(5_000);
    await settle();
    expect(leg.log).toEqual(['ringing false', 'answer', 'hangup']);
  });
});

describe('early media', () => {
  it('bridges a 183 with SDP before the answer and gives the browser its answer SDP in ringing (answerOnBridge)', async () => {
    const parent = place('<Dial answerOnBridge="true"><Number>+819012345678</Number></Dial>');
    await settle();
    expect(alice.frames).toEqual([`ringing ${parent}`]);
    driver.legs[0]?.emit({ type: 'ringing', earlyMedia: true });
    await settle();
    expect(alice.frames).toEqual([`ringing ${parent}`, `ringing ${parent}`]);
    expect(media.bridges).toEqual([['E0', 'P0']]);
    driver.legs[0]?.emit({ type: 'answered' });
    await settle();
    expect(alice.frames.at(-1)).toBe(`answer ${parent} sdp E0`);
    expect(media.bridges).toEqual([['E0', 'P0'], ['E0', 'P0']]);
  });
});
