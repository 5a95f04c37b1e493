import { describe, expect, it } from 'vitest';
import type { Store } from '../ports.ts';
import { ACCOUNT, apiKey, expectPaging, OTHER_ACCOUNT, sid, sidsOf, T0 } from './fixtures.ts';

/** API keys: CRUD, scoping, ordering and paging. @internal */
export function describeApiKeys(store: () => Store): void {
  describe('apiKeys', () => {
    it('insert then get returns every field', async () => {
      const key = apiKey(1, { friendlyName: 'deploy', secret: 's3cr3t', dateCreated: T0 + 10, dateUpdated: T0 + 11 });
      await store().apiKeys.insert(key);
      expect(await store().apiKeys.get(ACCOUNT, key.sid)).toStrictEqual(key);
    });

    it('get returns null for an unknown sid', async () => {
      expect(await store().apiKeys.get(ACCOUNT, sid('apiKey', 99))).toBeNull();
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().apiKeys.insert(apiKey(1));
      await expect(store().apiKeys.insert(apiKey(1, { friendlyName: 'again' }))).rejects.toThrow();
      await expect(store().apiKeys.insert(apiKey(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
      expect((await store().apiKeys.get(ACCOUNT, sid('apiKey', 1)))?.friendlyName).toBe('key 1');
    });

    it('another account can neither see, update nor delete the key', async () => {
      const key = apiKey(1);
      await store().apiKeys.insert(key);
      expect(await store().apiKeys.get(OTHER_ACCOUNT, key.sid)).toBeNull();
      expect(await store().apiKeys.list(OTHER_ACCOUNT, { offset: 0, limit: 10 })).toEqual({ items: [], hasMore: false });
      expect(await store().apiKeys.update(OTHER_ACCOUNT, key.sid, { friendlyName: 'x', dateUpdated: T0 + 50 })).toBeNull();
      expect(await store().apiKeys.delete(OTHER_ACCOUNT, key.sid)).toBe(false);
      expect(await store().apiKeys.get(ACCOUNT, key.sid)).toStrictEqual(key);
    });

    it('update returns the new record and keeps the other fields; null for an unknown sid', async () => {
      const key = apiKey(1);
      await store().apiKeys.insert(key);
      const updated = await store().apiKeys.update(ACCOUNT, key.sid, { friendlyName: 'renamed', dateUpdated: T0 + 50 });
      const expected = { ...key, friendlyName: 'renamed', dateUpdated: T0 + 50 };
      expect(updated).toStrictEqual(expected);
      expect(await store().apiKeys.get(ACCOUNT, key.sid)).toStrictEqual(expected);
      expect(await store().apiKeys.update(ACCOUNT, sid('apiKey', 99), { friendlyName: 'x', dateUpdated: 1 })).toBeNull();
    });

    it('delete returns true once, then false', async () => {
      const key = apiKey(1);
      await store().apiKeys.insert(key);
      expect(await store().apiKeys.delete(ACCOUNT, key.sid)).toBe(true);
      expect(await store().apiKeys.get(ACCOUNT, key.sid)).toBeNull();
      expect(await store().apiKeys.delete(ACCOUNT, key.sid)).toBe(false);
    });

    it('lists oldest first, ties broken by sid ascending, only the account’s keys', async () => {
      for (const [n, created] of [[3, 20], [1, 30], [4, 10], [2, 20], [5, 30]] as const) {
        await store().apiKeys.insert(apiKey(n, { dateCreated: T0 + created }));
      }
      await store().apiKeys.insert(apiKey(6, { accountSid: OTHER_ACCOUNT, dateCreated: T0 + 15 }));
      const page = await store().apiKeys.list(ACCOUNT, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([4, 2, 3, 1, 5].map((n) => sid('apiKey', n)));
      expect(page.hasMore).toBe(false);
    });

    it('pages by offset and limit, with hasMore exact at the boundaries', async () => {
      for (const n of [5, 3, 1, 4, 2]) await store().apiKeys.insert(apiKey(n));
      await expectPaging(
        (page) => store().apiKeys.list(ACCOUNT, page),
        [1, 2, 3, 4, 5].map((n) => sid('apiKey', n)),
      );
    });
  });
}
