/** `<Dial record>` in the call engine: when each mode starts, which legs go on which channel, and what `<Dial action>` gets. */
import type { AccountSid, CallSid, RecordingSid } from '@denwa/protocol';
import { describe, expect, it } from 'vitest';
import type { ActiveRecording, MediaEndpoint, MediaResult, RecorderPort, RecordingOptions } from '../../src/calls/index.ts';
import type { RecordingRecord } from '../../src/store/index.ts';
import { ACCOUNT, APP, FakeConnection, ids, T0 } from './fakes.ts';
import { engineHarness, settle } from './engine-harness.ts';

class FakeRecorder implements RecorderPort {
  readonly started: { options: RecordingOptions; at: number; legs: (string | null)[][] }[] = [];
  stops = 0;
  now = (): number => T0;
  start(options: RecordingOptions, parent: MediaEndpoint | null, child: MediaEndpoint | null): Promise<MediaResult<ActiveRecording>> {
    const entry = { options, at: this.now(), legs: [[parent?.id ?? null, child?.id ?? null]] };
    this.started.push(entry);
    const sid = ids.sid('recording');
    const record = { sid, accountSid: options.accountSid, callSid: options.callSid, durationMs: null } as unknown as RecordingRecord;
    const value: ActiveRecording = {
        sid, callSid: options.callSid, record,
        setLegs: (p, c) => { entry.legs.push([p?.id ?? null, c?.id ?? null]); },
        pause: () => true,
        resume: () => true,
        stop: () => { this.stops++; return Promise.resolve({ ...record, durationMs: this.now() - entry.at }); },
    };
    this.live.push(value);
    return Promise.resolve({ ok: true, value });
  }
  readonly live: ActiveRecording[] = [];
  active(): ActiveRecording | null { return null; }
  activeForCall(callSid: CallSid): readonly ActiveRecording[] { return this.live.filter((r) => r.callSid === callSid); }
  recordingUrl(accountSid: AccountSid, sid: RecordingSid): string {
    return `https://denwa.test/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`;
  }
}

async function setup() {
  const recorder = new FakeRecorder();
  const h = await engineHarness({ recorder });
  recorder.now = () => h.clock.now();
  const alice = new FakeConnection('alice-1', 'alice');
  const bob = new FakeConnection('bob-1', 'bob');
  h.directory.set('bob', [bob]);
  h.web.twiml.set('https://app.test/action', '<Response><Hangup/></Response>');
  const place = (): CallSid => h.engine.placeCall({ connection: alice, accountSid: ACCOUNT, applicationSid: APP, params: { To: 'bob' }, offerSdp: 'offer' });
  const childOf = (): CallSid => (bob.frames[0] ?? '').split(' ')[1] as CallSid;
  return { ...h, recorder, alice, bob, place, childOf };
}

