/**
 * Call recording end to end: `<Dial record>` with real peers, and the recording checked as a user gets
 * it, through the REST API (`Recordings/{RE}.wav`, `.mp3`, `Recordings.json?CallSid=`). baresip (the
 * mobile, 880 Hz, PCMU) calls the guide's number through kamailio and the bin rings `twilio_user`
 * (440 Hz); two browsers call each other with `record-from-ringing-dual` on Opus; and Denwa is killed
 * with SIGKILL mid-call and restarted on its data dir, which must repair and complete the recording.
 * Each recording's channels are told apart by tone (channel 1 the caller's leg, channel 2 the dialed
 * leg), its length is compared with what the test timed, and its status callbacks' signatures are
 * checked with the official `twilio` helper.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchParty, waitInPage, type Party } from './lib/browser.ts';
import { startBaresip, type Baresip } from './lib/baresip.ts';
import { ACCOUNT_SID, AUTH_TOKEN, startDenwa, type DenwaProcess } from './lib/denwa-process.ts';
import { startKamailio, type Kamailio } from './lib/kamailio.ts';
import { startScenario, type Scenario } from './lib/scenario.ts';
import { readWav, tonePower } from './lib/tones.ts';
import type { RecordedRequest } from './lib/webhook-server.ts';

const PHONE_HZ = 880;
const BROWSER_HZ = 440;
const CALLEE_HZ = 660;
const NUMBER = '+815000000099';
/** How much the expected tone must out-power the other one in its channel. */
const DOMINANCE = 10;
/** Recording length vs. the time the test measured (s). */
const DURATION_TOLERANCE_S = 0.5;

let dir: string;
let s: Scenario;
let phone: Baresip;
let carrier: Kamailio;
/** `twilio_user` on Denwa's SDK (440 Hz): answers the number's calls. */
let bob: Party;
/** The official 2.x SDK (440 Hz) and Denwa's (660 Hz), both preferring Opus: the browser-to-browser call. */
let alice: Party;
let carol: Party;
/** The Denwa started again after the crash (test 3). */
let restarted: DenwaProcess | null = null;
let binSid = '';

const auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

async function v1(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.denwa.api}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path}: ${String(res.status)} ${JSON.stringify(body)}`);
  return body;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${String(ms)} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The first recording status callback on `path` with `status` after request `mark`. */
function callback(path: string, status: string, mark = 0, ms = 15_000): Promise<RecordedRequest> {
  return until(`the ${status} recording callback on ${path}`, () => s.web.requests.slice(mark).find((r) => r.path === path && r.params['RecordingStatus'] === status), ms);
}

/** The callback is signed with the account's auth token, as Twilio signs it (checked by the official helper). */
function expectSigned(req: RecordedRequest): void {
  const signature = req.headers['x-twilio-signature'];
  expect(signature, 'X-Twilio-Signature').toBeTruthy();
  expect(twilio.validateRequest(AUTH_TOKEN, signature ?? '', `${s.web.url}${req.url}`, req.params)).toBe(true);
  expect(twilio.validateRequest('0'.repeat(32), signature ?? '', `${s.web.url}${req.url}`, req.params)).toBe(false);
}

/** A recording's media through the REST API (Basic auth with the account sid and auth token). */
async function media(denwa: DenwaProcess, sid: string, ext: 'wav' | 'mp3'): Promise<Buffer> {
  const url = `${denwa.api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}.${ext}`;
  // The MP3 may still be encoding for a moment after `completed`: bounded retries on 404.
  return until(`GET …/Recordings/${sid}.${ext}`, async () => {
    const res = await fetch(url, { headers: { authorization: auth } });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${url}: ${String(res.status)} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }, 10_000);
}

async function recordingsOfCall(denwa: DenwaProcess, callSid: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${denwa.api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings.json?CallSid=${callSid}`, { headers: { authorization: auth } });
  if (res.status !== 200) throw new Error(`Recordings.json?CallSid=${callSid}: ${String(res.status)} ${await res.text()}`);
  return ((await res.json()) as { recordings: Record<string, unknown>[] }).recordings;
}

interface Wav {
  readonly rate: number;
  readonly channels: number;
  readonly seconds: number;
  readonly left: Float32Array;
  readonly right: Float32Array;
}

