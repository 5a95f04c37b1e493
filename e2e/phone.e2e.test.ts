/**
 * The README's workshop flow on the console's softphone: start Denwa, open `/phone/` as
 * `twilio_user` (HTTP Basic with the account's credentials), open it again as another identity, and
 * call it through the page. The pickers list Chromium's fake devices; the chosen speaker and the
 * volume slider reach the audio element that plays the call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_RECORDER, launchParty, waitInPage, type Party } from './lib/browser.ts';
import { ACCOUNT_SID, AUTH_TOKEN, startDenwa, type DenwaProcess } from './lib/denwa-process.ts';
import { writeToneWav } from './lib/tones.ts';

let denwa: DenwaProcess;
const parties: Party[] = [];
const dir = mkdtempSync(join(tmpdir(), 'denwa-phone-'));

beforeAll(async () => { denwa = await startDenwa(); }, 60_000);
afterAll(async () => {
  for (const p of parties.splice(0)) await p.close().catch(() => undefined);
  await denwa.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function phone(hz: number, identity?: string): Promise<Party> {
  const wav = join(dir, `tone-${String(hz)}.wav`);
  writeToneWav(wav, hz);
  const query = identity === undefined ? '' : `?identity=${identity}`;
  const p = await launchParty(wav, `${denwa.api}/phone/${query}`, { httpCredentials: { username: ACCOUNT_SID, password: AUTH_TOKEN }, initScript: MEDIA_RECORDER });
  parties.push(p);
  return p;
}

const logged = (text: string): string => `document.getElementById('log').textContent.includes(${JSON.stringify(text)})`;
const farEndLevel = "parseFloat(document.getElementById('output-meter').style.width || '0') > 0";

interface MediaRecord { readonly op: string; readonly id: string; readonly src: string; readonly volume: number }

describe('console softphone (/phone/)', () => {
  it('refuses the page without the account credentials', async () => {
    const res = await fetch(`${denwa.api}/phone/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
  });

  it('twilio_user calls alice through the page, on the chosen speaker at the chosen volume', async () => {
    const [me, alice] = await Promise.all([phone(880), phone(440, 'alice')]);
    try {
      await waitInPage(me.page, logged('Twilio.Device Ready!'), 15_000);
      await waitInPage(alice.page, logged('Twilio.Device Ready!'), 15_000);
      expect(await me.page.textContent('#identity')).toBe('twilio_user');
      await waitInPage(me.page, "document.querySelectorAll('#speaker option').length >= 3", 10_000);
      const labels = await me.page.evaluate<[string, string][]>("Array.from(document.querySelectorAll('#speaker option'), (o) => [o.value, o.textContent])");
      expect(labels.map(([, l]) => l)).toEqual(expect.arrayContaining(['Fake Audio Output 1', 'Fake Audio Output 2']));
      expect(await me.page.$$eval('#mic option', (os) => os.length)).toBeGreaterThanOrEqual(2);
      const speaker = labels.find(([, l]) => l === 'Fake Audio Output 1')?.[0] ?? '';
      await me.page.selectOption('#speaker', [speaker]);
      await waitInPage(me.page, logged(`Speakers: ${speaker}`), 5_000);
      await me.page.fill('#volume', '50');
      await me.page.dispatchEvent('#volume', 'input');
      expect(await me.page.evaluate('window.quickstart.device.audio.outputVolume')).toBe(0.5);

      await me.page.fill('#to', 'alice');
      await me.page.click('#call');
      await waitInPage(alice.page, "getComputedStyle(document.getElementById('incoming')).display === 'block'", 15_000);
      expect(await alice.page.textContent('#incoming-from')).toBe('client:twilio_user');
      await alice.page.click('#accept');
      await waitInPage(me.page, logged('Successfully established call!'), 15_000);
      await waitInPage(alice.page, farEndLevel, 10_000);
      await waitInPage(me.page, farEndLevel, 10_000);
      const media = await me.page.evaluate<MediaRecord[]>('window.__media');
      expect(media.filter((m) => m.op === 'play' && m.src === 'stream'), JSON.stringify(media)).toEqual([{ op: 'play', id: speaker, src: 'stream', volume: 0.5 }]);
      // The default outgoing sound, from Denwa itself, on the same speaker.
      expect(media.some((m) => m.op === 'play' && m.src === `${denwa.api}/sdk/sounds/outgoing.wav` && m.id === speaker)).toBe(true);
      await me.page.click('#hangup');
      await waitInPage(alice.page, logged('Call ended.'), 10_000);
    } catch (err) {
      for (const [name, p] of [['twilio_user', me], ['alice', alice]] as const) console.log(name, await p.page.textContent('#log').catch(() => null));
      console.log(denwa.stderr.join('').split('\n').slice(-40).join('\n'));
      throw err;
    }
  }, 90_000);
});
