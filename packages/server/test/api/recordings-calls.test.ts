/**
 * `Calls/{CallSid}/Recordings`: recording a live call through the REST API (a real CallEngine on fake
 * media with a real RecordingService), pausing, resuming and stopping it (also as `Twilio.CURRENT`),
 * the call's list, fetch and delete.
 */
import type { CallSid } from '@denwa/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeG711 } from '../../src/media/codec/index.ts';
import type { FakeEndpoint } from '../calls/fakes.ts';
import { FORM, form } from '../harness.ts';
import { recordingsHarness, type RecordingsHarness } from './recordings-harness.ts';

let h: RecordingsHarness;
beforeEach(async () => { h = await recordingsHarness(); });
afterEach(async () => { await h.close(); });

const PCMU = { name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 } as const;

const post = (path: string, body: Record<string, string | string[]> = {}) =>
  h.app.inject({ method: 'POST', url: `${h.base}${path}`, headers: { ...FORM, authorization: h.auth }, payload: form(body) });
const get = (path: string) => h.app.inject({ method: 'GET', url: `${h.base}${path}`, headers: { authorization: h.auth } });

/** Plays `ms` of a tone into the leg as 20 ms μ-law packets arriving on time, advancing the clock. */
async function play(endpoint: FakeEndpoint, ms: number): Promise<void> {
  const start = h.clock.now();
  for (let n = 0; n < ms / 20; n++) {
    const pcm = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (n * 160 + i)) / 8000)));
    const payload = new Uint8Array(160);
    encodeG711('ulaw', pcm, 0, 160, payload, 0);
    endpoint.tap?.onAudio(payload, PCMU, (1000 + n * 160) >>> 0, 0x1234, start + (n + 1) * 20);
    await h.clock.advance(20);
  }
}

