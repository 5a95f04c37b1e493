/**
 * Quality warnings under a real network fault. Denwa runs with `--test-hooks on`; the relay
 * impairs what it sends to the caller's leg: 5 % packet loss, then 500 ms of added delay, then no
 * media at all. The caller's SDK must raise `high-packet-loss`, `high-rtt` and `low-bytes-received`,
 * each followed by `warning-cleared` once the fault is lifted. The same scenario runs on the
 * official Voice SDK 2.x and on Denwa's SDK, and the test prints both timelines side by side.
 * Last, the leg goes dark altogether (STUN too): both SDKs restart ICE through `reinvite`
 * (`reconnecting`) and come back (`reconnected`) once the path returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage } from './lib/browser.ts';
import { ACCOUNT_SID, AUTH_TOKEN } from './lib/denwa-process.ts';
import type { PageSdk } from './lib/page-server.ts';
import { ALICE_HZ, BOB_HZ, startScenario, type Scenario } from './lib/scenario.ts';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario('voice-sdk-2', { denwaEnv: { DENWA_TEST_HOOKS: 'on' } });
  s.web.route('/voice', '<Response><Dial timeout="20"><Client>bob</Client></Dial></Response>');
}, 60_000);

afterAll(async () => {
  await (s as Scenario | undefined)?.close();
}, 30_000);

const FAULTS = [
  { name: 'high-packet-loss', params: { LossPercent: '5' } },
  { name: 'high-rtt', params: { DelayMs: '500' } },
  { name: 'low-bytes-received', params: { Stop: 'true' } },
] as const;

interface Timeline { raisedAfterMs: number; clearedAfterMs: number }

async function impair(callSid: string, params: Record<string, string>): Promise<void> {
  const res = await fetch(`${s.denwa.api}/test/Impairments`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ CallSid: callSid, ...params }).toString(),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const since = (mark: number, event: string, name: string): string =>
  `window.h.log.slice(${String(mark)}).some((e) => e.event === '${event}' && e.detail === '${name}')`;

/** alice (on `sdk`) calls bob; each fault in turn is applied to alice's leg, then lifted. */
async function faults(sdk: PageSdk): Promise<Record<string, Timeline>> {
  const [alice, bob] = await Promise.all([s.party(ALICE_HZ, sdk), s.party(BOB_HZ, sdk)]);
  const out: Record<string, Timeline> = {};
  try {
    await s.explain({ alice: alice.page, bob: bob.page }, async () => {
      for (const [party, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        await party.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken(name))}, ${JSON.stringify(s.denwa.chunderw)})`);
        expect(await party.page.evaluate('window.h.register2()')).toBe('registered');
      }
      await alice.page.evaluate("window.h.connect2({ To: 'bob' })");
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'device.incoming')", 15_000);
      await bob.page.evaluate('window.h.accept()');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      const callSid = await alice.page.evaluate<string>('window.h.callSid()');
      // A clean start: the first samples settle before any fault.
      await new Promise((r) => setTimeout(r, 3000));
      for (const fault of FAULTS) {
        const mark = await alice.page.evaluate<number>('window.h.log.length');
        const start = Date.now();
        await impair(callSid, fault.params);
        await waitInPage(alice.page, since(mark, 'call.warning', fault.name), 25_000);
        const raisedAfterMs = Date.now() - start;
        await impair(callSid, { Clear: 'true' });
        const lifted = Date.now();
        await waitInPage(alice.page, since(mark, 'call.warning-cleared', fault.name), 30_000);
        out[fault.name] = { raisedAfterMs, clearedAfterMs: Date.now() - lifted };
      }
      // Media reconnection: nothing reaches alice, so ICE drops; the SDK restarts ICE via reinvite.
      const mark = await alice.page.evaluate<number>('window.h.log.length');
      const dark = Date.now();
      await impair(callSid, { Blackhole: 'true' });
      await waitInPage(alice.page, `window.h.log.slice(${String(mark)}).some((e) => e.event === 'call.reconnecting')`, 30_000);
      const reconnectingAfterMs = Date.now() - dark;
      await impair(callSid, { Clear: 'true' });
      const back = Date.now();
      await waitInPage(alice.page, `window.h.log.slice(${String(mark)}).some((e) => e.event === 'call.reconnected')`, 30_000);
      out['media-reconnection'] = { raisedAfterMs: reconnectingAfterMs, clearedAfterMs: Date.now() - back };
      await new Promise((r) => setTimeout(r, 1000));
      expect(await alice.page.evaluate('window.h.call.status()')).toBe('open');
      expect(await bob.page.evaluate('window.h.call.status()')).toBe('open');
      await alice.page.evaluate('window.h.hangup()');
    });
  } finally {
    await alice.close();
    await bob.close();
  }
  return out;
}

describe('quality warnings under impairment of the caller\'s leg', () => {
  it('the official SDK and Denwa\'s raise and clear the same warnings', async () => {
    const official = await faults('voice-sdk-2');
    const denwa = await faults('denwa');
    console.log(JSON.stringify({ impairment_warnings: { official, denwa } }));
    expect(Object.keys(denwa)).toEqual(Object.keys(official));
    expect(Object.keys(denwa)).toEqual([...FAULTS.map((f) => f.name), 'media-reconnection']);
  }, 240_000);
});
