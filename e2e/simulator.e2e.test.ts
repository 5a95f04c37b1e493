/**
 * Part 1 of the hands-on guide on one machine, without a carrier: `denwa start` makes the guide's
 * TwiML Bin and the virtual number `+815000000000`; the console's `/simulator/` (a mobile phone on
 * the virtual carrier, 880 Hz) calls the number and the bin rings `/phone/` as `twilio_user`
 * (440 Hz); then `/phone/` calls the simulator's number through `<Dial><Number>`. Each side checks
 * by frequency that it hears the other, on the call's remote stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchParty, waitInPage, type Party } from './lib/browser.ts';
import { ACCOUNT_SID, AUTH_TOKEN, startDenwa, type DenwaProcess } from './lib/denwa-process.ts';
import { writeToneWav } from './lib/tones.ts';

const PHONE_HZ = 440;
const SIM_HZ = 880;
const VIRTUAL = '+815000000000';
const SIM = '+819000000001';

let denwa: DenwaProcess;
let phone: Party;
let sim: Party;
const dir = mkdtempSync(join(tmpdir(), 'denwa-simulator-'));

async function party(hz: number, path: string): Promise<Party> {
  const wav = join(dir, `tone-${String(hz)}.wav`);
  writeToneWav(wav, hz);
  return launchParty(wav, `${denwa.api}${path}`, { httpCredentials: { username: ACCOUNT_SID, password: AUTH_TOKEN } });
}

beforeAll(async () => {
  denwa = await startDenwa();
  [phone, sim] = await Promise.all([party(PHONE_HZ, '/phone/'), party(SIM_HZ, '/simulator/')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([phone.close(), sim.close()].map((p) => p.catch(() => undefined)));
  await denwa.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const logged = (text: string): string => `document.getElementById('log').textContent.includes(${JSON.stringify(text)})`;
const ringing = "getComputedStyle(document.getElementById('incoming')).display === 'block'";

/**
 * Feeds the page's current call's remote stream (`window.quickstart.call` or `window.simulator.call`)
 * into an analyser and records the dominant frequency every 20 ms in `window.__heard`.
 */
async function listen(page: Page, global: 'quickstart' | 'simulator'): Promise<void> {
  await page.evaluate(`(() => {
    if (window.__probe) clearInterval(window.__probe);
    const heard = window.__heard = [];
    const attach = () => {
      const call = window.${global}.call;
      const stream = call && call.getRemoteStream();
      if (!stream || stream.getAudioTracks().length === 0) return false;
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      window.__probe = setInterval(() => {
        analyser.getFloatFrequencyData(bins);
        let best = 1;
        for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
        heard.push({ hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] });
        if (heard.length > 3000) heard.shift();
      }, 20);
      return true;
    };
    const wait = setInterval(() => { if (attach()) clearInterval(wait); }, 50);
  })()`);
}

const hears = (hz: number): string => `(window.__heard || []).some((p) => Math.abs(p.hz - ${String(hz)}) <= 12 && p.db > -60)`;

async function explain(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    for (const [name, p] of [['/phone/', phone], ['/simulator/', sim]] as const) console.log(name, await p.page.textContent('#log').catch(() => null));
    console.log(denwa.stderr.join('').split('\n').slice(-60).join('\n'));
    throw err;
  }
}

interface CallJson { readonly sid: string; readonly from: string; readonly to: string; readonly direction: string; readonly status: string; readonly phone_number_sid: string | null; readonly parent_call_sid: string | null }

