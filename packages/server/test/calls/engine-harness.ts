/** The call engine on fake ports with a memory store, an account and its TwiML app: the engine tests' common setup. */
import { ManualClock } from '@denwa/testkit';
import { createLogger } from '../../src/core/index.ts';
import { createMemoryStore, type Store } from '../../src/store/index.ts';
import { CallEngine, type ClientDirectory, type RecorderPort } from '../../src/calls/index.ts';
import { ACCOUNT, APP, FakeDriver, FakeMedia, FakeWebhooks, T0, ids, type FakeConnection } from './fakes.ts';

export interface EngineHarness {
  readonly clock: ManualClock;
  readonly store: Store;
  readonly media: FakeMedia;
  readonly web: FakeWebhooks;
  /** Registered connections by identity (what `ClientDirectory.registered` answers). */
  readonly directory: Map<string, FakeConnection[]>;
  /** The fake phone network; the engine uses it only with `phone: true`. */
  readonly driver: FakeDriver;
  readonly engine: CallEngine;
}

/** Lets the engine's promise chains run (no timers advance). */
export const settle = async (): Promise<void> => { for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r)); };

export async function engineHarness(options: { readonly phone?: boolean; readonly appStatusCallback?: string | null; readonly recorder?: RecorderPort } = {}): Promise<EngineHarness> {
  const clock = new ManualClock(T0);
  const store = createMemoryStore();
  const media = new FakeMedia();
  const web = new FakeWebhooks();
  const directory = new Map<string, FakeConnection[]>();
  const driver = new FakeDriver();
  const clients: ClientDirectory = { registered: (_a, identity) => directory.get(identity) ?? [] };
  const engine = new CallEngine({ store, webhooks: web, media, clients, clock, ids, log: createLogger({ level: 'silent' }), ...(options.phone === true ? { phone: driver } : {}), recorder: options.recorder ?? null });
  await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
  await store.applications.insert({
    sid: APP, accountSid: ACCOUNT, friendlyName: 'app', voiceUrl: 'https://app.test/voice', voiceMethod: 'POST', voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST', statusCallback: options.appStatusCallback ?? null, statusCallbackMethod: 'POST', voiceCallerIdLookup: false, dateCreated: T0, dateUpdated: T0,
  });
  return { clock, store, media, web, directory, driver, engine };
}