/** A stereo 16-bit PCM WAV whose header agrees with its size. */
function parseStereoWav(bytes: Buffer): Wav {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  expect(bytes.readUInt32LE(4), 'RIFF size').toBe(bytes.length - 8);
  const data = bytes.indexOf('data', 12, 'ascii');
  expect(data).toBeGreaterThan(0);
  expect(bytes.readUInt32LE(data + 4), 'data size').toBe(bytes.length - data - 8);
  const fmt = bytes.indexOf('fmt ', 12, 'ascii');
  expect(bytes.readUInt16LE(fmt + 8), 'PCM').toBe(1);
  expect(bytes.readUInt16LE(fmt + 22), 'bits per sample').toBe(16);
  const left = readWav(bytes, 0);
  expect(left.channels).toBe(2);
  const right = readWav(bytes, 1);
  return { rate: left.rate, channels: left.channels, seconds: left.samples.length / left.rate, left: left.samples, right: right.samples };
}

const slice = (samples: Float32Array, rate: number, from: number, to: number): Float32Array =>
  samples.subarray(Math.max(0, Math.round(from * rate)), Math.min(samples.length, Math.round(to * rate)));

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length));

/**
 * In every 0.5 s piece of [from, to) s, channel 1 carries `leftHz` and channel 2 `rightHz`, each
 * out-powering the other tone in its channel by {@link DOMINANCE}. Returns the powers of the whole span.
 */
function expectTones(wav: Wav, leftHz: number, rightHz: number, from: number, to: number): Record<string, number> {
  expect(to - from, 'analysis window').toBeGreaterThan(1);
  for (let t = from; t + 0.5 <= to + 1e-9; t += 0.5) {
    const l = slice(wav.left, wav.rate, t, t + 0.5);
    const r = slice(wav.right, wav.rate, t, t + 0.5);
    const at = `at ${t.toFixed(1)} s of ${wav.seconds.toFixed(2)} s`;
    expect(tonePower(l, wav.rate, leftHz), `channel 1 ${String(leftHz)} Hz ${at}`).toBeGreaterThan(DOMINANCE * tonePower(l, wav.rate, rightHz));
    expect(tonePower(r, wav.rate, rightHz), `channel 2 ${String(rightHz)} Hz ${at}`).toBeGreaterThan(DOMINANCE * tonePower(r, wav.rate, leftHz));
    expect(tonePower(l, wav.rate, leftHz), `channel 1 is not silent ${at}`).toBeGreaterThan(1e-5);
    expect(tonePower(r, wav.rate, rightHz), `channel 2 is not silent ${at}`).toBeGreaterThan(1e-5);
  }
  const l = slice(wav.left, wav.rate, from, to);
  const r = slice(wav.right, wav.rate, from, to);
  return { leftExpected: tonePower(l, wav.rate, leftHz), leftOther: tonePower(l, wav.rate, rightHz), rightExpected: tonePower(r, wav.rate, rightHz), rightOther: tonePower(r, wav.rate, leftHz) };
}

/** An MP3 starts with an ID3v2 tag or an MPEG audio frame sync; after a tag, a frame sync follows. */
function expectMp3(bytes: Buffer): void {
  expect(bytes.length).toBeGreaterThan(1000);
  let at = 0;
  if (bytes.toString('latin1', 0, 3) === 'ID3') {
    const size = ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
    at = 10 + size;
  }
  expect(bytes[at], 'MPEG frame sync').toBe(0xff);
  expect((bytes[at + 1] ?? 0) & 0xe0, 'MPEG frame sync').toBe(0xe0);
}

const logLength = (p: Party): Promise<number> => p.page.evaluate<number>('window.h.log.length');
const logged = (mark: number, event: string): string => `window.h.log.slice(${String(mark)}).some((e) => e.event === '${event}')`;

/**
 * Accepts the page's incoming call; resolves with `Date.now()` in the page when the SDK's `accept`
 * fired. The page's `sample` events collect the call's codec in `window.__codecs`.
 */
async function accept(p: Party): Promise<number> {
  await p.page.evaluate(`(() => {
    window.__acceptedAt = null;
    window.__codecs = [];
    window.h.call.on('accept', () => { window.__acceptedAt = Date.now(); });
    window.h.call.on('sample', (s) => { window.__codecs.push(s.codecName); });
    window.h.accept();
    return true;
  })()`);
  return waitInPage<number>(p.page, 'window.__acceptedAt', 15_000);
}