async function calls(): Promise<CallJson[]> {
  return ((await denwa.rest('/Calls.json')) as { calls: CallJson[] }).calls;
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

describe('the virtual carrier: /simulator/ and /phone/ on one machine', () => {
  it('starts with the guide\'s virtual number, and both pages register', async () => {
    expect(denwa.stdout.join('')).toContain(`  number     ${VIRTUAL} (virtual, created; call it from ${denwa.api}/simulator/)`);
    const numbers = (await denwa.rest('/IncomingPhoneNumbers.json')) as { incoming_phone_numbers: { sid: string; phone_number: string; virtual: boolean }[] };
    expect(numbers.incoming_phone_numbers).toEqual([expect.objectContaining({ phone_number: VIRTUAL, virtual: true })]);
    await explain(async () => {
      await waitInPage(phone.page, logged('Twilio.Device Ready!'), 15_000);
      await waitInPage(sim.page, logged(`On the network as ${SIM}.`), 15_000);
      expect(await sim.page.textContent('#number')).toBe(SIM);
    });
  }, 60_000);

  it('the simulator calls the virtual number: the bin rings twilio_user, both hear each other, the simulator hangs up', async () => {
    await explain(async () => {
      await sim.page.fill('#to', VIRTUAL);
      await sim.page.click('#call');
      await waitInPage(phone.page, ringing, 15_000);
      expect(await phone.page.textContent('#incoming-from')).toBe(VIRTUAL);
      await phone.page.click('#accept');
      await waitInPage(phone.page, logged('Successfully established call!'), 15_000);
      await waitInPage(sim.page, logged('Call connected.'), 15_000);
      await Promise.all([listen(phone.page, 'quickstart'), listen(sim.page, 'simulator')]);
      await waitInPage(phone.page, hears(SIM_HZ), 15_000);
      await waitInPage(sim.page, hears(PHONE_HZ), 15_000);
      // Each hears the other, not itself.
      expect(await phone.page.evaluate(hears(PHONE_HZ))).toBe(false);
      expect(await sim.page.evaluate(hears(SIM_HZ))).toBe(false);
      await sim.page.click('#hangup');
      await waitInPage(phone.page, logged('Call ended.'), 10_000);
      const inbound = await until('the inbound call record', async () => (await calls()).find((c) => c.direction === 'inbound' && c.from === SIM && c.status === 'completed'));
      expect(inbound).toMatchObject({ to: VIRTUAL });
      expect(inbound.phone_number_sid).toMatch(/^PN[0-9a-f]{32}$/);
      const child = (await calls()).find((c) => c.parent_call_sid === inbound.sid);
      expect(child).toMatchObject({ from: VIRTUAL, to: 'client:twilio_user', direction: 'outbound-dial' });
    });
  }, 90_000);

  it('/phone/ calls the simulator\'s number: <Dial><Number> rings the simulator, both hear each other, /phone/ hangs up', async () => {
    await explain(async () => {
      await waitInPage(sim.page, "document.getElementById('call').disabled === false", 10_000);
      await waitInPage(phone.page, "document.getElementById('call').disabled === false", 10_000);
      await phone.page.fill('#to', SIM);
      await phone.page.click('#call');
      await waitInPage(sim.page, ringing, 15_000);
      // /phone/ calls numbers with the account's number as caller ID, like the guide's TwiML App.
      expect(await sim.page.textContent('#incoming-from')).toBe(VIRTUAL);
      await sim.page.click('#accept');
      await waitInPage(sim.page, logged('Call connected.'), 15_000);
      await Promise.all([listen(phone.page, 'quickstart'), listen(sim.page, 'simulator')]);
      await waitInPage(sim.page, hears(PHONE_HZ), 15_000);
      await waitInPage(phone.page, hears(SIM_HZ), 15_000);
      expect(await phone.page.evaluate(hears(PHONE_HZ))).toBe(false);
      expect(await sim.page.evaluate(hears(SIM_HZ))).toBe(false);
      await phone.page.click('#hangup');
      await waitInPage(sim.page, 'window.simulator.call === null', 10_000);
      const child = await until('the dialed call record', async () => (await calls()).find((c) => c.direction === 'outbound-dial' && c.to === SIM && c.status === 'completed'));
      expect(child.from).toBe(VIRTUAL);
    });
  }, 90_000);
});
