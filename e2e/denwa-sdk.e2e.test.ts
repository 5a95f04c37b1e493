/**
 * Denwa's own browser SDK (`@denwa/sdk`, the 2.x `Device`/`Call` API): it calls itself through
 * Denwa, and interoperates with the official, unmodified `@twilio/voice-sdk` 2.x in both directions,
 * with audio checked by frequency on both sides.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import type { PageSdk } from './lib/page-server.ts';
import { ALICE_HZ, BOB_HZ, bothHear, startScenario, type Scenario } from './lib/scenario.ts';
import { writeToneWav } from './lib/tones.ts';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario('voice-sdk-2');
  s.web.route('/voice', `<Response><Dial timeout="20"><Client>bob</Client></Dial></Response>`);
}, 60_000);

afterAll(async () => {
  await (s as Scenario | undefined)?.close();
}, 30_000);

const has = (event: string): string => `window.h.log.some((e) => e.event === '${event}')`;

/** alice (on `from`) calls bob (on `to`); both hear each other; optional DTMF; alice hangs up. */
async function insightsCounts(): Promise<{ events: number; metrics: number }> {
  const health = await (await fetch(`${s.denwa.api}/healthz`)).json() as { insights: { events: number; metrics: number } };
  return health.insights;
}

async function call(from: PageSdk, to: PageSdk, dtmf: boolean): Promise<void> {
  const [alice, bob] = await Promise.all([s.party(ALICE_HZ, from), s.party(BOB_HZ, to)]);
  const before = await insightsCounts();
  try {
    await s.explain({ alice: alice.page, bob: bob.page }, async () => {
      // Each page runs the SDK it was asked for (Denwa's bundle defines the Denwa global).
      expect(await alice.page.evaluate('typeof window.Denwa')).toBe(from === 'denwa' ? 'object' : 'undefined');
      expect(await bob.page.evaluate('typeof window.Denwa')).toBe(to === 'denwa' ? 'object' : 'undefined');
      for (const [party, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        await party.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken(name))}, ${JSON.stringify(s.denwa.chunderw)})`);
        expect(await party.page.evaluate('window.h.register2()')).toBe('registered');
      }
      await alice.page.evaluate("window.h.connect2({ To: 'bob', topic: 'e2e call' })");
      await waitInPage(bob.page, has('device.incoming'), 15_000);
      await bob.page.evaluate('window.h.accept()');
      await waitInPage(alice.page, has('call.accept'), 15_000);
      await waitInPage(bob.page, has('call.accept'), 15_000);
      await bothHear(alice, bob);
      const parentSid = await alice.page.evaluate<string>('window.h.callSid()');
      expect(parentSid).toMatch(/^CA[0-9a-f]{32}$/);
      if (from === 'denwa') {
        // The quality loop: a sample per second from the real getStats(), volume every 50 ms.
        await alice.page.evaluate(`(() => {
          window.__samples = []; window.__volumes = [];
          window.h.call.on('sample', (s) => window.__samples.push(s));
          window.h.call.on('volume', (i, o) => window.__volumes.push([i, o]));
          return true;
        })()`);
        await waitInPage(alice.page, 'window.__samples.length >= 3', 10_000);
        const samples = await alice.page.evaluate<{ codecName: string; mos: number | null; packetsReceived: number; bytesSent: number; rtt: number | null }[]>('window.__samples');
        const last = samples.at(-1);
        expect(last?.codecName).toBe('PCMU');
        expect(last?.mos).toBeGreaterThan(4);
        expect(last?.packetsReceived).toBeGreaterThan(30);
        expect(last?.bytesSent).toBeGreaterThan(3000);
        const volumes = await alice.page.evaluate<[number, number][]>('window.__volumes');
        expect(volumes.length).toBeGreaterThan(20);
        expect(Math.max(...volumes.map((v) => v[1]))).toBeGreaterThan(0.05); // bob's tone
        expect(Math.max(...volumes.map((v) => v[0]))).toBeGreaterThan(0.05); // alice's own tone
      }
      if (from === 'denwa' && to === 'denwa') {
        // One-way audio: RTP keeps arriving at alice but her playout is silent while Denwa reports
        // bob talking; Denwa's SDK warns, and clears once she hears him again.
        const mark = await alice.page.evaluate<number>('window.h.log.length');
        await alice.page.evaluate('window.h.call.getRemoteStream().getAudioTracks()[0].enabled = false');
        await waitInPage(alice.page, `window.h.log.slice(${String(mark)}).some((e) => e.event === 'call.warning' && e.detail === 'one-way-audio')`, 15_000);
        await alice.page.evaluate('window.h.call.getRemoteStream().getAudioTracks()[0].enabled = true');
        await waitInPage(alice.page, `window.h.log.slice(${String(mark)}).some((e) => e.event === 'call.warning-cleared' && e.detail === 'one-way-audio')`, 15_000);
      }
      if (dtmf) {
        await alice.page.evaluate("window.h.digits('123#')");
        const deadline = Date.now() + 10_000;
        let digits = '';
        while (Date.now() < deadline && digits !== '123#') {
          const events = await s.denwa.rest(`/Calls/${parentSid}/Events.json`) as { events: { type: string; detail: { digits?: string } }[] };
          digits = events.events.filter((e) => e.type === 'dtmf').map((e) => e.detail.digits ?? '').join('');
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(digits).toBe('123#');
      }
      await alice.page.evaluate('window.h.hangup()');
      await waitInPage(bob.page, has('call.disconnect'), 10_000);
      await waitInPage(alice.page, has('call.disconnect'), 10_000);
      if (from === 'denwa' && to === 'denwa') {
        // Both pages published their events and quality samples to Denwa's Insights intake.
        const deadline = Date.now() + 10_000;
        let after = await insightsCounts();
        while (Date.now() < deadline && (after.metrics < before.metrics + 2 || after.events < before.events + 6)) {
          await new Promise((r) => setTimeout(r, 200));
          after = await insightsCounts();
        }
        expect(after.events - before.events).toBeGreaterThanOrEqual(6);
        expect(after.metrics - before.metrics).toBeGreaterThanOrEqual(2);
      }
    });
  } finally {
    await alice.close();
    await bob.close();
  }
}

interface MediaRecord {
  readonly op: 'sink' | 'play';
  readonly id: string;
  readonly src: string;
  readonly volume: number;
}

const mediaLog = (page: Party['page']): Promise<MediaRecord[]> => page.evaluate<MediaRecord[]>('window.__media');

/**
 * The 1.x API as the hands-on guide's page uses it: `Twilio.Device.setup(token)` with a capability
 * token, `ready`, `error`, a `connect` handler that adds `warning`/`warning-cleared` listeners,
 * `disconnect`, `incoming` + `conn.accept()`, `Twilio.Device.connect({To})`, `disconnectAll()`, and
 * speaker/ringtone selection with `Twilio.Device.audio.speakerDevices.set(...)`: bob rings on both
 * of Chromium's fake outputs (Denwa's default ring) and hears the call on the first one.
 */
async function guideCall(): Promise<void> {
  const [alice, bob] = await Promise.all([s.party(ALICE_HZ, 'denwa'), s.party(BOB_HZ, 'denwa')]);
  try {
    await s.explain({ alice: alice.page, bob: bob.page }, async () => {
      for (const [party, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        await party.page.evaluate(`window.h.setup1(${JSON.stringify(s.capabilityToken(name))}, ${JSON.stringify(s.denwa.chunderw)}, { sounds: {} })`);
        await party.page.evaluate(`(() => {
          Twilio.Device.connect((conn) => {
            window.h.note('device.connect', conn.status());
            conn.on('warning', (name) => window.h.note('warning', name));
            conn.on('warning-cleared', (name) => window.h.note('warning-cleared', name));
          });
          Twilio.Device.disconnect(() => window.h.note('device.disconnect'));
          return true;
        })()`);
        await waitInPage(party.page, has('device.ready'), 15_000);
        expect(await party.page.evaluate('Twilio.Device.status()')).toBe('ready');
      }
      await waitInPage(bob.page, 'Twilio.Device.audio.availableOutputDevices.size >= 3', 10_000);
      const outputs = await bob.page.evaluate<string[]>(`(async () => {
        const ids = [...Twilio.Device.audio.availableOutputDevices.keys()].filter((id) => id !== 'default');
        await Twilio.Device.audio.speakerDevices.set(ids[0]);
        await Twilio.Device.audio.ringtoneDevices.set(ids);
        return ids;
      })()`);
      expect(outputs).toHaveLength(2);
      await alice.page.evaluate("window.h.connect1({ To: 'bob' })");
      await waitInPage(bob.page, has('device.incoming'), 15_000);
      await bob.page.evaluate('window.h.accept()');
      await waitInPage(alice.page, has('device.connect'), 15_000);
      await waitInPage(bob.page, has('device.connect'), 15_000);
      expect(await alice.page.evaluate('Twilio.Device.status()')).toBe('busy');
      expect(await alice.page.evaluate('Twilio.Device.activeConnection().status()')).toBe('open');
      await bothHear(alice, bob);
      const media = await mediaLog(bob.page);
      // The default ring comes from the Denwa server that serves signaling.
      const rang = media.filter((m) => m.op === 'play' && m.src === `https://${s.denwa.chunderw}/sdk/sounds/incoming.wav`);
      expect(rang.map((m) => m.id).sort(), JSON.stringify(media)).toEqual([...outputs].sort());
      expect(media.filter((m) => m.op === 'play' && m.src === 'stream').map((m) => m.id)).toEqual([outputs[0]]);
      await alice.page.evaluate('Twilio.Device.disconnectAll()');
      await waitInPage(alice.page, has('device.disconnect'), 10_000);
      await waitInPage(bob.page, has('device.disconnect'), 10_000);
      expect(await bob.page.evaluate('Twilio.Device.status()')).toBe('ready');
    });
  } finally {
    await alice.close();
    await bob.close();
  }
}

