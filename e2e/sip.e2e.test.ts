/**
 * The phone network with real SIP peers: baresip (Debian) plays "the mobile phone" and kamailio the
 * carrier in front of it (Denwa's requests must answer its digest challenge; it record-routes). Denwa
 * dials the phone for `<Dial><Number>` and routes the phone's calls to a number through a TwiML Bin to
 * `<Dial><Client>twilio_user`. Audio is checked by frequency both ways: in the browser, and in
 * baresip's recording of what it received. A second baresip stays ringing for cancel, busy and
 * no-answer.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import { startBaresip, type Baresip } from './lib/baresip.ts';
import { ACCOUNT_SID, AUTH_TOKEN } from './lib/denwa-process.ts';
import { startKamailio, type Kamailio } from './lib/kamailio.ts';
import { startScenario, type Scenario } from './lib/scenario.ts';
import { readWav, tonePower } from './lib/tones.ts';

const PHONE_HZ = 880;
const BROWSER_HZ = 440;
const NUMBER = '+815000000099';
const MOBILE = '+819012345678';
const RINGER = '+819087654321';

let s: Scenario;
let phone: Baresip;
let ringer: Baresip;
let carrier: Kamailio;
let alice: Party;
let bob: Party;

async function v1(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.denwa.api}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path}: ${String(res.status)} ${JSON.stringify(body)}`);
  return body;
}

/** The power of each tone in the newest recording baresip made of what it received. */
async function phoneHeard(): Promise<{ browser: number; phone: number }> {
  const deadline = Date.now() + 10_000;
  let wavs: string[] = [];
  while (Date.now() < deadline && (wavs = phone.receivedWavs()).length === 0) await new Promise((r) => setTimeout(r, 100));
  const newest = wavs.sort().at(-1);
  if (newest === undefined) throw new Error('baresip recorded nothing');
  const { rate, samples } = readWav(readFileSync(newest));
  const speech = samples.subarray(Math.min(samples.length, rate), samples.length);
  return { browser: tonePower(speech, rate, BROWSER_HZ), phone: tonePower(speech, rate, PHONE_HZ) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const dialAction = (mark: number): Promise<Record<string, string>> =>
  until('the dial action', () => Promise.resolve(s.web.requests.slice(mark).find((r) => r.path === '/dial-action')?.params));

beforeAll(async () => {
  s = await startScenario('voice-sdk-2');
  [phone, ringer] = await Promise.all([
    startBaresip({ hz: PHONE_HZ, user: '09012345678', answer: 'auto', rtpBase: 31_000 }),
    startBaresip({ hz: PHONE_HZ, user: '09087654321', answer: 'manual', rtpBase: 31_100 }),
  ]);
  carrier = await startKamailio({
    denwaPort: s.denwa.sipPort, realm: 'carrier.test', username: 'trunkuser', password: 's3cret',
    phones: [{ dialed: '09012345678', user: phone.user, port: phone.port }, { dialed: '09087654321', user: ringer.user, port: ringer.port }],
  });
  const trunk = await v1('/v1/SipTrunks', {
    FriendlyName: 'kamailio', Host: `127.0.0.1:${String(carrier.port)}`, Transport: 'udp', Username: 'trunkuser', Password: 's3cret',
    Codecs: 'PCMU,PCMA', CountryCode: '81', NumberFormat: 'national', AllowedSources: '127.0.0.1',
  });
  const bin = await v1('/v1/TwimlBins', { FriendlyName: 'guide', Twiml: `<Response><Dial callerId="${NUMBER}" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>` });
  const number = await s.denwa.rest('/IncomingPhoneNumbers.json', { form: { PhoneNumber: NUMBER, VoiceUrl: String(bin['url']), TrunkSid: String(trunk['sid']) } });
  expect(number['phone_number']).toBe(NUMBER);
  [alice, bob] = await Promise.all([s.party(BROWSER_HZ), s.party(BROWSER_HZ, 'denwa')]);
  await alice.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('alice'))}, ${JSON.stringify(s.denwa.chunderw)})`);
  await bob.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('twilio_user'))}, ${JSON.stringify(s.denwa.chunderw)})`);
}, 60_000);

afterAll(async () => {
  await carrier.stop();
  await Promise.all([phone.stop(), ringer.stop()]);
  await (s as Scenario | undefined)?.close();
}, 30_000);

const explain = (fn: () => Promise<void>): Promise<void> => s.explain({ alice: alice.page, bob: bob.page }, async () => {
  try {
    await fn();
  } catch (err) {
    console.log(carrier.log.join('').slice(-4000));
    throw err;
  }
});

