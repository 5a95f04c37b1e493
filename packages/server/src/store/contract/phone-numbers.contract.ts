import { describe, expect, it } from 'vitest';
import { StoreConflictError, type PhoneNumberRecord, type Store } from '../ports.ts';
import {
  ACCOUNT,
  application,
  expectPaging,
  OTHER_ACCOUNT,
  phoneNumber,
  sid,
  sidsOf,
  sipTrunk,
  T0,
  UNICODE_TEXT,
} from './fixtures.ts';

const FULL: PhoneNumberRecord = phoneNumber(1, {
  phoneNumber: '+815012345678',
  friendlyName: 'Tokyo office',
  voiceUrl: 'https://example.com/voice',
  voiceMethod: 'GET',
  voiceFallbackUrl: 'https://example.com/fallback',
  voiceFallbackMethod: 'GET',
  voiceApplicationSid: sid('application', 1),
  statusCallback: 'https://example.com/status',
  statusCallbackMethod: 'GET',
  trunkSid: sid('trunk', 1),
  virtual: true,
  dateCreated: T0 + 10,
  dateUpdated: T0 + 11,
});

/** Phone numbers: CRUD, the unique number, references, scoping, filters, ordering and paging. @internal */
export function describePhoneNumbers(store: () => Store): void {
  describe('phoneNumbers', () => {
    /** The application and trunk {@link FULL} names. */
    async function seedReferences(): Promise<void> {
      await store().applications.insert(application(1));
      await store().sipTrunks.insert(sipTrunk(1));
    }

    it('insert then get and getByNumber return every field, with references, GET and true', async () => {
      await seedReferences();
      await store().phoneNumbers.insert(FULL);
      expect(await store().phoneNumbers.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
      expect(await store().phoneNumbers.getByNumber('+815012345678')).toStrictEqual(FULL);
    });

    it('insert then get returns nulls as null and false as false', async () => {
      const bare = phoneNumber(2);
      await store().phoneNumbers.insert(bare);
      const got = await store().phoneNumbers.get(ACCOUNT, bare.sid);
      expect(got).toStrictEqual(bare);
      expect(got?.voiceApplicationSid).toBeNull();
      expect(got?.trunkSid).toBeNull();
      expect(got?.virtual).toBe(false);
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().phoneNumbers.insert(phoneNumber(1));
      await expect(store().phoneNumbers.insert(phoneNumber(1, { phoneNumber: '+14155550999' }))).rejects.toThrow();
      await expect(store().phoneNumbers.insert(phoneNumber(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
      expect(await store().phoneNumbers.getByNumber('+14155550999')).toBeNull();
    });

    it('refuses a number already in the store, in any account, with a StoreConflictError', async () => {
      await store().phoneNumbers.insert(phoneNumber(1));
      for (const taken of [phoneNumber(2, { phoneNumber: phoneNumber(1).phoneNumber }), phoneNumber(3, { accountSid: OTHER_ACCOUNT, phoneNumber: phoneNumber(1).phoneNumber })]) {
        const error: unknown = await store().phoneNumbers.insert(taken).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreConflictError);
        expect((error as StoreConflictError).field).toBe('phoneNumber');
        expect(await store().phoneNumbers.get(taken.accountSid, taken.sid)).toBeNull();
      }
      expect(await store().phoneNumbers.getByNumber(phoneNumber(1).phoneNumber)).toStrictEqual(phoneNumber(1));
      expect(await store().phoneNumbers.delete(ACCOUNT, sid('phoneNumber', 1))).toBe(true);
      await store().phoneNumbers.insert(phoneNumber(2, { phoneNumber: phoneNumber(1).phoneNumber }));
      expect((await store().phoneNumbers.getByNumber(phoneNumber(1).phoneNumber))?.sid).toBe(sid('phoneNumber', 2));
    });

    it('refuses an unknown application or trunk on insert and on update', async () => {
      await expect(store().phoneNumbers.insert(phoneNumber(1, { voiceApplicationSid: sid('application', 9) }))).rejects.toThrow();
      await expect(store().phoneNumbers.insert(phoneNumber(2, { trunkSid: sid('trunk', 9) }))).rejects.toThrow();
      await store().phoneNumbers.insert(phoneNumber(3));
      const patches = [{ voiceApplicationSid: sid('application', 9) }, { trunkSid: sid('trunk', 9) }];
      for (const patch of patches) {
        await expect(store().phoneNumbers.update(ACCOUNT, sid('phoneNumber', 3), { ...patch, dateUpdated: T0 + 50 })).rejects.toThrow();
      }
      expect(await store().phoneNumbers.get(ACCOUNT, sid('phoneNumber', 3))).toStrictEqual(phoneNumber(3));
      expect(await store().phoneNumbers.get(ACCOUNT, sid('phoneNumber', 1))).toBeNull();
    });

    it('another account can neither see, update nor delete the number; getByNumber ignores the account', async () => {
      const n = phoneNumber(1, { accountSid: OTHER_ACCOUNT });
      await store().phoneNumbers.insert(n);
      expect(await store().phoneNumbers.get(ACCOUNT, n.sid)).toBeNull();
      expect(await store().phoneNumbers.list(ACCOUNT, {}, { offset: 0, limit: 10 })).toEqual({ items: [], hasMore: false });
      expect(await store().phoneNumbers.update(ACCOUNT, n.sid, { friendlyName: 'x', dateUpdated: T0 + 50 })).toBeNull();
      expect(await store().phoneNumbers.delete(ACCOUNT, n.sid)).toBe(false);
      expect(await store().phoneNumbers.getByNumber(n.phoneNumber)).toStrictEqual(n);
      expect(await store().phoneNumbers.getByNumber('+19995550000')).toBeNull();
    });

    it('update changes only the patched fields (to null, to false, to a trunk) and returns the record', async () => {
      await seedReferences();
      await store().sipTrunks.insert(sipTrunk(2));
      await store().phoneNumbers.insert(FULL);
      const updated = await store().phoneNumbers.update(ACCOUNT, FULL.sid, {
        voiceUrl: null,
        voiceApplicationSid: null,
        trunkSid: sid('trunk', 2),
        virtual: false,
        dateUpdated: T0 + 50,
      });
      const expected: PhoneNumberRecord = {
        ...FULL,
        voiceUrl: null,
        voiceApplicationSid: null,
        trunkSid: sid('trunk', 2),
        virtual: false,
        dateUpdated: T0 + 50,
      };
      expect(updated).toStrictEqual(expected);
      expect(await store().phoneNumbers.getByNumber(FULL.phoneNumber)).toStrictEqual(expected);
    });

    it('update with every field replaces them all but the number; null for an unknown sid', async () => {
      await seedReferences();
      await store().phoneNumbers.insert(phoneNumber(2));
      const { sid: _sid, accountSid: _account, phoneNumber: _number, dateCreated: _created, ...fields } = FULL;
      const updated = await store().phoneNumbers.update(ACCOUNT, sid('phoneNumber', 2), fields);
      expect(updated).toStrictEqual({ ...FULL, sid: sid('phoneNumber', 2), phoneNumber: phoneNumber(2).phoneNumber, dateCreated: T0 + 2 });
      expect(await store().phoneNumbers.update(ACCOUNT, sid('phoneNumber', 99), { friendlyName: 'x', dateUpdated: 1 })).toBeNull();
    });

    it('delete returns true once, then false, and frees the number', async () => {
      await store().phoneNumbers.insert(phoneNumber(1));
      expect(await store().phoneNumbers.delete(ACCOUNT, sid('phoneNumber', 1))).toBe(true);
      expect(await store().phoneNumbers.get(ACCOUNT, sid('phoneNumber', 1))).toBeNull();
      expect(await store().phoneNumbers.getByNumber(phoneNumber(1).phoneNumber)).toBeNull();
      expect(await store().phoneNumbers.delete(ACCOUNT, sid('phoneNumber', 1))).toBe(false);
    });

    it('deleting the application sets voiceApplicationSid to null and keeps the rest', async () => {
      await seedReferences();
      await store().applications.insert(application(2));
      await store().phoneNumbers.insert(FULL);
      await store().phoneNumbers.insert(phoneNumber(2, { voiceApplicationSid: sid('application', 2) }));
      expect(await store().applications.delete(ACCOUNT, sid('application', 1))).toBe(true);
      expect(await store().phoneNumbers.get(ACCOUNT, FULL.sid)).toStrictEqual({ ...FULL, voiceApplicationSid: null });
      expect((await store().phoneNumbers.get(ACCOUNT, sid('phoneNumber', 2)))?.voiceApplicationSid).toBe(sid('application', 2));
    });

    it('lists oldest first, ties broken by sid ascending', async () => {
      for (const [n, created] of [[2, 20], [3, 10], [1, 20]] as const) {
        await store().phoneNumbers.insert(phoneNumber(n, { dateCreated: T0 + created }));
      }
      const page = await store().phoneNumbers.list(ACCOUNT, {}, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([3, 1, 2].map((n) => sid('phoneNumber', n)));
    });

    it('filters by exact friendlyName, including non-ASCII names', async () => {
      await store().phoneNumbers.insert(phoneNumber(1, { friendlyName: 'Support' }));
      await store().phoneNumbers.insert(phoneNumber(2, { friendlyName: UNICODE_TEXT }));
      await store().phoneNumbers.insert(phoneNumber(3, { friendlyName: 'support' }));
      await store().phoneNumbers.insert(phoneNumber(4, { accountSid: OTHER_ACCOUNT, friendlyName: 'Support' }));
      const support = await store().phoneNumbers.list(ACCOUNT, { friendlyName: 'Support' }, { offset: 0, limit: 10 });
      expect(sidsOf(support)).toEqual([sid('phoneNumber', 1)]);
      const unicode = await store().phoneNumbers.list(ACCOUNT, { friendlyName: UNICODE_TEXT }, { offset: 0, limit: 10 });
      expect(unicode.items).toStrictEqual([phoneNumber(2, { friendlyName: UNICODE_TEXT })]);
    });

    it('filters by partial number, * matching any one character, % and _ taken literally', async () => {
      const numbers = ['+14155551234', '+14155559876', '+815012345678', '+815055551234'];
      for (const [i, number] of numbers.entries()) {
        await store().phoneNumbers.insert(phoneNumber(i + 1, { phoneNumber: number, friendlyName: i % 2 === 0 ? 'even' : 'odd' }));
      }
      const matching = async (pattern: string, friendlyName?: string): Promise<string[]> => {
        const filter = friendlyName === undefined ? { phoneNumber: pattern } : { phoneNumber: pattern, friendlyName };
        const page = await store().phoneNumbers.list(ACCOUNT, filter, { offset: 0, limit: 10 });
        return page.items.map((n) => n.phoneNumber);
      };
      expect(await matching('+14155551234')).toEqual(['+14155551234']);
      expect(await matching('5555')).toEqual(['+14155551234', '+14155559876', '+815055551234']);
      expect(await matching('+1415555****')).toEqual(['+14155551234', '+14155559876']);
      expect(await matching('1234', 'odd')).toEqual(['+815055551234']);
      expect(await matching('%')).toEqual([]);
      expect(await matching('+1415_')).toEqual([]);
      expect(await matching('+14155551234*')).toEqual([]);
    });

    it('pages by offset and limit, with hasMore exact at the boundaries, also under a filter', async () => {
      for (const n of [4, 1, 3, 2, 6, 5]) {
        await store().phoneNumbers.insert(phoneNumber(n, { friendlyName: n % 2 === 0 ? 'even' : 'odd' }));
      }
      await expectPaging(
        (page) => store().phoneNumbers.list(ACCOUNT, {}, page),
        [1, 2, 3, 4, 5, 6].map((n) => sid('phoneNumber', n)),
      );
      await expectPaging(
        (page) => store().phoneNumbers.list(ACCOUNT, { friendlyName: 'even' }, page),
        [2, 4, 6].map((n) => sid('phoneNumber', n)),
      );
    });
  });
}
