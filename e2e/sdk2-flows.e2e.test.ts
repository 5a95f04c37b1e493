/**
 * The official Voice SDK 2.x against Denwa beyond the happy path: reject → busy with the Dial
 * action, no answer, two registered tabs, token refresh and a dropped signaling socket mid-call
 * with audio measured at the receiver.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import { ALICE_HZ, BOB_HZ, startScenario, type Scenario } from './lib/scenario.ts';

let s: Scenario;
let alice: Party;
let bob: Party;
let bobTab2: Page;

beforeAll(async () => {
  s = await startScenario('voice-sdk-2');
  s.web.route('/voice', (p) => `<Response><Dial action="${s.web.url}/dial-action" timeout="${p['Scenario'] === 'no-answer' ? '4' : '20'}"><Client>bob</Client></Dial></Response>`);
  [alice, bob] = await Promise.all([s.party(ALICE_HZ), s.party(BOB_HZ)]);
  bobTab2 = await bob.newPage();
  await alice.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('alice'))}, ${JSON.stringify(s.denwa.chunderw)}, { maxCallSignalingTimeoutMs: 30000 })`);
  for (const page of [bob.page, bobTab2]) {
    await page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken('bob'))}, ${JSON.stringify(s.denwa.chunderw)})`);
    await page.evaluate('window.h.register2()');
  }
}, 90_000);

afterAll(async () => {
  await (s as Scenario | undefined)?.close();
}, 30_000);

const mark = (page: Page): Promise<number> => page.evaluate<number>('window.h.log.length');
const waitEvent = (page: Page, from: number, event: string, ms = 15_000): Promise<unknown> =>
  waitInPage(page, `window.h.since(${String(from)}, ${JSON.stringify(event)})`, ms);

const dumpOnFailure = (fn: () => Promise<void>): Promise<void> => s.explain({ alice: alice.page, bob: bob.page, 'bob tab 2': bobTab2 }, fn);

async function actionParams(from: number, ms = 10_000): Promise<Record<string, string>> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = s.web.requests.slice(from).find((r) => r.path === '/dial-action');
    if (found !== undefined) return found.params;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the Dial action URL was not requested');
}

describe('official Voice SDK 2.x flows through Denwa', () => {
  it('a reject makes the dialed call busy: the action gets DialCallStatus=busy and the other tab stops ringing', async () => {
    await dumpOnFailure(async () => {
      const [a, b1, b2, web] = [await mark(alice.page), await mark(bob.page), await mark(bobTab2), s.web.requests.length];
      await alice.page.evaluate("window.h.connect2({ To: 'bob' })");
      await waitEvent(bob.page, b1, 'device.incoming');
      await waitEvent(bobTab2, b2, 'device.incoming');
      await bob.page.evaluate('window.h.reject()');
      expect((await actionParams(web))['DialCallStatus']).toBe('busy');
      await waitEvent(bobTab2, b2, 'call.cancel');
      await waitEvent(alice.page, a, 'call.disconnect');
    });
  }, 60_000);

  it('nobody answering makes the dialed call no-answer and both tabs get cancel', async () => {
    await dumpOnFailure(async () => {
      const [a, b1, b2, web] = [await mark(alice.page), await mark(bob.page), await mark(bobTab2), s.web.requests.length];
      await alice.page.evaluate("window.h.connect2({ To: 'bob', Scenario: 'no-answer' })");
      await waitEvent(bob.page, b1, 'device.incoming');
      const params = await actionParams(web, 15_000);
      expect(params['DialCallStatus']).toBe('no-answer');
      await waitEvent(bob.page, b1, 'call.cancel');
      await waitEvent(bobTab2, b2, 'call.cancel');
      await waitEvent(alice.page, a, 'call.disconnect');
    });
  }, 60_000);

  it('two tabs ring; the one that answers talks, the other gets cancel; a token refresh and a dropped socket keep the audio; call messages cross', async () => {
    await dumpOnFailure(async () => {
      const [a, b1, b2] = [await mark(alice.page), await mark(bob.page), await mark(bobTab2)];
      await alice.page.evaluate("window.h.connect2({ To: 'bob' })");
      await waitEvent(bob.page, b1, 'device.incoming');
      await waitEvent(bobTab2, b2, 'device.incoming');
      await bobTab2.evaluate('window.h.accept()');
      await waitEvent(bob.page, b1, 'call.cancel');
      await waitEvent(alice.page, a, 'call.accept');
      await waitInPage(bobTab2, `window.h.heardAfterAccept(${String(ALICE_HZ)}, 10)`, 10_000);
      await waitInPage(alice.page, `window.h.heardAfterAccept(${String(BOB_HZ)}, 10)`, 10_000);

      // Token refresh mid-call: the SDK re-listens and sends a resume invite; media is untouched.
      await alice.page.evaluate(`window.h.updateToken(${JSON.stringify(s.accessToken('alice'))})`);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await bobTab2.evaluate<number>(`window.h.longestGap(${String(ALICE_HZ)}, 10, 3000)`)).toBeLessThanOrEqual(200);
      expect(await alice.page.evaluate<number>(`window.h.longestGap(${String(BOB_HZ)}, 10, 3000)`)).toBeLessThanOrEqual(200);

      // A dropped signaling socket: the SDK reconnects, resumes the call by its reconnect token.
      const before = await mark(alice.page);
      expect(await alice.page.evaluate<number>('window.h.dropSignaling()')).toBeGreaterThan(0);
      await waitEvent(alice.page, before, 'call.reconnected', 20_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await bobTab2.evaluate<number>(`window.h.longestGap(${String(ALICE_HZ)}, 10, 2000)`)).toBeLessThanOrEqual(200);

      // A user-defined call message reaches the other browser of the call (messageSent / messageReceived).
      const [beforeSent, beforeReceived] = [await mark(alice.page), await mark(bobTab2)];
      await alice.page.evaluate("window.h.message({ ticket: 42 })");
      await waitEvent(alice.page, beforeSent, 'call.messageSent');
      await waitEvent(bobTab2, beforeReceived, 'call.messageReceived');
      const received = await bobTab2.evaluate<{ detail: string } | undefined>(`window.h.log.slice(${String(beforeReceived)}).find((e) => e.event === 'call.messageReceived')`);
      expect(received?.detail).toBe('{"ticket":42}');

      const end = await mark(alice.page);
      await bobTab2.evaluate('window.h.hangup()');
      await waitEvent(alice.page, end, 'call.disconnect');
    });
  }, 90_000);
});