describe('SIP trunk through a digest-authenticating carrier (kamailio) to a real phone (baresip)', () => {
  it('the official SDK calls the mobile through <Dial><Number>: both hear each other, DTMF crosses both ways, hangup sends BYE', async () => {
    s.web.route('/voice', `<Response><Dial callerId="${NUMBER}" action="${s.web.url}/dial-action"><Number>${MOBILE}</Number></Dial></Response>`);
    await explain(async () => {
      expect(await alice.page.evaluate('window.h.register2()')).toBe('registered');
      const mark = phone.events.length;
      const webMark = s.web.requests.length;
      await alice.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(MOBILE)} })`);
      const established = await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      expect(established.peeruri).toContain('sip:05000000099@');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      expect(await waitInPage<number>(alice.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      await alice.page.evaluate("window.h.digits('5')");
      await phone.waitEvent('CALL_DTMF_START', 10_000, mark);
      phone.command('sndcode', '7');
      const parent = await alice.page.evaluate<string>('window.h.callSid()');
      await until('the phone\'s digit in the child call events', async () => {
        const calls = (await s.denwa.rest('/Calls.json')) as { calls: { sid: string; parent_call_sid: string | null }[] };
        const child = calls.calls.find((c) => c.parent_call_sid === parent);
        if (child === undefined) return undefined;
        const events = (await s.denwa.rest(`/Calls/${child.sid}/Events.json`)) as { events: { type: string; detail: { digits?: string } }[] };
        return events.events.some((e) => e.type === 'dtmf' && e.detail.digits === '7') ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, 1000));
      await alice.page.evaluate('window.h.hangup()');
      await phone.waitEvent('CALL_CLOSED', 10_000, mark);
      const heard = await phoneHeard();
      expect(heard.browser).toBeGreaterThan(heard.phone * 10);
      expect((await dialAction(webMark))['DialCallStatus']).toBe('completed');
      expect(carrier.log.join('')).not.toMatch(/ERROR/);
    });
  }, 90_000);

  it('Denwa\'s SDK calls the mobile the same way, and the phone hangs up', async () => {
    s.web.route('/voice', `<Response><Dial callerId="${NUMBER}"><Number>${MOBILE}</Number></Dial></Response>`);
    await explain(async () => {
      const mark = phone.events.length;
      await bob.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(MOBILE)} })`);
      await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      expect(await waitInPage<number>(bob.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      await new Promise((r) => setTimeout(r, 1500));
      phone.command('hangup');
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.disconnect')", 10_000);
      const heard = await phoneHeard();
      expect(heard.browser).toBeGreaterThan(heard.phone * 10);
    });
  }, 90_000);

  it('the mobile calls the number: the TwiML Bin dials twilio_user on Denwa\'s SDK, both hear each other, hold and resume, the phone hangs up', async () => {
    await explain(async () => {
      expect(await bob.page.evaluate('window.h.register2()')).toBe('registered');
      const mark = phone.events.length;
      phone.command('dial', `sip:${NUMBER}@127.0.0.1:${String(carrier.port)}`);
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'device.incoming')", 15_000);
      await bob.page.evaluate('window.h.accept()');
      await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      expect(await waitInPage<number>(bob.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      await new Promise((r) => setTimeout(r, 2000));
      // Hold and resume: baresip re-INVITEs with a=sendonly, then a=sendrecv; Denwa answers both (recvonly,
      // sendrecv) and the call goes on. (baresip 1.0 stops recording at hold, so its recording is checked
      // on the audio before it.)
      const held = phone.events.length;
      phone.command('hold');
      await phone.waitEvent('CALL_REMOTE_SDP', 10_000, held);
      const resumed = phone.events.length;
      phone.command('resume');
      await phone.waitEvent('CALL_REMOTE_SDP', 10_000, resumed);
      await new Promise((r) => setTimeout(r, 1000));
      const recent = `window.h.probe.filter((p) => p.t > performance.now() - 800 && Math.abs(p.hz - ${String(PHONE_HZ)}) <= 10 && p.db > -60).length`;
      expect(await bob.page.evaluate<number>(recent)).toBeGreaterThan(10);
      expect(phone.events.slice(mark).some((e) => e.type === 'CALL_CLOSED')).toBe(false);
      phone.command('hangup');
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.disconnect')", 10_000);
      const heard = await phoneHeard();
      expect(heard.browser).toBeGreaterThan(heard.phone * 10);
      const inbound = await until('the inbound call record', async () => {
        const calls = (await s.denwa.rest('/Calls.json')) as { calls: { from: string; to: string; direction: string; status: string }[] };
        return calls.calls.find((c) => c.direction === 'inbound' && c.to === NUMBER && c.status === 'completed');
      });
      expect(inbound.from).toBe(MOBILE);
    });
  }, 90_000);

  it('maps a ringing phone to no-answer after the dial timeout, a rejection to busy, and the browser hanging up to a CANCEL', async () => {
    await explain(async () => {
      s.web.route('/voice', `<Response><Dial timeout="3" action="${s.web.url}/dial-action"><Number>${RINGER}</Number></Dial></Response>`);
      let mark = ringer.events.length;
      let webMark = s.web.requests.length;
      await alice.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(RINGER)} })`);
      await ringer.waitEvent('CALL_INCOMING', 10_000, mark);
      expect((await dialAction(webMark))['DialCallStatus']).toBe('no-answer');
      await ringer.waitEvent('CALL_CLOSED', 10_000, mark);

      s.web.route('/voice', `<Response><Dial timeout="20" action="${s.web.url}/dial-action"><Number>${RINGER}</Number></Dial></Response>`);
      mark = ringer.events.length;
      webMark = s.web.requests.length;
      await alice.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(RINGER)} })`);
      await ringer.waitEvent('CALL_INCOMING', 10_000, mark);
      ringer.command('hangup');
      expect((await dialAction(webMark))['DialCallStatus']).toBe('busy');

      mark = ringer.events.length;
      await alice.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(RINGER)} })`);
      await ringer.waitEvent('CALL_INCOMING', 10_000, mark);
      await alice.page.evaluate('window.h.hangup()');
      await ringer.waitEvent('CALL_CLOSED', 10_000, mark);
      const parent = await alice.page.evaluate<string>('window.h.callSid()');
      const child = await until('the canceled child call', async () => {
        const calls = (await s.denwa.rest('/Calls.json')) as { calls: { parent_call_sid: string | null; status: string }[] };
        return calls.calls.find((c) => c.parent_call_sid === parent && c.status === 'canceled');
      });
      expect(child.status).toBe('canceled');
    });
  }, 90_000);
});
