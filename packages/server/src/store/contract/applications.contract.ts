import { describe, expect, it } from 'vitest';
import type { ApplicationRecord, Store } from '../ports.ts';
import { ACCOUNT, application, expectPaging, OTHER_ACCOUNT, sid, sidsOf, T0, UNICODE_TEXT } from './fixtures.ts';

const FULL: ApplicationRecord = application(1, {
  friendlyName: 'IVR',
  voiceUrl: 'https://example.com/voice',
  voiceMethod: 'GET',
  voiceFallbackUrl: 'https://example.com/fallback',
  voiceFallbackMethod: 'POST',
  statusCallback: 'https://example.com/status',
  statusCallbackMethod: 'GET',
  voiceCallerIdLookup: true,
  dateCreated: T0 + 10,
  dateUpdated: T0 + 11,
});

/** Applications: CRUD with nulls and booleans, scoping, the name filter, ordering and paging. @internal */
export function describeApplications(store: () => Store): void {
  describe('applications', () => {
    it('insert then get returns every field, with strings, GET/POST and true', async () => {
      await store().applications.insert(FULL);
      expect(await store().applications.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });

    it('insert then get returns nulls as null and false as false', async () => {
      const bare = application(2);
      await store().applications.insert(bare);
      const got = await store().applications.get(ACCOUNT, bare.sid);
      expect(got).toStrictEqual(bare);
      expect(got?.voiceUrl).toBeNull();
      expect(got?.voiceCallerIdLookup).toBe(false);
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().applications.insert(FULL);
      await expect(store().applications.insert(FULL)).rejects.toThrow();
      await expect(store().applications.insert(application(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
    });

    it('another account can neither see, update nor delete the application', async () => {
      await store().applications.insert(FULL);
      expect(await store().applications.get(OTHER_ACCOUNT, FULL.sid)).toBeNull();
      expect(await store().applications.list(OTHER_ACCOUNT, {}, { offset: 0, limit: 10 })).toEqual({
        items: [],
        hasMore: false,
      });
      expect(
        await store().applications.update(OTHER_ACCOUNT, FULL.sid, { friendlyName: 'x', dateUpdated: T0 + 50 }),
      ).toBeNull();
      expect(await store().applications.delete(OTHER_ACCOUNT, FULL.sid)).toBe(false);
      expect(await store().applications.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });

    it('update changes only the patched fields (to null, to false, to another method) and returns the record', async () => {
      await store().applications.insert(FULL);
      const updated = await store().applications.update(ACCOUNT, FULL.sid, {
        voiceUrl: null,
        voiceCallerIdLookup: false,
        statusCallbackMethod: 'POST',
        dateUpdated: T0 + 50,
      });
      const expected: ApplicationRecord = {
        ...FULL,
        voiceUrl: null,
        voiceCallerIdLookup: false,
        statusCallbackMethod: 'POST',
        dateUpdated: T0 + 50,
      };
      expect(updated).toStrictEqual(expected);
      expect(await store().applications.get(ACCOUNT, FULL.sid)).toStrictEqual(expected);
    });

    it('update with every field replaces them all', async () => {
      await store().applications.insert(application(2));
      const { sid: _sid, accountSid: _account, dateCreated: _created, ...fields } = FULL;
      const updated = await store().applications.update(ACCOUNT, sid('application', 2), fields);
      expect(updated).toStrictEqual({ ...FULL, sid: sid('application', 2), dateCreated: T0 + 2 });
    });

    it('update returns null for an unknown sid', async () => {
      expect(
        await store().applications.update(ACCOUNT, sid('application', 99), { friendlyName: 'x', dateUpdated: 1 }),
      ).toBeNull();
    });

    it('delete returns true once, then false', async () => {
      await store().applications.insert(FULL);
      expect(await store().applications.delete(ACCOUNT, FULL.sid)).toBe(true);
      expect(await store().applications.get(ACCOUNT, FULL.sid)).toBeNull();
      expect(await store().applications.delete(ACCOUNT, FULL.sid)).toBe(false);
    });

    it('lists oldest first, ties broken by sid ascending', async () => {
      for (const [n, created] of [[2, 20], [3, 10], [1, 20]] as const) {
        await store().applications.insert(application(n, { dateCreated: T0 + created }));
      }
      const page = await store().applications.list(ACCOUNT, {}, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([3, 1, 2].map((n) => sid('application', n)));
    });

    it('filters by exact friendlyName, including non-ASCII names', async () => {
      await store().applications.insert(application(1, { friendlyName: 'Support' }));
      await store().applications.insert(application(2, { friendlyName: UNICODE_TEXT }));
      await store().applications.insert(application(3, { friendlyName: 'Support' }));
      await store().applications.insert(application(4, { friendlyName: 'support' }));
      await store().applications.insert(application(5, { accountSid: OTHER_ACCOUNT, friendlyName: 'Support' }));
      const support = await store().applications.list(ACCOUNT, { friendlyName: 'Support' }, { offset: 0, limit: 10 });
      expect(sidsOf(support)).toEqual([sid('application', 1), sid('application', 3)]);
      const unicode = await store().applications.list(ACCOUNT, { friendlyName: UNICODE_TEXT }, { offset: 0, limit: 10 });
      expect(unicode.items).toStrictEqual([application(2, { friendlyName: UNICODE_TEXT })]);
      const none = await store().applications.list(ACCOUNT, { friendlyName: 'Supp' }, { offset: 0, limit: 10 });
      expect(none).toEqual({ items: [], hasMore: false });
    });

    it('pages by offset and limit, with hasMore exact at the boundaries, also under a filter', async () => {
      for (const n of [4, 1, 3, 2, 6, 5]) {
        await store().applications.insert(application(n, { friendlyName: n % 2 === 0 ? 'even' : 'odd' }));
      }
      await expectPaging(
        (page) => store().applications.list(ACCOUNT, {}, page),
        [1, 2, 3, 4, 5, 6].map((n) => sid('application', n)),
      );
      await expectPaging(
        (page) => store().applications.list(ACCOUNT, { friendlyName: 'even' }, page),
        [2, 4, 6].map((n) => sid('application', n)),
      );
    });
  });
}