describe('Denwa SDK', () => {
  it('runs the 1.x API of the hands-on guide (Twilio.Device.setup, capability token): audio both ways, disconnectAll', async () => {
    await guideCall();
  }, 90_000);

  it('fetches and plays a custom incoming sound from the page\'s own server, and stops ringing on cancel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'denwa-sound-'));
    const wav = join(dir, 'ring.wav');
    writeToneWav(wav, 1000);
    let hits = 0;
    const server = createServer((req, res) => {
      if (req.url !== '/custom-ring.wav') { res.writeHead(404).end(); return; }
      hits += 1;
      res.writeHead(200, { 'content-type': 'audio/wav', 'access-control-allow-origin': '*' }).end(readFileSync(wav));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const url = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}/custom-ring.wav`;
    const [alice, bob] = await Promise.all([s.party(ALICE_HZ, 'denwa'), s.party(BOB_HZ, 'denwa')]);
    try {
      await s.explain({ alice: alice.page, bob: bob.page }, async () => {
        await bob.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('bob'))}, ${JSON.stringify(s.denwa.chunderw)}, { sounds: { incoming: ${JSON.stringify(url)} } })`);
        await alice.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('alice'))}, ${JSON.stringify(s.denwa.chunderw)})`);
        expect(await bob.page.evaluate('window.h.register2()')).toBe('registered');
        await alice.page.evaluate("window.h.connect2({ To: 'bob' })");
        await waitInPage(bob.page, has('device.incoming'), 15_000);
        await waitInPage(bob.page, `window.__media.some((m) => m.op === 'play' && m.src === ${JSON.stringify(url)})`, 10_000);
        expect(hits).toBeGreaterThanOrEqual(1);
        await alice.page.evaluate('window.h.hangup()');
        await waitInPage(bob.page, has('call.cancel'), 10_000);
        expect(await bob.page.evaluate('window.h.device.calls.length')).toBe(0);
      });
    } finally {
      await alice.close();
      await bob.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('calls Denwa SDK: audio both ways, one-way-audio raised and cleared, RFC 4733 digits logged, Insights posts, hangup ends both', async () => {
    await call('denwa', 'denwa', true);
  }, 90_000);

  it('calls the official Voice SDK 2.x, audio both ways', async () => {
    await call('denwa', 'voice-sdk-2', false);
  }, 90_000);

  it('is called by the official Voice SDK 2.x, audio both ways', async () => {
    await call('voice-sdk-2', 'denwa', false);
  }, 90_000);
});