describe('<Dial record>', () => {
  it('record-from-answer-dual starts at the answer with the parent on channel 1 and the child on channel 2, and the action gets its sid, URL and duration', async () => {
    const h = await setup();
    h.web.twiml.set('https://app.test/voice', '<Response><Dial action="/action" record="record-from-answer-dual" recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed" trim="trim-silence" recordingTrack="inbound"><Client>bob</Client></Dial></Response>');
    const parent = h.place();
    await settle();
    await h.clock.advance(3_000);
    expect(h.recorder.started).toHaveLength(0);
    h.engine.answer(h.bob, h.childOf(), 'bob answer');
    await settle();
    expect(h.recorder.started).toHaveLength(1);
    expect(h.recorder.started[0]?.options).toEqual({
      accountSid: ACCOUNT, callSid: parent, source: 'DialVerb', channels: 2, track: 'inbound', trim: true,
      statusCallback: 'https://app.test/rec', statusCallbackMethod: 'POST', statusCallbackEvents: ['in-progress', 'completed'],
    });
    expect(h.recorder.started[0]?.legs[0]).toEqual(['E0', 'E1']);
    await h.clock.advance(7_000);
    h.engine.hangup(h.bob, h.childOf());
    await settle();
    expect(h.recorder.stops).toBe(1);
    const action = h.web.requests.find((r) => r.url === 'https://app.test/action');
    expect(action?.params).toMatchObject({ DialCallStatus: 'completed', RecordingDuration: '7' });
    expect(action?.params['RecordingUrl']).toMatch(new RegExp(`^https://denwa\\.test/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE[0-9a-f]{32}$`));
    expect(action?.params['RecordingSid']).toBe(action?.params['RecordingUrl']?.split('/').at(-1));
  });

  it('record-from-ringing starts while the dialed party rings (parent only), is mono, adds the child at the answer, and the duration counts the ringing', async () => {
    const h = await setup();
    h.web.twiml.set('https://app.test/voice', '<Response><Dial action="https://app.test/action" record="record-from-ringing"><Client>bob</Client></Dial></Response>');
    h.place();
    await settle();
    expect(h.recorder.started).toHaveLength(1);
    expect(h.recorder.started[0]?.options).toMatchObject({ channels: 1, track: 'both', trim: false, statusCallback: null, statusCallbackEvents: ['completed'] });
    expect(h.recorder.started[0]?.legs[0]).toEqual(['E0', null]);
    await h.clock.advance(2_000);
    h.engine.answer(h.bob, h.childOf(), 'bob answer');
    await settle();
    expect(h.recorder.started[0]?.legs.at(-1)).toEqual(['E0', 'E1']);
    await h.clock.advance(3_000);
    h.engine.hangup(h.bob, h.childOf());
    await settle();
    expect(h.web.requests.find((r) => r.url === 'https://app.test/action')?.params).toMatchObject({ RecordingDuration: '5' });
  });

  it('record-from-ringing with nobody answering still ends the recording and reports it; do-not-record records nothing', async () => {
    const h = await setup();
    h.web.twiml.set('https://app.test/voice', '<Response><Dial action="https://app.test/action" timeout="5" record="record-from-ringing-dual"><Client>bob</Client></Dial></Response>');
    h.place();
    await settle();
    await h.clock.advance(5_000); // the no-answer timeout
    await settle();
    expect(h.recorder.stops).toBe(1);
    expect(h.web.requests.find((r) => r.url === 'https://app.test/action')?.params).toMatchObject({ DialCallStatus: 'no-answer', RecordingDuration: '5' });

    const plain = await setup();
    plain.web.twiml.set('https://app.test/voice', '<Response><Dial action="https://app.test/action"><Client>bob</Client></Dial></Response>');
    plain.place();
    await settle();
    plain.engine.answer(plain.bob, plain.childOf(), 'bob answer');
    await settle();
    plain.engine.hangup(plain.bob, plain.childOf());
    await settle();
    expect(plain.recorder.started).toHaveLength(0);
    expect(plain.web.requests.find((r) => r.url === 'https://app.test/action')?.params['RecordingSid']).toBeUndefined();
  });

  it('a REST recording started on the caller before the bridge records the dialed leg once it is bridged', async () => {
    const h = await setup();
    h.web.twiml.set('https://app.test/voice', '<Response><Dial action="https://app.test/action"><Client>bob</Client></Dial></Response>');
    const parent = h.place();
    await settle();
    const started = await h.engine.startRecording(ACCOUNT, parent, {
      channels: 2, track: 'both', trim: false, statusCallback: null, statusCallbackMethod: 'POST', statusCallbackEvents: ['completed'],
    });
    expect(started.ok).toBe(true);
    expect(h.recorder.started[0]?.options.source).toBe('StartCallRecordingAPI');
    expect(h.recorder.started[0]?.legs).toEqual([['E0', null]]);
    h.engine.answer(h.bob, h.childOf(), 'bob answer');
    await settle();
    expect(h.recorder.started[0]?.legs.at(-1)).toEqual(['E0', 'E1']);
  });
});
