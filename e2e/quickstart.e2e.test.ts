/**
 * The quickstart app (`examples/quickstart`) against a real Denwa with zero configuration: it
 * provisions its API key and TwiML App, mints tokens with the official `twilio` helper, answers the
 * voice URL with `VoiceResponse`, and its page (Denwa's SDK) calls another identity through the UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchParty, waitInPage, type Party } from './lib/browser.ts';
import { ACCOUNT_SID, AUTH_TOKEN, startDenwa, type DenwaProcess } from './lib/denwa-process.ts';
import { writeToneWav } from './lib/tones.ts';

const MAIN = fileURLToPath(new URL('../examples/quickstart/src/main.ts', import.meta.url));

let denwa: DenwaProcess;
let quickstart: ChildProcess;
let url = '';
const output: string[] = [];
const parties: Party[] = [];
const dir = mkdtempSync(join(tmpdir(), 'denwa-quickstart-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => { resolve(port); });
    });
  });
}

beforeAll(async () => {
  denwa = await startDenwa();
  const port = await freePort();
  quickstart = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), DENWA_URL: denwa.api, DENWA_ACCOUNT_SID: ACCOUNT_SID, DENWA_AUTH_TOKEN: AUTH_TOKEN, DENWA_CHUNDERW: denwa.chunderw },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`quickstart did not start: ${output.join('')}`)); }, 20_000);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const m = /quickstart ready: (\S+?)\/ /.exec(output.join(''));
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    quickstart.stdout?.on('data', onData);
    quickstart.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    quickstart.once('exit', (code) => { clearTimeout(timer); reject(new Error(`quickstart exited ${String(code)}: ${output.join('')}`)); });
  });
}, 60_000);

afterAll(async () => {
  for (const p of parties.splice(0)) await p.close().catch(() => undefined);
  quickstart.kill('SIGTERM');
  await denwa.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function party(hz: number, identity: string): Promise<Party> {
  const wav = join(dir, `tone-${String(hz)}.wav`);
  writeToneWav(wav, hz);
  const p = await launchParty(wav, `${url}/?identity=${identity}`);
  parties.push(p);
  return p;
}

const logged = (text: string): string => `document.getElementById('log').textContent.includes(${JSON.stringify(text)})`;
const farEndLevel = "parseFloat(document.getElementById('output-meter').style.width || '0') > 0";

describe('quickstart', () => {
  it('answers its voice URL only with a valid X-Twilio-Signature', async () => {
    const res = await fetch(`${url}/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'To=bob' });
    expect(res.status).toBe(403);
  });

  it('a page calls twilio_user through the UI: incoming prompt, accept, both hear the far end, digits, hang up', async () => {
    const [alice, bob] = await Promise.all([party(440, 'alice'), party(880, 'twilio_user')]);
    try {
      await waitInPage(alice.page, logged('Twilio.Device Ready!'), 15_000);
      await waitInPage(bob.page, logged('Twilio.Device Ready!'), 15_000);
      expect(await bob.page.textContent('#identity')).toBe('twilio_user');
      await alice.page.fill('#to', 'twilio_user');
      await alice.page.click('#call');
      await waitInPage(bob.page, "getComputedStyle(document.getElementById('incoming')).display === 'block'", 15_000);
      // <Dial callerId> presents the caller ID to the dialed client too, as on Twilio.
      expect(await bob.page.textContent('#incoming-from')).toBe('+15005550006');
      await bob.page.click('#accept');
      await waitInPage(alice.page, logged('Successfully established call!'), 15_000);
      await waitInPage(bob.page, logged('Successfully established call!'), 15_000);
      await waitInPage(alice.page, farEndLevel, 10_000);
      await waitInPage(bob.page, farEndLevel, 10_000);
      await alice.page.click('#pad >> text=5');
      await alice.page.click('#hangup');
      await waitInPage(bob.page, logged('Call ended.'), 10_000);
      const deadline = Date.now() + 10_000;
      let calls: { status: string; from: string; to: string; parent_call_sid: string | null }[] = [];
      while (Date.now() < deadline) {
        calls = (await denwa.rest('/Calls.json') as { calls: typeof calls }).calls;
        if (calls.length >= 2 && calls.every((c) => c.status === 'completed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(calls.find((c) => c.parent_call_sid === null)).toMatchObject({ status: 'completed', from: 'client:alice', to: 'twilio_user' });
      expect(calls.find((c) => c.parent_call_sid !== null)).toMatchObject({ status: 'completed', to: 'client:twilio_user' });
    } catch (err) {
      for (const [name, p] of [['alice', alice], ['bob', bob]] as const) console.log(name, await p.page.textContent('#log').catch(() => null));
      console.log(output.join(''));
      throw err;
    }
  }, 90_000);
});