/** The codec the page's call reported in its last `sample` (once there is one). */
const codecOf = (p: Party): Promise<string> => waitInPage<string>(p.page, 'window.__codecs.length > 0 && window.__codecs[window.__codecs.length - 1]', 10_000);

/** The guide's bin: `<Dial record>` to `twilio_user`, its recording callback on the test's server. */
async function setGuideTwiml(callbackPath: string, extra = ''): Promise<void> {
  await v1(`/v1/TwimlBins/${binSid}`, {
    Twiml: `<Response><Dial callerId="${NUMBER}" record="record-from-answer-dual" recordingStatusCallback="${s.web.url}${callbackPath}"${extra}><Client>twilio_user</Client></Dial></Response>`,
  });
}

/** The mobile calls the number and `twilio_user` answers: the accept time (`Date.now()` in the page), once the browser hears the mobile. */
async function mobileCallsNumber(): Promise<{ acceptAt: number; mark: number }> {
  const mark = phone.events.length;
  const logMark = await logLength(bob);
  phone.command('dial', `sip:${NUMBER}@127.0.0.1:${String(carrier.port)}`);
  await waitInPage(bob.page, logged(logMark, 'device.incoming'), 15_000);
  const acceptAt = await accept(bob);
  await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
  expect(await waitInPage<number>(bob.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
  return { acceptAt, mark };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'denwa-recording-'));
  s = await startScenario('voice-sdk-2', { denwaDir: dir });
  phone = await startBaresip({ hz: PHONE_HZ, user: '09012345678', answer: 'auto', rtpBase: 31_200 });
  carrier = await startKamailio({
    denwaPort: s.denwa.sipPort, realm: 'carrier.test', username: 'trunkuser', password: 's3cret',
    phones: [{ dialed: '09012345678', user: phone.user, port: phone.port }],
  });
  const trunk = await v1('/v1/SipTrunks', {
    FriendlyName: 'kamailio', Host: `127.0.0.1:${String(carrier.port)}`, Transport: 'udp', Username: 'trunkuser', Password: 's3cret',
    Codecs: 'PCMU,PCMA', CountryCode: '81', NumberFormat: 'national', AllowedSources: '127.0.0.1',
  });
  const bin = await v1('/v1/TwimlBins', { FriendlyName: 'guide', Twiml: '<Response><Reject/></Response>' });
  binSid = String(bin['sid']);
  const number = await s.denwa.rest('/IncomingPhoneNumbers.json', { form: { PhoneNumber: NUMBER, VoiceUrl: String(bin['url']), TrunkSid: String(trunk['sid']) } });
  expect(number['phone_number']).toBe(NUMBER);
  [bob, alice, carol] = await Promise.all([s.party(BROWSER_HZ, 'denwa'), s.party(BROWSER_HZ), s.party(CALLEE_HZ, 'denwa')]);
  const opus = JSON.stringify({ codecPreferences: ['opus', 'pcmu'] });
  await bob.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('twilio_user'))}, ${JSON.stringify(s.denwa.chunderw)})`);
  await alice.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('alice'))}, ${JSON.stringify(s.denwa.chunderw)}, ${opus})`);
  await carol.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('carol'))}, ${JSON.stringify(s.denwa.chunderw)}, ${opus})`);
  // When carol's phone starts ringing, by the wall clock the test also uses.
  await carol.page.evaluate("window.h.device.on('incoming', () => { window.__incomingAt = Date.now(); }), true");
  for (const p of [bob, carol]) expect(await p.page.evaluate('window.h.register2()')).toBe('registered');
}, 60_000);

afterEach(() => {
  // A call a failed test left up would ring into the next one.
  (phone as Baresip | undefined)?.command('hangup');
});

afterAll(async () => {
  const stops: Promise<unknown>[] = [];
  stops.push((carrier as Kamailio | undefined)?.stop() ?? Promise.resolve());
  stops.push((phone as Baresip | undefined)?.stop() ?? Promise.resolve());
  stops.push(restarted?.stop() ?? Promise.resolve());
  await Promise.allSettled(stops);
  await (s as Scenario | undefined)?.close();
  rmSync(dir, { recursive: true, force: true });
}, 40_000);

const explain = (fn: () => Promise<void>): Promise<void> => s.explain({ bob: bob.page, alice: alice.page, carol: carol.page }, async () => {
  try {
    await fn();
  } catch (err) {
    console.log('callbacks', JSON.stringify(s.web.requests.filter((r) => r.path.startsWith('/rec')).map((r) => ({ path: r.path, ...r.params }))));
    if (restarted !== null) console.log('restarted denwa:\n', restarted.stderr.join('').split('\n').filter((l) => l.includes('recording')).slice(-30).join('\n'));
    throw err;
  }
});

describe('<Dial record>: recordings of real calls, fetched through the REST API', () => {
  it('the guide\'s incoming flow: the mobile calls the number, twilio_user answers; a stereo recording of both legs, its signed callback and the MP3', async () => {
    await explain(async () => {
      await setGuideTwiml('/rec');
      const webMark = s.web.requests.length;
      const { acceptAt, mark } = await mobileCallsNumber();
      await sleep(acceptAt + 4000 - Date.now());
      const hangupAt = Date.now();
      phone.command('hangup');
      await phone.waitEvent('CALL_CLOSED', 10_000, mark);
      const talk = (hangupAt - acceptAt) / 1000;

      const done = await callback('/rec', 'completed', webMark);
      expectSigned(done);
      const p = done.params;
      const sid = p['RecordingSid'] ?? '';
      expect(sid).toMatch(/^RE[0-9a-f]{32}$/);
      expect(p['AccountSid']).toBe(ACCOUNT_SID);
      expect(p['CallSid']).toMatch(/^CA[0-9a-f]{32}$/);
      expect(p['RecordingChannels']).toBe('2');
      expect(p['RecordingSource']).toBe('DialVerb');
      expect(p['RecordingUrl']).toBe(`${s.denwa.api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}`);
      // Only `completed` was subscribed (the default).
      expect(s.web.requests.slice(webMark).filter((r) => r.path === '/rec').map((r) => r.params['RecordingStatus'])).toEqual(['completed']);

      const wav = parseStereoWav(await media(s.denwa, sid, 'wav'));
      expect(wav.rate, 'a G.711 leg: 8 kHz').toBe(8000);
      const powers = expectTones(wav, PHONE_HZ, BROWSER_HZ, 1, wav.seconds - 0.6);
      console.log(`guide flow: talk ${talk.toFixed(2)} s, recording ${wav.seconds.toFixed(2)} s at ${String(wav.rate)} Hz, callback ${String(p['RecordingDuration'])} s, powers ${JSON.stringify(powers)}`);
      expect(Math.abs(wav.seconds - talk), `recording ${wav.seconds.toFixed(2)} s vs talk ${talk.toFixed(2)} s`).toBeLessThanOrEqual(DURATION_TOLERANCE_S);
      expect(Math.abs(Number(p['RecordingDuration']) - wav.seconds)).toBeLessThanOrEqual(0.51);
      expectMp3(await media(s.denwa, sid, 'mp3'));

      // The console plays it: /recordings/ lists it with a player whose media loads with the page's Basic credentials.
      const viewer = await launchParty(join(tmpdir(), 'denwa-no-mic.wav'), `${s.denwa.api}/recordings/`, { httpCredentials: { username: ACCOUNT_SID, password: AUTH_TOKEN } });
      try {
        const player = `document.querySelector('audio[src*="${sid}"]')`;
        await viewer.page.evaluate(`(() => { const a = ${player}; a.preload = 'auto'; a.load(); })()`);
        const seconds = await waitInPage<number>(viewer.page, `(() => { const a = ${player}; return a.readyState >= 1 && Number.isFinite(a.duration) ? a.duration : 0; })()`, 10_000);
        expect(Math.abs(seconds - wav.seconds), `player ${String(seconds)} s vs WAV ${wav.seconds.toFixed(2)} s`).toBeLessThanOrEqual(0.5);
        await viewer.page.evaluate(`${player}.play()`);
        expect(await waitInPage<number>(viewer.page, `${player}.currentTime > 0.2 ? ${player}.currentTime : 0`, 10_000)).toBeGreaterThan(0.2);
      } finally {
        await viewer.close();
      }
    });
  }, 60_000);

  it('browser to browser with record-from-ringing-dual: ringing and talk are recorded, each browser in its channel, at the codecs\' rate', async () => {
    await explain(async () => {
      s.web.route('/voice', `<Response><Dial record="record-from-ringing-dual" recordingStatusCallback="${s.web.url}/rec2" action="${s.web.url}/dial-action2" timeout="20"><Client>carol</Client></Dial></Response>`);
      const webMark = s.web.requests.length;
      const [aliceMark, carolMark] = [await logLength(alice), await logLength(carol)];
      await carol.page.evaluate('window.__incomingAt = null');
      await alice.page.evaluate("window.h.connect2({ To: 'carol' }).then(() => { window.__codecs = []; window.h.call.on('sample', (s) => { window.__codecs.push(s.codecName); }); }), true");
      const ringAt = await waitInPage<number>(carol.page, 'window.__incomingAt', 15_000);
      await waitInPage(carol.page, logged(carolMark, 'device.incoming'), 5000);
      await sleep(ringAt + 1500 - Date.now());
      const acceptAt = await accept(carol);
      await waitInPage(alice.page, logged(aliceMark, 'call.accept'), 15_000);
      expect(await waitInPage<number>(alice.page, `window.h.heardAfterAccept(${String(CALLEE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      expect(await waitInPage<number>(carol.page, `window.h.heardAfterAccept(${String(BROWSER_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      const codecs = [await codecOf(alice), await codecOf(carol)].map((c) => c.toLowerCase());
      await sleep(acceptAt + 3500 - Date.now());
      const hangupAt = await alice.page.evaluate<number>('(() => { const t = Date.now(); window.h.hangup(); return t; })()');
      await waitInPage(carol.page, logged(carolMark, 'call.disconnect'), 10_000);
      const ringing = (acceptAt - ringAt) / 1000;
      const total = (hangupAt - ringAt) / 1000;

      const done = await callback('/rec2', 'completed', webMark);
      expectSigned(done);
      const sid = done.params['RecordingSid'] ?? '';
      const parentSid = await alice.page.evaluate<string>('window.h.callSid()');
      expect(done.params['CallSid']).toBe(parentSid);
      const wav = parseStereoWav(await media(s.denwa, sid, 'wav'));
      const g711 = codecs.some((c) => c === 'pcmu' || c === 'pcma');
      expect(wav.rate, `codecs ${codecs.join(', ')}`).toBe(g711 ? 8000 : 16_000);
      // While carol rang, alice was recorded already (channel 1), and nothing of carol's (her leg had no media yet).
      const ringingLeft = slice(wav.left, wav.rate, 0.5, ringing - 0.3);
      expect(tonePower(ringingLeft, wav.rate, BROWSER_HZ), 'channel 1 while ringing').toBeGreaterThan(Math.max(1e-5, DOMINANCE * tonePower(ringingLeft, wav.rate, CALLEE_HZ)));
      const quietWhileRinging = rms(slice(wav.right, wav.rate, 0.2, ringing - 0.3));
      const powers = expectTones(wav, BROWSER_HZ, CALLEE_HZ, ringing + 1, total - 0.6);
      console.log(`from ringing: codecs ${codecs.join('/')}, ringing ${ringing.toFixed(2)} s, total ${total.toFixed(2)} s, recording ${wav.seconds.toFixed(2)} s at ${String(wav.rate)} Hz, channel 2 while ringing rms ${quietWhileRinging.toFixed(5)}, powers ${JSON.stringify(powers)}`);
      expect(Math.abs(wav.seconds - total), `recording ${wav.seconds.toFixed(2)} s vs ringing + talk ${total.toFixed(2)} s`).toBeLessThanOrEqual(DURATION_TOLERANCE_S);
      expect(quietWhileRinging).toBeLessThan(0.01);
      expect(Math.abs(Number(done.params['RecordingDuration']) - wav.seconds)).toBeLessThanOrEqual(0.51);
      const action = await until('the dial action', () => s.web.requests.slice(webMark).find((r) => r.path === '/dial-action2')?.params);
      expect(action['RecordingSid']).toBe(sid);
      expect(action['RecordingUrl']).toBe(done.params['RecordingUrl']);
      expect(action['RecordingDuration']).toBe(done.params['RecordingDuration']);
    });
  }, 60_000);

  it('survives kill -9 mid-call: the next start repairs the spool WAV, completes the recording with the talked time and fires its callback', async () => {
    await explain(async () => {
      await setGuideTwiml('/rec3', ' recordingStatusCallbackEvent="in-progress completed"');
      const webMark = s.web.requests.length;
      const { acceptAt } = await mobileCallsNumber();
      const started = await callback('/rec3', 'in-progress', webMark);
      expectSigned(started);
      const sid = started.params['RecordingSid'] ?? '';
      const callSid = started.params['CallSid'] ?? '';
      expect(sid).toMatch(/^RE[0-9a-f]{32}$/);
      // The recording streams to the spool folder while the call lasts.
      expect(readdirSync(join(s.denwa.dataDir, 'recordings', 'spool'))).toContain(`${sid}.wav`);
      // Not a multiple of the 500 ms write tick, so the kill does not always land just before one.
      await sleep(acceptAt + 3250 - Date.now());
      const killedAt = Date.now();
      await s.denwa.kill('SIGKILL');
      const talk = (killedAt - acceptAt) / 1000;
      phone.command('hangup');
      expect(s.web.requests.slice(webMark).some((r) => r.path === '/rec3' && r.params['RecordingStatus'] === 'completed')).toBe(false);

      const restartMark = s.web.requests.length;
      restarted = await startDenwa({ dir });
      const done = await callback('/rec3', 'completed', restartMark);
      expectSigned(done);
      expect(done.params['RecordingSid']).toBe(sid);
      expect(done.params['CallSid']).toBe(callSid);
      expect(done.params['RecordingUrl']).toBe(`${restarted.api}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}`);

      const listed = await recordingsOfCall(restarted, callSid);
      expect(listed.map((r) => [r['sid'], r['status']])).toEqual([[sid, 'completed']]);
      const wav = parseStereoWav(await media(restarted, sid, 'wav'));
      expect(wav.rate).toBe(8000);
      const powers = expectTones(wav, PHONE_HZ, BROWSER_HZ, 1, wav.seconds - 0.3);
      console.log(`crash: talk before the kill ${talk.toFixed(2)} s, repaired recording ${wav.seconds.toFixed(2)} s, listed ${String(listed[0]?.['duration'])} s, callback ${String(done.params['RecordingDuration'])} s, powers ${JSON.stringify(powers)}`);
      // Audio is written every 500 ms (the tick), only what is older than the 200 ms jitter window:
      // a kill loses at most the last 0.7 s, plus the tolerance of the test's own timing.
      expect(wav.seconds, `repaired ${wav.seconds.toFixed(2)} s vs talk ${talk.toFixed(2)} s`).toBeGreaterThanOrEqual(talk - 0.7 - 0.25);
      expect(wav.seconds, `repaired ${wav.seconds.toFixed(2)} s vs talk ${talk.toFixed(2)} s`).toBeLessThanOrEqual(talk + 0.25);
      expect(Math.abs(Number(done.params['RecordingDuration']) - wav.seconds)).toBeLessThanOrEqual(0.51);
      expect(Math.abs(Number(listed[0]?.['duration']) - wav.seconds)).toBeLessThanOrEqual(0.51);
      // The calls the crash cut are not left in progress: the restart ended them (by `system`).
      const parent = await restarted.rest(`/Calls/${callSid}.json`);
      expect(parent).toMatchObject({ status: 'completed' });
      const children = await restarted.rest(`/Calls.json?ParentCallSid=${callSid}`);
      const calls = children['calls'] as Record<string, unknown>[];
      expect(calls.map((c) => c['status'])).toEqual(['completed']);
      // It ends when the killed server was last alive (its heartbeat, every second): the answered child's
      // duration is the talk time, in whole seconds, up to a second short.
      expect(Number(calls[0]?.['duration']), `child call duration vs talk ${talk.toFixed(2)} s`).toBeGreaterThanOrEqual(Math.floor(talk) - 1);
      expect(Number(calls[0]?.['duration'])).toBeLessThanOrEqual(Math.ceil(talk));
    });
  }, 60_000);
});
