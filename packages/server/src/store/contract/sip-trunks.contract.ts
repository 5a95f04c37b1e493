import { describe, expect, it } from 'vitest';
import type { SipTrunkRecord, Store } from '../ports.ts';
import {
  ACCOUNT,
  expectPaging,
  OTHER_ACCOUNT,
  phoneNumber,
  sid,
  sidsOf,
  sipTrunk,
  T0,
  UNICODE_TEXT,
  type Writable,
} from './fixtures.ts';

const FULL: SipTrunkRecord = sipTrunk(1, {
  friendlyName: UNICODE_TEXT,
  host: 'sip.carrier.example:5061',
  outboundProxy: '[2001:db8::1]:5062',
  transport: 'tls',
  username: 'denwa-user',
  password: 'p@ss "word" 電話',
  register: true,
  registerExpires: 600,
  codecs: ['PCMA', 'PCMU', 'opus'],
  countryCode: '81',
  numberFormat: 'national',
  allowedSources: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
  srtp: 'required',
  allowedCountries: ['JP', 'US'],
  dateCreated: T0 + 10,
  dateUpdated: T0 + 11,
});

/** SIP trunks: CRUD with lists, lookup by sid alone, listAll, unbinding numbers on delete, copies. @internal */
export function describeSipTrunks(store: () => Store): void {
  describe('sipTrunks', () => {
    it('insert then get and getBySid return every field, lists in order', async () => {
      await store().sipTrunks.insert(FULL);
      expect(await store().sipTrunks.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
      expect(await store().sipTrunks.getBySid(FULL.sid)).toStrictEqual(FULL);
    });

    it('insert then get returns nulls as null, false as false and empty lists as empty', async () => {
      const bare = sipTrunk(2);
      await store().sipTrunks.insert(bare);
      const got = await store().sipTrunks.get(ACCOUNT, bare.sid);
      expect(got).toStrictEqual(bare);
      expect(got?.password).toBeNull();
      expect(got?.register).toBe(false);
      expect(got?.allowedSources).toEqual([]);
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().sipTrunks.insert(sipTrunk(1));
      await expect(store().sipTrunks.insert(sipTrunk(1, { friendlyName: 'again' }))).rejects.toThrow();
      await expect(store().sipTrunks.insert(sipTrunk(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
      expect((await store().sipTrunks.getBySid(sid('trunk', 1)))?.friendlyName).toBe('trunk 1');
      expect(await store().sipTrunks.getBySid(sid('trunk', 2))).toBeNull();
    });

    it('another account can neither see, update nor delete the trunk; getBySid ignores the account', async () => {
      const trunk = sipTrunk(1, { accountSid: OTHER_ACCOUNT });
      await store().sipTrunks.insert(trunk);
      expect(await store().sipTrunks.get(ACCOUNT, trunk.sid)).toBeNull();
      expect(await store().sipTrunks.list(ACCOUNT, { offset: 0, limit: 10 })).toEqual({ items: [], hasMore: false });
      expect(await store().sipTrunks.update(ACCOUNT, trunk.sid, { host: 'evil.example', dateUpdated: T0 + 50 })).toBeNull();
      expect(await store().sipTrunks.delete(ACCOUNT, trunk.sid)).toBe(false);
      expect(await store().sipTrunks.getBySid(trunk.sid)).toStrictEqual(trunk);
    });

    it('update changes only the patched fields (lists replaced, credentials cleared) and returns the record', async () => {
      await store().sipTrunks.insert(FULL);
      const patch = {
        username: null,
        password: null,
        register: false,
        codecs: ['opus'],
        allowedSources: [],
        allowedCountries: ['JP'],
        dateUpdated: T0 + 50,
      };
      const expected: SipTrunkRecord = { ...FULL, ...patch };
      expect(await store().sipTrunks.update(ACCOUNT, FULL.sid, patch)).toStrictEqual(expected);
      expect(await store().sipTrunks.getBySid(FULL.sid)).toStrictEqual(expected);
      expect(await store().sipTrunks.update(ACCOUNT, sid('trunk', 99), { dateUpdated: T0 })).toBeNull();
    });

    it('update with every field replaces them all', async () => {
      await store().sipTrunks.insert(sipTrunk(2));
      const { sid: _sid, accountSid: _account, dateCreated: _created, ...fields } = FULL;
      const updated = await store().sipTrunks.update(ACCOUNT, sid('trunk', 2), fields);
      expect(updated).toStrictEqual({ ...FULL, sid: sid('trunk', 2), dateCreated: T0 + 2 });
    });

    it('delete returns true once, then false, and unbinds only that trunk’s numbers', async () => {
      await store().sipTrunks.insert(sipTrunk(1));
      await store().sipTrunks.insert(sipTrunk(2));
      const bound = phoneNumber(1, { trunkSid: sid('trunk', 1), voiceUrl: 'https://example.com/voice' });
      const other = phoneNumber(2, { trunkSid: sid('trunk', 2) });
      await store().phoneNumbers.insert(bound);
      await store().phoneNumbers.insert(other);
      expect(await store().sipTrunks.delete(ACCOUNT, sid('trunk', 1))).toBe(true);
      expect(await store().sipTrunks.getBySid(sid('trunk', 1))).toBeNull();
      expect(await store().sipTrunks.delete(ACCOUNT, sid('trunk', 1))).toBe(false);
      expect(await store().phoneNumbers.get(ACCOUNT, bound.sid)).toStrictEqual({ ...bound, trunkSid: null });
      expect(await store().phoneNumbers.get(ACCOUNT, other.sid)).toStrictEqual(other);
    });

    it('lists oldest first, ties broken by sid ascending; listAll spans every account', async () => {
      for (const [n, created] of [[2, 20], [3, 10], [1, 20]] as const) {
        await store().sipTrunks.insert(sipTrunk(n, { dateCreated: T0 + created }));
      }
      await store().sipTrunks.insert(sipTrunk(4, { accountSid: OTHER_ACCOUNT, dateCreated: T0 + 15 }));
      const page = await store().sipTrunks.list(ACCOUNT, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([3, 1, 2].map((n) => sid('trunk', n)));
      const all = await store().sipTrunks.listAll();
      expect(all.map((t) => t.sid)).toEqual([3, 4, 1, 2].map((n) => sid('trunk', n)));
      expect(all[1]).toStrictEqual(sipTrunk(4, { accountSid: OTHER_ACCOUNT, dateCreated: T0 + 15 }));
    });

    it('listAll is empty on an empty store', async () => {
      expect(await store().sipTrunks.listAll()).toEqual([]);
    });

    it('pages by offset and limit, with hasMore exact at the boundaries', async () => {
      for (const n of [2, 4, 1, 3]) await store().sipTrunks.insert(sipTrunk(n));
      await store().sipTrunks.insert(sipTrunk(5, { accountSid: OTHER_ACCOUNT }));
      await expectPaging(
        (page) => store().sipTrunks.list(ACCOUNT, page),
        [1, 2, 3, 4].map((n) => sid('trunk', n)),
      );
    });

    it('returns and keeps copies, lists included', async () => {
      const input: Writable<SipTrunkRecord> = { ...FULL, codecs: [...FULL.codecs] };
      await store().sipTrunks.insert(input);
      (input.codecs as string[]).push('G729');
      input.host = 'mutated.example';
      const got = await store().sipTrunks.getBySid(FULL.sid);
      const listed = (await store().sipTrunks.list(ACCOUNT, { offset: 0, limit: 1 })).items[0];
      const all = (await store().sipTrunks.listAll())[0];
      if (got === null || listed === undefined || all === undefined) throw new Error('trunk missing');
      for (const copy of [got, listed, all]) {
        (copy.allowedSources as string[]).push('0.0.0.0/0');
        (copy.allowedCountries as string[]).length = 0;
      }
      expect(await store().sipTrunks.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });
  });
}
