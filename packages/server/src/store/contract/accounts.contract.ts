import { describe, expect, it } from 'vitest';
import type { Store } from '../ports.ts';
import { account, ACCOUNT, sid, T0, type Writable } from './fixtures.ts';

/** Accounts: get and upsert. @internal */
export function describeAccounts(store: () => Store): void {
  describe('accounts', () => {
    it('get returns null for an unknown account', async () => {
      expect(await store().accounts.get(sid('account', 99))).toBeNull();
    });

    it('upsert inserts an account and get returns every field', async () => {
      const fresh = account(sid('account', 3), {
        friendlyName: 'Third',
        authToken: 'ffffffffffffffffffffffffffffffff',
        status: 'suspended',
        dateCreated: T0 + 5,
        dateUpdated: T0 + 6,
      });
      await store().accounts.upsert(fresh);
      expect(await store().accounts.get(fresh.sid)).toStrictEqual(fresh);
    });

    it('upsert of an existing account replaces name, token, status and dateUpdated, keeping dateCreated', async () => {
      const replacement = account(ACCOUNT, {
        friendlyName: 'Renamed',
        authToken: 'abababababababababababababababab',
        status: 'closed',
        dateCreated: T0 + 1000,
        dateUpdated: T0 + 2000,
      });
      await store().accounts.upsert(replacement);
      expect(await store().accounts.get(ACCOUNT)).toStrictEqual({ ...replacement, dateCreated: T0 });
    });

    it('returns copies: changing a returned account changes nothing stored', async () => {
      const got = await store().accounts.get(ACCOUNT);
      if (got === null) throw new Error('seeded account missing');
      (got as Writable<typeof got>).friendlyName = 'mutated';
      expect((await store().accounts.get(ACCOUNT))?.friendlyName).toBe('Main account');
    });
  });
}