async function start(callSid: CallSid, body: Record<string, string | string[]> = {}): Promise<{ sid: string; status: string }> {
  const res = await post(`/Calls/${callSid}/Recordings.json`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('Calls/{CallSid}/Recordings: create', () => {
  it('starts recording a live call: 201, in-progress, StartCallRecordingAPI, the call-scoped uri, the options stored', async () => {
    const { callSid, endpoint } = await h.liveCall();
    const res = await post(`/Calls/${callSid}/Recordings.json`, {
      RecordingChannels: 'dual', RecordingTrack: 'inbound', Trim: 'trim-silence', RecordingStatusCallback: 'https://app.test/rec',
      RecordingStatusCallbackMethod: 'GET', RecordingStatusCallbackEvent: ['in-progress completed', 'absent'], PlayBeep: 'true',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      account_sid: h.accountSid, call_sid: callSid, conference_sid: null, status: 'in-progress', source: 'StartCallRecordingAPI', channels: 2,
      track: 'inbound', duration: null, error_code: null, price: null, price_unit: 'USD', start_time: 'Mon, 23 Nov 2026 12:00:00 +0000',
      uri: `/2010-04-01/Accounts/${h.accountSid}/Calls/${callSid}/Recordings/${body.sid}.json`,
      media_url: `http://127.0.0.1:3000/2010-04-01/Accounts/${h.accountSid}/Recordings/${body.sid}`,
    });
    expect(endpoint.tap).not.toBeNull();
    const stored = await h.store.recordings.get(h.accountSid, body.sid);
    expect(stored).toMatchObject({
      callSid, channels: 2, track: 'inbound', trim: true, statusCallback: 'https://app.test/rec', statusCallbackMethod: 'GET',
      statusCallbackEvents: ['in-progress', 'completed', 'absent'],
    });
    const list = (await get(`/Calls/${callSid}/Recordings.json`)).json();
    expect(list.recordings.map((r: { sid: string }) => r.sid)).toEqual([body.sid]);
    expect(list.uri).toBe(`/2010-04-01/Accounts/${h.accountSid}/Calls/${callSid}/Recordings.json?PageSize=50&Page=0`);
    expect((await get(`/Calls/${callSid}/Recordings/${body.sid}.json`)).json()).toMatchObject({ sid: body.sid, status: 'in-progress' });
  });

  it('defaults to mono, both tracks, no trim, POST and the completed event', async () => {
    const { callSid } = await h.liveCall();
    const body = await start(callSid);
    expect(await h.store.recordings.get(h.accountSid, body.sid as never)).toMatchObject({
      channels: 1, track: 'both', trim: false, statusCallback: null, statusCallbackMethod: 'POST', statusCallbackEvents: ['completed'],
    });
  });

  it.each([
    [{ RecordingChannels: 'stereo' }, 20001, /RecordingChannels/],
    [{ RecordingTrack: 'left' }, 20001, /RecordingTrack/],
    [{ Trim: 'yes' }, 20001, /Trim/],
    [{ RecordingStatusCallbackEvent: 'in-progress ringing' }, 20001, /RecordingStatusCallbackEvent "ringing"/],
    [{ RecordingStatusCallbackMethod: 'PUT' }, 20001, /RecordingStatusCallbackMethod/],
    [{ RecordingStatusCallback: 'not a url' }, 21205, /RecordingStatusCallback/],
  ])('refuses %o with %i', async (params, code, message) => {
    const { callSid } = await h.liveCall();
    const res = await post(`/Calls/${callSid}/Recordings.json`, params);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect(res.json().message).toMatch(message);
  });

  it('refuses a call that is not in progress with 21220, and an unknown call with 20404', async () => {
    const { callSid } = await h.liveCall();
    expect((await post(`/Calls/${callSid}.json`, { Status: 'completed' })).statusCode).toBe(200);
    await h.settle();
    const ended = await post(`/Calls/${callSid}/Recordings.json`);
    expect(ended.statusCode).toBe(400);
    expect(ended.json().code).toBe(21220);
    const unknown = await post(`/Calls/${h.ids.sid('call')}/Recordings.json`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe(20404);
  });
});

describe('Calls/{CallSid}/Recordings/{Sid}: update', () => {
  it('pauses, resumes and stops; the stopped recording completes and its WAV can be downloaded and deleted', async () => {
    const { callSid, endpoint } = await h.liveCall();
    const rec = await start(callSid);
    await play(endpoint, 1000);
    const paused = await post(`/Calls/${callSid}/Recordings/${rec.sid}.json`, { Status: 'paused', PauseBehavior: 'skip' });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ sid: rec.sid, status: 'paused', duration: null });
    expect((await post(`/Calls/${callSid}/Recordings/${rec.sid}.json`, { Status: 'paused' })).json().status).toBe('paused');
    await play(endpoint, 1000); // skipped
    const resumed = await post(`/Calls/${callSid}/Recordings/Twilio.CURRENT.json`, { Status: 'in-progress' });
    expect(resumed.json()).toMatchObject({ sid: rec.sid, status: 'in-progress' });
    await play(endpoint, 1000);
    const stopped = await post(`/Calls/${callSid}/Recordings/${rec.sid}.json`, { Status: 'stopped' });
    expect(stopped.statusCode).toBe(200);
    expect(['processing', 'completed']).toContain(stopped.json().status);
    expect(stopped.json().duration).toBe('2');
    await h.service.close(); // waits for the storage
    const done = (await get(`/Recordings/${rec.sid}.json`)).json();
    expect(done).toMatchObject({ status: 'completed', duration: '2' });
    const wav = await get(`/Recordings/${rec.sid}.wav`);
    expect(wav.statusCode).toBe(200);
    expect(wav.rawPayload.readUInt16LE(22)).toBe(1);
    // 2 s of 8 kHz mono: the paused second is left out.
    expect(Math.abs(wav.rawPayload.length / 16 - 2000)).toBeLessThan(100);
    const again = await post(`/Calls/${callSid}/Recordings/${rec.sid}.json`, { Status: 'paused' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe(16114);
    const removed = await h.app.inject({ method: 'DELETE', url: `${h.base}/Calls/${callSid}/Recordings/${rec.sid}.json`, headers: { authorization: h.auth } });
    expect(removed.statusCode).toBe(204);
    expect((await get(`/Recordings/${rec.sid}.json`)).statusCode).toBe(404);
  });

  it('refuses to delete the live recording (20009) until it is stopped', async () => {
    const { callSid } = await h.liveCall();
    const rec = await start(callSid);
    const res = await h.app.inject({ method: 'DELETE', url: `${h.base}/Calls/${callSid}/Recordings/${rec.sid}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe(20009);
  });

  it('Twilio.CURRENT: 20404 without an active recording, 16108 with two', async () => {
    const { callSid } = await h.liveCall();
    const none = await post(`/Calls/${callSid}/Recordings/Twilio.CURRENT.json`, { Status: 'paused' });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe(20404);
    const first = await start(callSid);
    expect((await post(`/Calls/${callSid}/Recordings/Twilio.CURRENT`, { Status: 'paused', PauseBehavior: 'silence' })).json()).toMatchObject({ sid: first.sid, status: 'paused' });
    await start(callSid);
    const two = await post(`/Calls/${callSid}/Recordings/Twilio.CURRENT.json`, { Status: 'stopped' });
    expect(two.statusCode).toBe(409);
    expect(two.json().code).toBe(16108);
  });

  it('validates Status and PauseBehavior (20001), and 404s a recording of another call', async () => {
    const { callSid } = await h.liveCall();
    const rec = await start(callSid);
    for (const body of [{}, { Status: 'completed' }, { Status: 'paused', PauseBehavior: 'mute' }]) {
      const res = await post(`/Calls/${callSid}/Recordings/${rec.sid}.json`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe(20001);
    }
    const otherCall = h.ids.sid('call');
    for (const res of [
      await post(`/Calls/${otherCall}/Recordings/${rec.sid}.json`, { Status: 'paused' }),
      await get(`/Calls/${otherCall}/Recordings/${rec.sid}.json`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe(20404);
    }
  });

  it('stops the recording when the call ends', async () => {
    const { callSid, endpoint } = await h.liveCall();
    const rec = await start(callSid);
    await play(endpoint, 500);
    await post(`/Calls/${callSid}.json`, { Status: 'completed' });
    await h.service.close();
    expect((await get(`/Calls/${callSid}/Recordings/${rec.sid}.json`)).json()).toMatchObject({ status: 'completed', duration: '1' });
  });
});
