import { describe, expect, it } from 'vitest';
import type { PageRequest, Store } from '../ports.ts';
import {
  account,
  ACCOUNT,
  apiKey,
  application,
  call,
  notification,
  phoneNumber,
  recording,
  sid,
  sipTrunk,
  T0,
  twimlBin,
  UNICODE_TEXT,
  type Writable,
} from './fixtures.ts';

const BAD_PAGES: readonly PageRequest[] = [
  { offset: -1, limit: 10 },
  { offset: 0.5, limit: 10 },
  { offset: 0, limit: 0 },
  { offset: 0, limit: -5 },
  { offset: 0, limit: Number.NaN },
  { offset: 0, limit: Number.POSITIVE_INFINITY },
];

/** Concerns that cut across aggregates: close, page validation, unicode, copies. @internal */
export function describeLifecycle(store: () => Store): void {
  describe('across aggregates', () => {
    it('close is idempotent and every later operation rejects with a clear error', async () => {
      const s = store();
      await Promise.all([s.close(), s.close()]);
      await s.close();
      const closed = /closed/;
      await expect(s.accounts.get(ACCOUNT)).rejects.toThrow(closed);
      await expect(s.accounts.upsert(account(ACCOUNT))).rejects.toThrow(closed);
      await expect(s.apiKeys.list(ACCOUNT, { offset: 0, limit: 1 })).rejects.toThrow(closed);
      await expect(s.applications.insert(application(1))).rejects.toThrow(closed);
      await expect(s.calls.insert(call(1))).rejects.toThrow(closed);
      await expect(
        s.calls.appendEvent({ callSid: sid('call', 1), status: 'ringing', timestamp: T0, detail: {} }),
      ).rejects.toThrow(closed);
      await expect(s.twimlBins.getBySid(sid('twimlBin', 1))).rejects.toThrow(closed);
      await expect(s.notifications.insert(notification(1))).rejects.toThrow(closed);
      await expect(s.phoneNumbers.getByNumber(phoneNumber(1).phoneNumber)).rejects.toThrow(closed);
      await expect(s.sipTrunks.insert(sipTrunk(1))).rejects.toThrow(closed);
      await expect(s.sipTrunks.listAll()).rejects.toThrow(closed);
      await expect(s.recordings.insert(recording(1))).rejects.toThrow(closed);
      await expect(s.recordings.listUnfinished()).rejects.toThrow(closed);
    });

    it('lists reject a negative or fractional offset and a limit below 1 with a RangeError', async () => {
      for (const page of BAD_PAGES) {
        await expect(store().apiKeys.list(ACCOUNT, page), JSON.stringify(page)).rejects.toThrow(RangeError);
        await expect(store().applications.list(ACCOUNT, {}, page)).rejects.toThrow(RangeError);
        await expect(store().calls.list(ACCOUNT, {}, page)).rejects.toThrow(RangeError);
        await expect(store().twimlBins.list(ACCOUNT, page)).rejects.toThrow(RangeError);
        await expect(store().notifications.list(ACCOUNT, {}, page)).rejects.toThrow(RangeError);
        await expect(store().phoneNumbers.list(ACCOUNT, {}, page)).rejects.toThrow(RangeError);
        await expect(store().sipTrunks.list(ACCOUNT, page)).rejects.toThrow(RangeError);
        await expect(store().recordings.list(ACCOUNT, {}, page)).rejects.toThrow(RangeError);
      }
    });

    it('round-trips Japanese and emoji text in every aggregate', async () => {
      const s = store();
      const acct = account(sid('account', 3), { friendlyName: UNICODE_TEXT });
      const key = apiKey(1, { friendlyName: UNICODE_TEXT });
      const app = application(1, { friendlyName: UNICODE_TEXT, voiceUrl: `https://例え.jp/声?q=${UNICODE_TEXT}` });
      const c = call(1, { from: 'client:アリス', to: 'client:🐻', callerName: UNICODE_TEXT, answeredBy: '人間' });
      const n = notification(1, { messageText: UNICODE_TEXT, responseBody: `<p>${UNICODE_TEXT}</p>` });
      const r = recording(1, { spoolPath: `/var/spool/録音/${UNICODE_TEXT}.wav`, statusCallback: `https://例え.jp/録音?q=${UNICODE_TEXT}` });
      await s.accounts.upsert(acct);
      await s.apiKeys.insert(key);
      await s.applications.insert(app);
      await s.calls.insert(c);
      await s.notifications.insert(n);
      await s.recordings.insert(r);
      expect(await s.accounts.get(acct.sid)).toStrictEqual(acct);
      expect(await s.apiKeys.get(ACCOUNT, key.sid)).toStrictEqual(key);
      expect(await s.applications.get(ACCOUNT, app.sid)).toStrictEqual(app);
      expect(await s.calls.get(ACCOUNT, c.sid)).toStrictEqual(c);
      expect(await s.notifications.get(ACCOUNT, n.sid)).toStrictEqual(n);
      expect(await s.recordings.get(ACCOUNT, r.sid)).toStrictEqual(r);
      const filtered = await s.calls.list(ACCOUNT, { from: 'client:アリス', to: 'client:🐻' }, { offset: 0, limit: 5 });
      expect(filtered.items).toStrictEqual([c]);
    });

    it('returns and keeps copies: mutating inputs or results changes nothing stored', async () => {
      const s = store();
      const app: Writable<ReturnType<typeof application>> = application(1);
      await s.applications.insert(app);
      app.friendlyName = 'mutated input';
      const c = call(1);
      await s.calls.insert(c);
      const bin = twimlBin(1);
      await s.twimlBins.insert(bin);

      const gotApp = await s.applications.get(ACCOUNT, app.sid);
      const listedCall = (await s.calls.list(ACCOUNT, {}, { offset: 0, limit: 1 })).items[0];
      const gotBin = await s.twimlBins.getBySid(bin.sid);
      if (gotApp === null || listedCall === undefined || gotBin === null) throw new Error('records missing');
      (gotApp as Writable<typeof gotApp>).voiceUrl = 'https://mutated.example';
      (listedCall as Writable<typeof listedCall>).status = 'completed';
      (gotBin as Writable<typeof gotBin>).twiml = '<Mutated/>';

      expect(await s.applications.get(ACCOUNT, app.sid)).toStrictEqual(application(1));
      expect(await s.calls.get(ACCOUNT, c.sid)).toStrictEqual(call(1));
      expect(await s.twimlBins.get(ACCOUNT, bin.sid)).toStrictEqual(twimlBin(1));
    });
  });
}
