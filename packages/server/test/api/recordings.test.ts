/**
 * The Recordings resource through `app.inject()`: list, filters and paging, fetch, delete, the media
 * (WAV, MP3, Range, RequestedChannels) from a real RecordingService over files on disk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_URL, basic } from '../harness.ts';
import { mp3File, recordingsHarness, samplesOf, wavFile, type RecordingsHarness } from './recordings-harness.ts';

let h: RecordingsHarness;
beforeEach(async () => { h = await recordingsHarness(); });
afterEach(async () => { await h.close(); });

const get = (path: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url: `${h.base}${path}`, headers: { authorization: h.auth, ...headers } });
const sids = (body: { recordings: { sid: string }[] }): string[] => body.recordings.map((r) => r.sid);

describe('Recordings: list and fetch', () => {
  it('fetches a recording in Twilio\'s shape', async () => {
    const r = await h.seed({ durationMs: 9_600, channels: 2, errorCode: null });
    const res = await get(`/Recordings/${r.sid}.json`);
    expect(res.statusCode).toBe(200);
    const path = `/2010-04-01/Accounts/${h.accountSid}/Recordings/${r.sid}`;
    expect(res.json()).toEqual({
      account_sid: h.accountSid,
      api_version: '2010-04-01',
      call_sid: r.callSid,
      conference_sid: null,
      date_created: 'Mon, 23 Nov 2026 12:00:00 +0000',
      date_updated: 'Mon, 23 Nov 2026 12:00:00 +0000',
      start_time: 'Mon, 23 Nov 2026 11:59:50 +0000',
      duration: '10',
      sid: r.sid,
      price: null,
      price_unit: 'USD',
      status: 'completed',
      channels: 2,
      source: 'DialVerb',
      error_code: null,
      track: 'both',
      uri: `${path}.json`,
      encryption_details: null,
      media_url: `${PUBLIC_URL}${path}`,
      subresource_uris: { add_on_results: `${path}/AddOnResults.json`, transcriptions: `${path}/Transcriptions.json` },
    });
  });

  it('shows duration null while recording, and the error code of an absent recording', async () => {
    const live = await h.seed({ status: 'in-progress', durationMs: null, source: 'StartCallRecordingAPI' });
    expect((await get(`/Recordings/${live.sid}.json`)).json()).toMatchObject({ status: 'in-progress', duration: null, source: 'StartCallRecordingAPI' });
    const absent = await h.seed({ status: 'absent', durationMs: 0, errorCode: 16102 });
    expect((await get(`/Recordings/${absent.sid}.json`)).json()).toMatchObject({ status: 'absent', duration: '0', error_code: 16102 });
  });

  it('lists newest first, pages with PageSize and Page, and keeps the filters in the paging URIs', async () => {
    const call = h.ids.sid('call');
    const seeded = [];
    for (let i = 0; i < 5; i++) {
      seeded.push(await h.seed({ callSid: call }));
      await h.clock.advance(1000);
    }
    const newest = seeded.map((r) => r.sid).reverse();
    const all = (await get('/Recordings.json')).json();
    expect(sids(all)).toEqual(newest);
    const page1 = (await get(`/Recordings.json?PageSize=2&Page=1&CallSid=${call}`)).json();
    expect(sids(page1)).toEqual(newest.slice(2, 4));
    expect(page1).toMatchObject({ page: 1, page_size: 2, start: 2, end: 3 });
    expect(page1.next_page_uri).toBe(`/2010-04-01/Accounts/${h.accountSid}/Recordings.json?CallSid=${call}&PageSize=2&Page=2`);
    expect(page1.previous_page_uri).toBe(`/2010-04-01/Accounts/${h.accountSid}/Recordings.json?CallSid=${call}&PageSize=2&Page=0`);
    const last = (await h.app.inject({ method: 'GET', url: page1.next_page_uri, headers: { authorization: h.auth } })).json();
    expect(sids(last)).toEqual(newest.slice(4));
    expect(last.next_page_uri).toBeNull();
  });

  it('filters by CallSid, ConferenceSid and DateCreated (a day, or inclusive <= and >= in every spelling); IncludeSoftDeleted is ignored', async () => {
    const day = Date.UTC(2026, 10, 20);
    const callA = h.ids.sid('call');
    const conference = h.ids.sid('conference');
    const a = await h.seed({ callSid: callA, dateCreated: day - 1 }); // 19 Nov, 23:59:59.999
    const b = await h.seed({ dateCreated: day, conferenceSid: conference }); // 20 Nov, 00:00
    const c = await h.seed({ callSid: callA, dateCreated: day + 86_400_000 - 1 }); // 20 Nov, 23:59:59.999
    const d = await h.seed({ dateCreated: day + 86_400_000 }); // 21 Nov
    const list = async (query: string): Promise<string[]> => {
      const res = await get(`/Recordings.json?${query}`);
      expect(res.statusCode).toBe(200);
      return sids(res.json());
    };
    expect(await list(`CallSid=${callA}`)).toEqual([c.sid, a.sid]);
    expect(await list(`ConferenceSid=${conference}`)).toEqual([b.sid]);
    expect(await list('DateCreated=2026-11-20')).toEqual([c.sid, b.sid]);
    expect(await list('DateCreated<=2026-11-20')).toEqual([c.sid, b.sid, a.sid]);
    expect(await list('DateCreated%3C%3D=2026-11-19')).toEqual([a.sid]);
    expect(await list('DateCreated>=2026-11-20')).toEqual([d.sid, c.sid, b.sid]);
    expect(await list('DateCreated%3E=2026-11-21&IncludeSoftDeleted=true')).toEqual([d.sid]);
    // What the twilio helper sends: date-times, compared at whole seconds.
    expect(await list('DateCreated%3E=2026-11-20T00:00:00Z&DateCreated%3C=2026-11-20T23:59:59Z')).toEqual([c.sid, b.sid]);
    expect(await list(`DateCreated>=2026-11-20&CallSid=${callA}`)).toEqual([c.sid]);
  });

  it('refuses malformed filters with 20001', async () => {
    for (const query of ['CallSid=CA123', 'ConferenceSid=nope', 'DateCreated=yesterday', 'DateCreated<=2026-13-45', 'PageSize=0']) {
      const res = await get(`/Recordings.json?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe(20001);
    }
  });

  it('answers 20404 for an unknown or malformed sid, and another account\'s recording', async () => {
    const otherAccount = h.ids.sid('account');
    await h.store.accounts.upsert({ sid: otherAccount, friendlyName: 'other', authToken: h.ids.secret(), status: 'active', dateCreated: 0, dateUpdated: 0 });
    const other = await h.seed({ accountSid: otherAccount });
    for (const path of [`/Recordings/${h.ids.sid('recording')}.json`, '/Recordings/RE123.json', `/Recordings/${other.sid}.json`, `/Recordings/${other.sid}.xml`]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json().code, path).toBe(20404);
    }
  });

  it('requires Basic auth (401 with 20003) for the list, the resource and the media', async () => {
    const r = await h.putMedia(await h.seed(), 'wav', wavFile(1, [1, 2, 3]));
    for (const path of ['/Recordings.json', `/Recordings/${r.sid}.json`, `/Recordings/${r.sid}`, `/Recordings/${r.sid}.mp3`]) {
      const res = await h.app.inject({ method: 'GET', url: `${h.base}${path}` });
      expect(res.statusCode, path).toBe(401);
      expect(res.json().code).toBe(20003);
      const wrong = await h.app.inject({ method: 'GET', url: `${h.base}${path}`, headers: { authorization: basic(h.accountSid, 'wrong') } });
      expect(wrong.statusCode, path).toBe(401);
    }
  });
});

describe('Recordings: delete', () => {
  it('deletes the media and the record (204), then 404s', async () => {
    let r = await h.seed();
    r = await h.putMedia(r, 'wav', wavFile(1, [1, 2, 3, 4]));
    r = await h.putMedia(r, 'mp3', await mp3File(h.tempDir, 1));
    expect(await h.storage.stat(r.wavKey!)).not.toBeNull();
    const res = await h.app.inject({ method: 'DELETE', url: `${h.base}/Recordings/${r.sid}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await h.storage.stat(r.wavKey!)).toBeNull();
    expect(await h.storage.stat(r.mp3Key!)).toBeNull();
    expect(await h.store.recordings.get(h.accountSid, r.sid)).toBeNull();
    expect((await get(`/Recordings/${r.sid}.json`)).statusCode).toBe(404);
    expect((await get(`/Recordings/${r.sid}`)).json().code).toBe(20404);
    const again = await h.app.inject({ method: 'DELETE', url: `${h.base}/Recordings/${r.sid}.json`, headers: { authorization: h.auth } });
    expect(again.statusCode).toBe(404);
  });

  it('deletes an absent recording (no media) and accepts the sid without .json', async () => {
    const r = await h.seed({ status: 'absent', errorCode: 16102, durationMs: 0 });
    const res = await h.app.inject({ method: 'DELETE', url: `${h.base}/Recordings/${r.sid}`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(204);
  });

  it.each(['in-progress', 'paused', 'processing'] as const)('refuses to delete a %s recording with 20009 (409) and keeps it', async (status) => {
    const r = await h.seed({ status, durationMs: null });
    const res = await h.app.inject({ method: 'DELETE', url: `${h.base}/Recordings/${r.sid}.json`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 20009, status: 409 });
    expect(res.json().message).toContain(status);
    expect(await h.store.recordings.get(h.accountSid, r.sid)).not.toBeNull();
  });
});

describe('Recordings: media', () => {
  const wavSamples = Array.from({ length: 400 }, (_, i) => (i * 37) % 2000 - 1000);

  it('serves the WAV (no extension or .wav) and the MP3 with their types, lengths and Accept-Ranges', async () => {
    const wav = wavFile(1, wavSamples);
    const mp3 = await mp3File(h.tempDir, 1);
    let r = await h.putMedia(await h.seed(), 'wav', wav);
    r = await h.putMedia(r, 'mp3', mp3);
    for (const path of [`/Recordings/${r.sid}`, `/Recordings/${r.sid}.wav`]) {
      const res = await get(path);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('audio/x-wav');
      expect(res.headers['content-length']).toBe(String(wav.length));
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.rawPayload.equals(wav)).toBe(true);
    }
    const res = await get(`/Recordings/${r.sid}.mp3`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    expect(res.rawPayload.equals(mp3)).toBe(true);
    expect(mp3[0]).toBe(0xff); // an MPEG frame sync, or an ID3 tag
  });

  it('answers HEAD with the headers only', async () => {
    const wav = wavFile(1, wavSamples);
    const r = await h.putMedia(await h.seed(), 'wav', wav);
    const res = await h.app.inject({ method: 'HEAD', url: `${h.base}/Recordings/${r.sid}.wav`, headers: { authorization: h.auth } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(wav.length));
    expect(res.body).toBe('');
  });

  it('404s (20404) without media: absent, still recording, MP3 not made yet', async () => {
    const absent = await h.seed({ status: 'absent', errorCode: 16102 });
    const live = await h.seed({ status: 'in-progress', durationMs: null });
    const wavOnly = await h.putMedia(await h.seed(), 'wav', wavFile(1, [1]));
    for (const path of [`/Recordings/${absent.sid}`, `/Recordings/${live.sid}.wav`, `/Recordings/${wavOnly.sid}.mp3`, `/Recordings/${h.ids.sid('recording')}.wav`]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json().code, path).toBe(20404);
    }
    expect((await get(`/Recordings/${absent.sid}`)).json().message).toContain('absent');
  });

  it('serves byte ranges with 206 and Content-Range, and 416 when unsatisfiable', async () => {
    const wav = wavFile(1, wavSamples);
    const size = wav.length;
    const r = await h.putMedia(await h.seed(), 'wav', wav);
    const cases: [string, number, number][] = [
      ['bytes=10-19', 10, 19],
      ['bytes=700-', 700, size - 1],
      ['bytes=-5', size - 5, size - 1],
      ['bytes=0-999999', 0, size - 1],
      [`bytes=-${size + 10}`, 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(`/Recordings/${r.sid}.wav`, { range });
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers['content-length'], range).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(wav.subarray(start, end + 1)), range).toBe(true);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 9}`, 'bytes=-0']) {
      const res = await get(`/Recordings/${r.sid}`, { range });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${size}`);
      expect(res.json().status).toBe(416);
    }
    for (const range of ['bytes=5-2', 'items=0-1', 'bytes=0-1,5-6']) {
      const res = await get(`/Recordings/${r.sid}`, { range });
      expect(res.statusCode, range).toBe(200);
      expect(res.rawPayload.equals(wav)).toBe(true);
    }
  });

  it('serves ranges of the MP3', async () => {
    const mp3 = await mp3File(h.tempDir, 1);
    const r = await h.putMedia(await h.seed(), 'mp3', mp3);
    const res = await get(`/Recordings/${r.sid}.mp3`, { range: 'bytes=100-299' });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.equals(mp3.subarray(100, 300))).toBe(true);
  });

  it('down-mixes a dual-channel WAV to mono on RequestedChannels=1: each sample the mean of the two channels', async () => {
    const frames = 5000;
    const stereo: number[] = [];
    for (let i = 0; i < frames; i++) stereo.push(((i * 131) % 30000) - 15000, ((i * 71) % 20001) - 10000);
    const r = await h.putMedia(await h.seed({ channels: 2 }), 'wav', wavFile(2, stereo, 16000));
    const res = await get(`/Recordings/${r.sid}?RequestedChannels=1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/x-wav');
    const body = res.rawPayload;
    expect(res.headers['content-length']).toBe(String(body.length));
    expect(body.length).toBe(44 + frames * 2);
    expect(body.readUInt16LE(22)).toBe(1); // channels
    expect(body.readUInt32LE(24)).toBe(16000); // sample rate
    expect(body.readUInt32LE(40)).toBe(frames * 2); // data bytes
    const mono = samplesOf(body);
    expect(mono).toEqual(Array.from({ length: frames }, (_, i) => Math.floor(((stereo[2 * i] ?? 0) + (stereo[2 * i + 1] ?? 0)) / 2)));

    // Range on the converted file: the same bytes as the slice of the whole converted file.
    for (const [range, start, end] of [['bytes=0-9', 0, 9], ['bytes=40-51', 40, 51], ['bytes=45-8000', 45, 8000], ['bytes=-3', body.length - 3, body.length - 1]] as const) {
      const part = await get(`/Recordings/${r.sid}.wav?RequestedChannels=1`, { range });
      expect(part.statusCode, range).toBe(206);
      expect(part.headers['content-range'], range).toBe(`bytes ${start}-${end}/${body.length}`);
      expect(part.rawPayload.equals(body.subarray(start, end + 1)), range).toBe(true);
    }
    const beyond = await get(`/Recordings/${r.sid}?RequestedChannels=1`, { range: `bytes=${body.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${body.length}`);
  });

  it('up-mixes a mono WAV on RequestedChannels=2 and serves a WAV that already has the channels as stored', async () => {
    const wav = wavFile(1, wavSamples);
    const r = await h.putMedia(await h.seed(), 'wav', wav);
    const res = await get(`/Recordings/${r.sid}?RequestedChannels=2`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.readUInt16LE(22)).toBe(2);
    expect(samplesOf(res.rawPayload)).toEqual(wavSamples.flatMap((s) => [s, s]));
    const same = await get(`/Recordings/${r.sid}?RequestedChannels=1`, { range: 'bytes=0-99' });
    expect(same.statusCode).toBe(206);
    expect(same.rawPayload.equals(wav.subarray(0, 100))).toBe(true);
    const bad = await get(`/Recordings/${r.sid}?RequestedChannels=3`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe(20001);
  });
});
