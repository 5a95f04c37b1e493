/**
 * Compatibility oracle for the Recordings resources: the official `twilio` helper library lists,
 * fetches, deletes, starts and updates recordings over a real socket, and its parsed objects carry
 * the values Denwa stored.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from '../harness.ts';
import { recordingsHarness, wavFile, type RecordingsHarness } from './recordings-harness.ts';

let h: RecordingsHarness;
let client: twilio.Twilio;

/** A twilio RequestClient that rewrites https://api.twilio.com to the local server. */
function localHttpClient(target: string): twilio.RequestClient {
  const real = new twilio.RequestClient();
  const c = Object.create(real) as twilio.RequestClient;
  c.request = (opts) => real.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, target) });
  return c;
}

beforeAll(async () => {
  h = await recordingsHarness();
  const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  client = twilio(h.accountSid, h.authToken, { httpClient: localHttpClient(base) });
});
afterAll(async () => { await h.close(); });

describe('official twilio helper against Denwa: Recordings', () => {
  it('lists (through pages, with filters), fetches and removes recordings', async () => {
    const call = h.ids.sid('call');
    const conference = h.ids.sid('conference');
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await h.seed({ callSid: call, channels: i % 2 === 0 ? 1 : 2, durationMs: 1000 * (i + 1) + 400, conferenceSid: i === 4 ? conference : null }));
      await h.clock.advance(60_000);
    }
    const newest = created.map((r) => r.sid).reverse();
    expect((await client.recordings.list({ pageSize: 2 })).map((r) => r.sid)).toEqual(newest);
    expect((await client.recordings.list({ limit: 3 })).map((r) => r.sid)).toEqual(newest.slice(0, 3));
    expect((await client.recordings.list({ callSid: call })).length).toBe(5);
    expect((await client.recordings.list({ callSid: h.ids.sid('call') }))).toEqual([]);
    expect((await client.recordings.list({ conferenceSid: conference })).map((r) => r.sid)).toEqual([newest[0]]);
    const second = created[1]!;
    const fourth = created[3]!;
    const window = await client.recordings.list({ dateCreatedAfter: new Date(second.dateCreated), dateCreatedBefore: new Date(fourth.dateCreated) });
    expect(window.map((r) => r.sid)).toEqual([fourth.sid, created[2]!.sid, second.sid]);
    expect((await client.recordings.list({ dateCreated: new Date(second.dateCreated), includeSoftDeleted: true })).map((r) => r.sid)).toEqual([second.sid]);

    const fetched = await client.recordings(second.sid).fetch();
    expect(fetched).toMatchObject({
      sid: second.sid, accountSid: h.accountSid, callSid: call, conferenceSid: null, channels: 2, duration: '2', source: 'DialVerb',
      status: 'completed', errorCode: null, price: null, priceUnit: 'USD', apiVersion: '2010-04-01', encryptionDetails: null,
      mediaUrl: `${PUBLIC_URL}/2010-04-01/Accounts/${h.accountSid}/Recordings/${second.sid}`,
      uri: `/2010-04-01/Accounts/${h.accountSid}/Recordings/${second.sid}.json`,
    });
    expect(fetched.startTime).toEqual(new Date(second.startTime));
    expect(fetched.dateCreated).toEqual(new Date(second.dateCreated));
    expect(fetched.subresourceUris).toEqual({
      add_on_results: `/2010-04-01/Accounts/${h.accountSid}/Recordings/${second.sid}/AddOnResults.json`,
      transcriptions: `/2010-04-01/Accounts/${h.accountSid}/Recordings/${second.sid}/Transcriptions.json`,
    });

    const withMedia = await h.putMedia(second, 'wav', wavFile(1, [1, 2, 3]));
    expect(await client.recordings(second.sid).remove()).toBe(true);
    expect(await h.storage.stat(withMedia.wavKey!)).toBeNull();
    await expect(client.recordings(second.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.recordings(second.sid).remove()).rejects.toMatchObject({ status: 404, code: 20404 });

    const live = await h.seed({ status: 'in-progress', durationMs: null });
    expect((await client.recordings(live.sid).fetch()).duration).toBeNull();
    await expect(client.recordings(live.sid).remove()).rejects.toMatchObject({ status: 409, code: 20009 });
  });

  it('starts, pauses, resumes and stops a recording of a live call', async () => {
    const { callSid } = await h.liveCall();
    const rec = await client.calls(callSid).recordings.create({
      recordingChannels: 'dual', recordingTrack: 'both', trim: 'do-not-trim',
      recordingStatusCallback: 'https://app.test/rec', recordingStatusCallbackEvent: ['in-progress', 'completed'],
    });
    expect(rec).toMatchObject({ callSid, accountSid: h.accountSid, conferenceSid: null, status: 'in-progress', channels: 2, source: 'StartCallRecordingAPI', track: 'both', duration: null, errorCode: null });
    expect(rec.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(rec.startTime).toEqual(new Date(h.clock.now()));
    expect(rec.uri).toBe(`/2010-04-01/Accounts/${h.accountSid}/Calls/${callSid}/Recordings/${rec.sid}.json`);
    expect(await h.store.recordings.get(h.accountSid, rec.sid as never)).toMatchObject({ statusCallbackEvents: ['in-progress', 'completed'] });

    await h.clock.advance(3000);
    expect((await client.calls(callSid).recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'skip' })).status).toBe('paused');
    expect((await client.calls(callSid).recordings(rec.sid).fetch()).status).toBe('paused');
    expect((await client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'in-progress' })).status).toBe('in-progress');
    expect((await client.calls(callSid).recordings.list()).map((r) => r.sid)).toEqual([rec.sid]);
    expect((await client.recordings.list({ callSid })).map((r) => r.sid)).toEqual([rec.sid]);

    await h.clock.advance(2000);
    const stopped = await client.calls(callSid).recordings(rec.sid).update({ status: 'stopped' });
    expect(['processing', 'completed']).toContain(stopped.status);
    expect(stopped.duration).toBe('5');
    await expect(client.calls(callSid).recordings(rec.sid).update({ status: 'paused' })).rejects.toMatchObject({ status: 409, code: 16114 });
    await expect(client.calls(callSid).recordings('Twilio.CURRENT').update({ status: 'paused' })).rejects.toMatchObject({ status: 404, code: 20404 });

    await client.calls(callSid).update({ status: 'completed' });
    await expect(client.calls(callSid).recordings.create()).rejects.toMatchObject({ status: 400, code: 21220 });
  });
});
