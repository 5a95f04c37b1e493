/**
 * The phone network with a real SIP phone: baresip (Debian) plays "the mobile phone" on a trunk
 * (it answers automatically with an 880 Hz tone, or dials in), Denwa dials it for `<Dial><Number>`
 * and routes its calls to a number through a TwiML Bin to `<Dial><Client>twilio_user`. Audio is
 * checked by frequency both ways: in the browser, and in baresip's recording of what it received.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import { startBaresip, type Baresip } from './lib/baresip.ts';
import { ACCOUNT_SID, AUTH_TOKEN } from './lib/denwa-process.ts';
import { startScenario, type Scenario } from './lib/scenario.ts';
import { readWav, tonePower } from './lib/tones.ts';

const PHONE_HZ = 880;
const BROWSER_HZ = 440;
const NUMBER = '+815000000000';
const MOBILE = '+819012345678';

let s: Scenario;
let phone: Baresip;
let alice: Party;
let bob: Party;
let trunkSid = '';

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

/** Which of the two tones dominates the newest recording baresip made of what it received. */
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

beforeAll(async () => {
  s = await startScenario('voice-sdk-2');
  phone = await startBaresip({ hz: PHONE_HZ, user: '09012345678', answer: 'auto', rtpBase: 31_000 });
  const trunk = await v1('/v1/SipTrunks', {
    FriendlyName: 'baresip', Host: `127.0.0.1:${String(phone.port)}`, Transport: 'udp', Codecs: 'PCMU,PCMA',
    CountryCode: '81', NumberFormat: 'national', AllowedSources: '127.0.0.1',
  });
  trunkSid = String(trunk['sid']);
  const bin = await v1('/v1/TwimlBins', { FriendlyName: 'guide', Twiml: `<Response><Dial callerId="${NUMBER}"><Client>twilio_user</Client></Dial></Response>` });
  await s.denwa.rest('/IncomingPhoneNumbers.json', { form: { PhoneNumber: NUMBER, VoiceUrl: String(bin['url']), TrunkSid: trunkSid } });
  [alice, bob] = await Promise.all([s.party(BROWSER_HZ), s.party(BROWSER_HZ, 'denwa')]);
}, 60_000);

afterAll(async () => {
  await phone.stop();
  await (s as Scenario | undefined)?.close();
}, 30_000);

describe('SIP trunk to a real phone (baresip)', () => {
  it('the official SDK calls the mobile through <Dial><Number>: both hear each other, hangup sends BYE', async () => {
    s.web.route('/voice', `<Response><Dial callerId="${NUMBER}" action="${s.web.url}/dial-action"><Number>${MOBILE}</Number></Dial></Response>`);
    await s.explain({ alice: alice.page }, async () => {
      await alice.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('alice'))}, ${JSON.stringify(s.denwa.chunderw)})`);
      expect(await alice.page.evaluate('window.h.register2()')).toBe('registered');
      const mark = phone.events.length;
      await alice.page.evaluate(`window.h.connect2({ To: ${JSON.stringify(MOBILE)} })`);
      const established = await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      expect(established.peeruri).toContain('sip:05000000000@');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      expect(await waitInPage<number>(alice.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      await new Promise((r) => setTimeout(r, 2000));
      await alice.page.evaluate('window.h.hangup()');
      await phone.waitEvent('CALL_CLOSED', 10_000, mark);
      const heard = await phoneHeard();
      expect(heard.browser).toBeGreaterThan(heard.phone * 10);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && s.web.requests.every((r) => r.path !== '/dial-action')) await new Promise((r) => setTimeout(r, 100));
      expect(s.web.requests.find((r) => r.path === '/dial-action')?.params['DialCallStatus']).toBe('completed');
    });
  }, 90_000);

  it('the mobile calls the number: the TwiML Bin dials twilio_user on Denwa\'s SDK, both hear each other, the phone hangs up', async () => {
    await s.explain({ bob: bob.page }, async () => {
      await bob.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('twilio_user'))}, ${JSON.stringify(s.denwa.chunderw)})`);
      expect(await bob.page.evaluate('window.h.register2()')).toBe('registered');
      const mark = phone.events.length;
      phone.command('dial', `sip:${NUMBER}@127.0.0.1:${String(s.denwa.sipPort)}`);
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'device.incoming')", 15_000);
      await bob.page.evaluate('window.h.accept()');
      await phone.waitEvent('CALL_ESTABLISHED', 15_000, mark);
      expect(await waitInPage<number>(bob.page, `window.h.heardAfterAccept(${String(PHONE_HZ)}, 10)`, 10_000)).toBeLessThanOrEqual(3000);
      await new Promise((r) => setTimeout(r, 2000));
      phone.command('hangup');
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.disconnect')", 10_000);
      const heard = await phoneHeard();
      expect(heard.browser).toBeGreaterThan(heard.phone * 10);
      const calls = (await s.denwa.rest('/Calls.json')) as { calls: { from: string; to: string; direction: string; status: string; parent_call_sid: string | null }[] };
      const inbound = calls.calls.find((c) => c.direction === 'inbound' && c.to === NUMBER);
      expect(inbound).toMatchObject({ from: MOBILE, status: 'completed' });
    });
  }, 90_000);
});
