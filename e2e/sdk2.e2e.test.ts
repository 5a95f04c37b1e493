/**
 * Two browsers running the official, unmodified `@twilio/voice-sdk` 2.x call each other through
 * Denwa: `<Dial><Client>`, audio both ways, DTMF, hangup, call records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import { ALICE_HZ, BOB_HZ, bothHear, startScenario, type Scenario } from './lib/scenario.ts';

let s: Scenario;
let alice: Party;
let bob: Party;

beforeAll(async () => {
  s = await startScenario('voice-sdk-2');
  s.web.route('/voice', `<Response><Dial action="${s.web.url}/dial-action" timeout="20"><Client>bob</Client></Dial></Response>`);
  [alice, bob] = await Promise.all([s.party(ALICE_HZ), s.party(BOB_HZ)]);
}, 60_000);

afterAll(async () => {
  await (s as Scenario | undefined)?.close();
}, 30_000);

const dumpOnFailure = (fn: () => Promise<void>): Promise<void> => s.explain({ alice: alice.page, bob: bob.page }, fn);

describe('official Voice SDK 2.x through Denwa', () => {
  it('alice calls bob through <Dial><Client>: both hear each other, DTMF is logged, hangup ends both, records are complete', async () => {
    await dumpOnFailure(async () => {
      for (const [party, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        await party.page.evaluate(`window.h.setup2(${JSON.stringify(s.accessToken(name))}, ${JSON.stringify(s.denwa.chunderw)})`);
        expect(await party.page.evaluate('window.h.register2()')).toBe('registered');
      }
      await alice.page.evaluate("window.h.connect2({ To: 'bob' })");
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'device.incoming')", 15_000);
      await bob.page.evaluate('window.h.accept()');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);

      await bothHear(alice, bob);

      const parentSid = await alice.page.evaluate<string>('window.h.callSid()');
      expect(parentSid).toMatch(/^CA[0-9a-f]{32}$/);
      await alice.page.evaluate("window.h.digits('123#')");
      const deadline = Date.now() + 10_000;
      let digits = '';
      while (Date.now() < deadline) {
        const events = await s.denwa.rest(`/Calls/${parentSid}/Events.json`) as { events: { type: string; detail: { digits?: string } }[] };
        digits = events.events.filter((e) => e.type === 'dtmf').map((e) => e.detail.digits ?? '').join('');
        if (digits === '123#') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(digits).toBe('123#');

      await new Promise((r) => setTimeout(r, 1200));
      await alice.page.evaluate('window.h.hangup()');
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.disconnect')", 10_000);

      const waitCompleted = Date.now() + 10_000;
      let calls: { sid: string; parent_call_sid: string | null; status: string; duration: string | null }[] = [];
      while (Date.now() < waitCompleted) {
        calls = (await s.denwa.rest('/Calls.json') as { calls: typeof calls }).calls;
        if (calls.length >= 2 && calls.every((c) => c.status === 'completed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const parent = calls.find((c) => c.sid === parentSid);
      const child = calls.find((c) => c.parent_call_sid === parentSid);
      expect(parent?.status).toBe('completed');
      expect(child?.status).toBe('completed');
      expect(Number(parent?.duration)).toBeGreaterThanOrEqual(1);
      expect(Number(child?.duration)).toBeGreaterThanOrEqual(1);
      const action = s.web.requests.find((r) => r.path === '/dial-action');
      expect(action?.params['DialCallStatus']).toBe('completed');
      expect(action?.params['DialCallSid']).toBe(child?.sid);
    });
  }, 90_000);
});
