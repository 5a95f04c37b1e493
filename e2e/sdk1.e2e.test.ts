/**
 * The hands-on guide's API: two browsers running the official, unmodified `twilio-client` 1.x
 * (`Twilio.Device.setup(token, {chunderw})` with Capability Tokens) call each other through Denwa.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitInPage, type Party } from './lib/browser.ts';
import { ALICE_HZ, BOB_HZ, bothHear, startScenario, type Scenario } from './lib/scenario.ts';

let s: Scenario;
let alice: Party;
let bob: Party;

beforeAll(async () => {
  s = await startScenario('twilio-client-1');
  s.web.route('/voice', `<Response><Dial timeout="20"><Client>bob</Client></Dial></Response>`);
  [alice, bob] = await Promise.all([s.party(ALICE_HZ), s.party(BOB_HZ)]);
}, 60_000);

afterAll(async () => {
  await (s as Scenario | undefined)?.close();
}, 30_000);

const dumpOnFailure = (fn: () => Promise<void>): Promise<void> => s.explain({ alice: alice.page, bob: bob.page }, fn);

describe('official twilio-client 1.x through Denwa', () => {
  it('Device.setup + Device.connect: bob gets incoming, accepts, both hear each other, hangup ends both', async () => {
    await dumpOnFailure(async () => {
      for (const [party, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        await party.page.evaluate(`window.h.setup1(${JSON.stringify(s.capabilityToken(name))}, ${JSON.stringify(s.denwa.chunderw)})`);
        await waitInPage(party.page, "window.h.log.some((e) => e.event === 'device.ready')", 15_000);
      }
      await alice.page.evaluate("window.h.connect1({ To: 'bob' })");
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'device.incoming')", 15_000);
      await bob.page.evaluate('window.h.accept()');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      await waitInPage(bob.page, "window.h.log.some((e) => e.event === 'call.accept')", 15_000);
      await bothHear(alice, bob);

      await alice.page.evaluate("window.h.digits('9')");
      await new Promise((r) => setTimeout(r, 1000));
      await bob.page.evaluate('window.h.hangup()');
      await waitInPage(alice.page, "window.h.log.some((e) => e.event === 'call.disconnect')", 10_000);

      const deadline = Date.now() + 10_000;
      let calls: { status: string; parent_call_sid: string | null; from: string; to: string }[] = [];
      while (Date.now() < deadline) {
        calls = (await s.denwa.rest('/Calls.json') as { calls: typeof calls }).calls;
        if (calls.length >= 2 && calls.every((c) => c.status === 'completed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const parent = calls.find((c) => c.parent_call_sid === null);
      expect(parent).toMatchObject({ status: 'completed', from: 'client:alice', to: 'bob' });
      expect(calls.find((c) => c.parent_call_sid !== null)).toMatchObject({ status: 'completed', to: 'client:bob' });
    });
  }, 90_000);
});
