import { describe, expect, it } from 'vitest';
import type { Store } from '../ports.ts';
import { ACCOUNT, expectPaging, OTHER_ACCOUNT, sid, sidsOf, T0, twimlBin, UNICODE_TEXT } from './fixtures.ts';

/** TwiML Bins: CRUD, lookup by sid alone, scoping, ordering and paging. @internal */
export function describeTwimlBins(store: () => Store): void {
  describe('twimlBins', () => {
    it('insert then get and getBySid return every field', async () => {
      const bin = twimlBin(1, { friendlyName: 'Greeting', dateCreated: T0 + 10, dateUpdated: T0 + 11 });
      await store().twimlBins.insert(bin);
      expect(await store().twimlBins.get(ACCOUNT, bin.sid)).toStrictEqual(bin);
      expect(await store().twimlBins.getBySid(bin.sid)).toStrictEqual(bin);
    });

    it('getBySid finds a bin of any account, and returns null for an unknown sid', async () => {
      const bin = twimlBin(1, { accountSid: OTHER_ACCOUNT });
      await store().twimlBins.insert(bin);
      expect(await store().twimlBins.getBySid(bin.sid)).toStrictEqual(bin);
      expect(await store().twimlBins.getBySid(sid('twimlBin', 99))).toBeNull();
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().twimlBins.insert(twimlBin(1));
      await expect(store().twimlBins.insert(twimlBin(1))).rejects.toThrow();
      await expect(store().twimlBins.insert(twimlBin(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
    });

    it('another account can neither see, update nor delete the bin', async () => {
      const bin = twimlBin(1);
      await store().twimlBins.insert(bin);
      expect(await store().twimlBins.get(OTHER_ACCOUNT, bin.sid)).toBeNull();
      expect(await store().twimlBins.list(OTHER_ACCOUNT, { offset: 0, limit: 10 })).toEqual({ items: [], hasMore: false });
      expect(await store().twimlBins.update(OTHER_ACCOUNT, bin.sid, { twiml: '<Response/>', dateUpdated: T0 })).toBeNull();
      expect(await store().twimlBins.delete(OTHER_ACCOUNT, bin.sid)).toBe(false);
      expect(await store().twimlBins.get(ACCOUNT, bin.sid)).toStrictEqual(bin);
    });

    it('update changes only the patched fields and returns the new record; null for an unknown sid', async () => {
      const bin = twimlBin(1);
      await store().twimlBins.insert(bin);
      const twiml = '<Response><Hangup/></Response>';
      const first = await store().twimlBins.update(ACCOUNT, bin.sid, { twiml, dateUpdated: T0 + 20 });
      expect(first).toStrictEqual({ ...bin, twiml, dateUpdated: T0 + 20 });
      const second = await store().twimlBins.update(ACCOUNT, bin.sid, { friendlyName: 'Renamed', dateUpdated: T0 + 30 });
      expect(second).toStrictEqual({ ...bin, twiml, friendlyName: 'Renamed', dateUpdated: T0 + 30 });
      expect(await store().twimlBins.getBySid(bin.sid)).toStrictEqual(second);
      expect(await store().twimlBins.update(ACCOUNT, sid('twimlBin', 99), { dateUpdated: T0 })).toBeNull();
    });

    it('delete returns true once, then false', async () => {
      const bin = twimlBin(1);
      await store().twimlBins.insert(bin);
      expect(await store().twimlBins.delete(ACCOUNT, bin.sid)).toBe(true);
      expect(await store().twimlBins.getBySid(bin.sid)).toBeNull();
      expect(await store().twimlBins.delete(ACCOUNT, bin.sid)).toBe(false);
    });

    it('round-trips Japanese and emoji TwiML', async () => {
      const bin = twimlBin(1, {
        friendlyName: UNICODE_TEXT,
        twiml: `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="ja-JP">${UNICODE_TEXT}</Say></Response>`,
      });
      await store().twimlBins.insert(bin);
      expect(await store().twimlBins.getBySid(bin.sid)).toStrictEqual(bin);
    });

    it('lists oldest first, ties broken by sid ascending', async () => {
      for (const [n, created] of [[2, 20], [3, 10], [1, 20]] as const) {
        await store().twimlBins.insert(twimlBin(n, { dateCreated: T0 + created }));
      }
      const page = await store().twimlBins.list(ACCOUNT, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([3, 1, 2].map((n) => sid('twimlBin', n)));
    });

    it('pages by offset and limit, with hasMore exact at the boundaries', async () => {
      for (const n of [2, 4, 1, 3]) await store().twimlBins.insert(twimlBin(n));
      await store().twimlBins.insert(twimlBin(5, { accountSid: OTHER_ACCOUNT }));
      await expectPaging(
        (page) => store().twimlBins.list(ACCOUNT, page),
        [1, 2, 3, 4].map((n) => sid('twimlBin', n)),
      );
    });
  });
}
