import { describe, expect, it } from 'vitest';
import type { NotificationFilter, NotificationRecord, Store } from '../ports.ts';
import { ACCOUNT, expectPaging, notification, OTHER_ACCOUNT, sid, sidsOf, T0 } from './fixtures.ts';

const CALL_A = sid('call', 1);
const CALL_B = sid('call', 2);

/** Six notifications of {@link ACCOUNT}, newest first 6…1, and one of another account. */
const LOGGED: readonly NotificationRecord[] = [
  notification(1, { callSid: CALL_A, level: 0 }),
  notification(2, { callSid: CALL_B, level: 1 }),
  notification(3, { callSid: null, level: 0 }),
  notification(4, { callSid: CALL_A, level: 1 }),
  notification(5, { callSid: CALL_A, level: 0 }),
  notification(6, { callSid: null, level: 1 }),
  notification(7, { accountSid: OTHER_ACCOUNT, callSid: CALL_A, level: 0 }),
];

const FILTER_CASES: readonly (readonly [filter: NotificationFilter, expected: readonly number[]])[] = [
  [{}, [6, 5, 4, 3, 2, 1]],
  [{ callSid: CALL_A }, [5, 4, 1]],
  [{ level: 0 }, [5, 3, 1]],
  [{ level: 1 }, [6, 4, 2]],
  [{ callSid: CALL_A, level: 1 }, [4]],
  [{ callSid: CALL_B, level: 0 }, []],
];

/** Notifications: insert/get, scoping, newest-first order, filters and paging. @internal */
export function describeNotifications(store: () => Store): void {
  describe('notifications', () => {
    it('insert then get returns every field, with a call and at warning level', async () => {
      const n = notification(1, { callSid: CALL_A, level: 1, errorCode: 12100, messageDate: T0 + 7, dateCreated: T0 + 8 });
      await store().notifications.insert(n);
      expect(await store().notifications.get(ACCOUNT, n.sid)).toStrictEqual(n);
    });

    it('insert then get returns a null callSid and error level 0', async () => {
      const n = notification(2);
      await store().notifications.insert(n);
      const got = await store().notifications.get(ACCOUNT, n.sid);
      expect(got).toStrictEqual(n);
      expect(got?.callSid).toBeNull();
      expect(got?.level).toBe(0);
    });

    it('get returns null for an unknown sid; refuses a duplicate sid and an unknown account', async () => {
      expect(await store().notifications.get(ACCOUNT, sid('notification', 99))).toBeNull();
      await store().notifications.insert(notification(1));
      await expect(store().notifications.insert(notification(1))).rejects.toThrow();
      await expect(store().notifications.insert(notification(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
    });

    it('another account cannot see the notification', async () => {
      const n = notification(1);
      await store().notifications.insert(n);
      expect(await store().notifications.get(OTHER_ACCOUNT, n.sid)).toBeNull();
      expect(await store().notifications.list(OTHER_ACCOUNT, {}, { offset: 0, limit: 10 })).toEqual({
        items: [],
        hasMore: false,
      });
    });

    it('lists newest first by dateCreated, ties broken by sid descending', async () => {
      for (const [n, created] of [[1, 10], [2, 30], [3, 20], [4, 30], [5, 10]] as const) {
        await store().notifications.insert(notification(n, { dateCreated: T0 + created }));
      }
      const page = await store().notifications.list(ACCOUNT, {}, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([4, 2, 3, 5, 1].map((n) => sid('notification', n)));
    });

    for (const [filter, expected] of FILTER_CASES) {
      it(`filters ${JSON.stringify(filter)}`, async () => {
        for (const n of LOGGED) await store().notifications.insert(n);
        const page = await store().notifications.list(ACCOUNT, filter, { offset: 0, limit: 10 });
        expect(sidsOf(page)).toEqual(expected.map((n) => sid('notification', n)));
        expect(page.hasMore).toBe(false);
      });
    }

    it('pages by offset and limit, with hasMore exact at the boundaries, also under a filter', async () => {
      for (const n of LOGGED) await store().notifications.insert(n);
      await expectPaging(
        (page) => store().notifications.list(ACCOUNT, {}, page),
        [6, 5, 4, 3, 2, 1].map((n) => sid('notification', n)),
      );
      await expectPaging(
        (page) => store().notifications.list(ACCOUNT, { level: 0 }, page),
        [5, 3, 1].map((n) => sid('notification', n)),
      );
    });
  });
}
