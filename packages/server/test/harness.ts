/** Builds the HTTP app over an in-memory store for REST tests (`app.inject()`, no sockets). */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ManualClock } from '@denwa/testkit';
import type { AccountSid } from '@denwa/protocol';
import type { TestHooks } from '../src/api/index.ts';
import { buildApp } from '../src/app.ts';
import type { CallEngine } from '../src/calls/index.ts';
import { RandomIdGenerator } from '../src/core/index.ts';
import { createMemoryStore, type Store } from '../src/store/index.ts';

export const PUBLIC_URL = 'http://127.0.0.1:3000';

/** This checkout's SDK and softphone sources, as `main.ts` passes them. */
export const WEB_SOURCES = {
  sdkEntry: fileURLToPath(new URL('../../sdk/src/browser.ts', import.meta.url)),
  phoneDir: fileURLToPath(new URL('../../../examples/quickstart/public', import.meta.url)),
};

export interface AppHarness {
  readonly app: Awaited<ReturnType<typeof buildApp>>;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly ids: RandomIdGenerator;
  readonly accountSid: AccountSid;
  readonly authToken: string;
  /** `Authorization` header value for the account's own credentials. */
  readonly auth: string;
  readonly base: string;
  close(): Promise<void>;
}

export function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export async function makeApp(options: { calls?: (deps: { store: Store; clock: ManualClock; ids: RandomIdGenerator }) => CallEngine; testHooks?: TestHooks } = {}): Promise<AppHarness> {
  const store = createMemoryStore();
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const ids = new RandomIdGenerator();
  const accountSid = ids.sid('account');
  const authToken = ids.secret();
  await store.accounts.upsert({
    sid: accountSid,
    friendlyName: 'Test',
    authToken,
    status: 'active',
    dateCreated: clock.now(),
    dateUpdated: clock.now(),
  });
  const calls = options.calls?.({ store, clock, ids });
  const app = await buildApp({
    store,
    ids,
    clock,
    ...(calls === undefined ? {} : { calls }),
    ...(options.testHooks === undefined ? {} : { testHooks: options.testHooks }),
    publicUrl: PUBLIC_URL,
    defaultAccountSid: accountSid,
    log: pino({ level: 'silent' }),
    console: { version: 'test', httpsUrl: null, caCertPem: null, webSources: WEB_SOURCES },
  });
  return {
    app,
    store,
    clock,
    ids,
    accountSid,
    authToken,
    auth: basic(accountSid, authToken),
    base: `/2010-04-01/Accounts/${accountSid}`,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export function form(params: Record<string, string | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  return q.toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
