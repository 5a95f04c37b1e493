/**
 * The store contract: one vitest suite that every {@link Store} implementation must pass (the idea
 * of hono's `common.case.test.ts`). An implementation's test file calls {@link runStoreContract}
 * with a factory for fresh, empty stores; the suite seeds two accounts before each test.
 *
 * Not exported from the barrel: it imports vitest and is for tests only.
 * @internal
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { describeAccounts } from './contract/accounts.contract.ts';
import { describeApiKeys } from './contract/api-keys.contract.ts';
import { describeApplications } from './contract/applications.contract.ts';
import { describeCallEvents } from './contract/call-events.contract.ts';
import { describeCalls } from './contract/calls.contract.ts';
import { seedAccounts } from './contract/fixtures.ts';
import { describeLifecycle } from './contract/lifecycle.contract.ts';
import { describeNotifications } from './contract/notifications.contract.ts';
import { describePhoneNumbers } from './contract/phone-numbers.contract.ts';
import { describeRecordings } from './contract/recordings.contract.ts';
import { describeSipTrunks } from './contract/sip-trunks.contract.ts';
import { describeTwimlBins } from './contract/twiml-bins.contract.ts';
import type { Store } from './ports.ts';

/** A fresh, empty store, and how to throw it away (close it, delete its files). @internal */
export interface OpenedStore {
  readonly store: Store;
  dispose(): Promise<void>;
}

/**
 * Registers the contract suite for one implementation.
 *
 * @param name - shown in the suite title, e.g. `'sqlite'`.
 * @param open - makes a fresh, empty store per test; `dispose` must tolerate a store that the test
 *   already closed.
 * @example
 * ```ts
 * runStoreContract('memory', () => {
 *   const store = createMemoryStore();
 *   return Promise.resolve({ store, dispose: () => store.close() });
 * });
 * ```
 * @internal
 */
export function runStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;

    beforeEach(async () => {
      opened = await open();
      await seedAccounts(opened.store);
    });

    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
    });

    const store = (): Store => {
      if (opened === undefined) throw new Error('the store contract runs only inside its tests');
      return opened.store;
    };

    describeAccounts(store);
    describeApiKeys(store);
    describeApplications(store);
    describeCalls(store);
    describeCallEvents(store);
    describeTwimlBins(store);
    describePhoneNumbers(store);
    describeSipTrunks(store);
    describeNotifications(store);
    describeRecordings(store);
    describeLifecycle(store);
  });
}
