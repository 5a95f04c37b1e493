/**
 * The shared setup of the call specs: Denwa, the application's webhook server, an API key, a TwiML
 * application, tokens minted with the official `twilio` helper, and one Chromium per party.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import type { Page } from 'playwright-core';
import { MEDIA_RECORDER, launchParty, waitInPage, type Party } from './browser.ts';
import { expect } from 'vitest';
import { ACCOUNT_SID, AUTH_TOKEN, startDenwa, type DenwaProcess } from './denwa-process.ts';
import { startPageServer, type PageSdk, type PageServer, type SdkName } from './page-server.ts';
import { writeToneWav } from './tones.ts';
import { startWebhookServer, type WebhookServer } from './webhook-server.ts';

export const ALICE_HZ = 440;
export const BOB_HZ = 880;

export interface Scenario {
  readonly denwa: DenwaProcess;
  readonly web: WebhookServer;
  readonly pages: PageServer;
  readonly applicationSid: string;
  accessToken(identity: string, ttlSec?: number): string;
  capabilityToken(identity: string): string;
  /** A browser playing a tone of `hz`, on the scenario's SDK or on Denwa's (`sdk: 'denwa'`). */
  party(hz: number, sdk?: PageSdk): Promise<Party>;
  /** Runs `fn`; when it throws, prints each page's SDK event log and the tail of Denwa's log first. */
  explain(pages: Readonly<Record<string, Page>>, fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function startScenario(sdk: SdkName, options: { readonly denwaEnv?: Readonly<Record<string, string>>; readonly denwaDir?: string } = {}): Promise<Scenario> {
  const denwa = await startDenwa({
    ...(options.denwaEnv === undefined ? {} : { env: options.denwaEnv }),
    ...(options.denwaDir === undefined ? {} : { dir: options.denwaDir }),
  });
  const web = await startWebhookServer();
  const pages = await startPageServer(sdk);
  const dir = mkdtempSync(join(tmpdir(), 'denwa-tones-'));
  const parties: Party[] = [];
  const key = await denwa.rest('/Keys.json', { form: { FriendlyName: 'e2e' } });
  const app = await denwa.rest('/Applications.json', { form: { FriendlyName: 'e2e', VoiceUrl: `${web.url}/voice`, VoiceMethod: 'POST' } });
  const keySid = String(key['sid']);
  const keySecret = String(key['secret']);
  const applicationSid = String(app['sid']);
  return {
    denwa,
    web,
    pages,
    applicationSid,
    accessToken(identity, ttlSec = 3600) {
      const token = new twilio.jwt.AccessToken(ACCOUNT_SID, keySid, keySecret, { identity, ttl: ttlSec });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: applicationSid }));
      return token.toJwt();
    },
    capabilityToken(identity) {
      const capability = new twilio.jwt.ClientCapability({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
      capability.addScope(new twilio.jwt.ClientCapability.IncomingClientScope(identity));
      capability.addScope(new twilio.jwt.ClientCapability.OutgoingClientScope({ applicationSid, clientName: identity }));
      return capability.toJwt();
    },
    async party(hz, sdk) {
      const wav = join(dir, `tone-${String(hz)}.wav`);
      writeToneWav(wav, hz);
      const party = await launchParty(wav, sdk === 'denwa' ? `${pages.url}?sdk=denwa` : pages.url, { initScript: MEDIA_RECORDER });
      parties.push(party);
      return party;
    },
    async explain(pages, fn) {
      try {
        await fn();
      } catch (err) {
        for (const [name, page] of Object.entries(pages)) {
          console.log(name, JSON.stringify(await page.evaluate('window.h.log').catch(() => null)));
        }
        console.log(denwa.stderr.join('').split('\n').filter((l) => !l.includes('insights')).slice(-60).join('\n'));
        throw err;
      }
    },
    async close() {
      for (const p of parties.splice(0)) await p.close().catch(() => undefined);
      await pages.close();
      await web.close();
      await denwa.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Each party hears the other's tone (±10 Hz) within 2 s of its call's accept. */
export async function bothHear(alice: Party, bob: Party): Promise<void> {
  const aliceHeard = await waitInPage<number>(alice.page, `window.h.heardAfterAccept(${String(BOB_HZ)}, 10)`, 10_000);
  const bobHeard = await waitInPage<number>(bob.page, `window.h.heardAfterAccept(${String(ALICE_HZ)}, 10)`, 10_000);
  expect(aliceHeard).toBeLessThanOrEqual(2000);
  expect(bobHeard).toBeLessThanOrEqual(2000);
}
