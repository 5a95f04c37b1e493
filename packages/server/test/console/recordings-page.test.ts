/** The console's `/recordings/` page: behind Basic auth, newest first, a player on the REST media URL, HTML-escaped. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordingRecord } from '../../src/store/index.ts';
import { basic, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

function recording(n: number, patch: Partial<RecordingRecord> = {}): RecordingRecord {
  const t = 1_800_000_000_000 + n * 1000;
  return {
    sid: `RE${String(n).padStart(32, '0')}` as RecordingRecord['sid'], accountSid: h.accountSid, callSid: `CA${String(n).padStart(32, '0')}` as RecordingRecord['callSid'],
    conferenceSid: null, status: 'completed', source: 'DialVerb', channels: 2, track: 'both', sampleRate: 8000, trim: false, startTime: t, durationMs: 4200,
    spoolPath: null, wavKey: `${h.accountSid}/RE.wav`, mp3Key: `${h.accountSid}/RE.mp3`, statusCallback: null, statusCallbackMethod: 'POST',
    statusCallbackEvents: ['completed'], errorCode: null, dateCreated: t, dateUpdated: t, ...patch,
  };
}

describe('/recordings/', () => {
  it('needs the account credentials', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/recordings/' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/recordings/', headers: { authorization: basic(h.accountSid, 'wrong') } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/recordings' })).headers.location).toBe('/recordings/');
  });

  it('lists recordings newest first with a player on the REST media URL (MP3, else WAV), and says when there are none', async () => {
    const empty = await h.app.inject({ method: 'GET', url: '/recordings/', headers: { authorization: h.auth } });
    expect(empty.body).toContain('No recordings yet');
    await h.store.recordings.insert(recording(1, { mp3Key: null }));
    await h.store.recordings.insert(recording(2));
    await h.store.recordings.insert(recording(3, { status: 'in-progress', wavKey: null, mp3Key: null, durationMs: null }));
    const page = await h.app.inject({ method: 'GET', url: '/recordings/', headers: { authorization: h.auth } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const body = page.body;
    const base = `/2010-04-01/Accounts/${h.accountSid}/Recordings`;
    expect(body).toContain(`<audio controls preload="none" src="${base}/${recording(2).sid}.mp3">`);
    expect(body).toContain(`<audio controls preload="none" src="${base}/${recording(1).sid}.wav">`);
    expect(body).not.toContain(`${recording(3).sid}.mp3`);
    expect(body.indexOf(recording(3).sid)).toBeLessThan(body.indexOf(recording(2).sid));
    expect(body.indexOf(recording(2).sid)).toBeLessThan(body.indexOf(recording(1).sid));
    expect(body).toContain('<code>4 s</code>');
  });
});
