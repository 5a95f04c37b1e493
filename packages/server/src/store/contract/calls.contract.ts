import { describe, expect, it } from 'vitest';
import type { CallFilter, CallPatch, CallRecord, Store } from '../ports.ts';
import { ACCOUNT, call, expectPaging, OTHER_ACCOUNT, sid, sidsOf, T0 } from './fixtures.ts';

const FULL: CallRecord = call(1, {
  parentCallSid: sid('call', 500),
  applicationSid: sid('application', 1),
  phoneNumberSid: sid('phoneNumber', 1),
  trunkSid: sid('trunk', 1),
  from: '+15005550001',
  to: 'sip:bob@example.com',
  callerName: 'Alice',
  forwardedFrom: '+15005550009',
  direction: 'outbound-dial',
  status: 'failed',
  answeredBy: 'human',
  startTime: T0 + 100,
  answerTime: T0 + 2_100,
  endTime: T0 + 62_100,
  duration: 60,
  hangupSource: 'callee',
  errorCode: 31486,
  dateCreated: T0 + 1,
  dateUpdated: T0 + 62_200,
});

/**
 * The filter fixture: four calls of {@link ACCOUNT} and a look-alike in another account.
 * Newest first they are 4, 3, 2, 1.
 */
const FILTERED: readonly CallRecord[] = [
  call(1, { to: 'A', from: 'X', status: 'completed', startTime: T0 + 100 }),
  call(2, { to: 'B', from: 'X', status: 'in-progress', startTime: T0 + 200, parentCallSid: sid('call', 1) }),
  call(3, { to: 'A', from: 'Y', status: 'completed', startTime: T0 + 300, parentCallSid: sid('call', 1) }),
  call(4, { to: 'A', from: 'X', status: 'queued' }),
  call(5, { accountSid: OTHER_ACCOUNT, to: 'A', from: 'X', status: 'completed', startTime: T0 + 100 }),
];

const FILTER_CASES: readonly (readonly [name: string, filter: CallFilter, expected: readonly number[]])[] = [
  ['no filter', {}, [4, 3, 2, 1]],
  ['to', { to: 'A' }, [4, 3, 1]],
  ['from', { from: 'X' }, [4, 2, 1]],
  ['status', { status: 'completed' }, [3, 1]],
  ['parentCallSid', { parentCallSid: sid('call', 1) }, [3, 2]],
  ['startTimeFrom is inclusive', { startTimeFrom: T0 + 200 }, [3, 2]],
  ['startTimeTo is exclusive', { startTimeTo: T0 + 300 }, [2, 1]],
  ['a start-time window [from, to)', { startTimeFrom: T0 + 200, startTimeTo: T0 + 300 }, [2]],
  ['combined', { to: 'A', from: 'X', status: 'completed', startTimeFrom: T0 + 100, startTimeTo: T0 + 101 }, [1]],
  ['combined, matching nothing', { to: 'B', status: 'completed' }, []],
];

/** Calls: CRUD, scoping, patches, ordering, filters and paging. Events are in call-events. @internal */
export function describeCalls(store: () => Store): void {
  describe('calls', () => {
    it('insert then get returns every field when all are set', async () => {
      await store().calls.insert(FULL);
      expect(await store().calls.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });

    it('insert then get returns every nullable field as null', async () => {
      const bare = call(2);
      await store().calls.insert(bare);
      expect(await store().calls.get(ACCOUNT, bare.sid)).toStrictEqual(bare);
    });

    it('refuses a duplicate sid and an unknown account', async () => {
      await store().calls.insert(FULL);
      await expect(store().calls.insert(FULL)).rejects.toThrow();
      await expect(store().calls.insert(call(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
    });

    it('another account can neither see nor update the call', async () => {
      await store().calls.insert(FULL);
      expect(await store().calls.get(OTHER_ACCOUNT, FULL.sid)).toBeNull();
      expect(await store().calls.list(OTHER_ACCOUNT, {}, { offset: 0, limit: 10 })).toEqual({
        items: [],
        hasMore: false,
      });
      expect(await store().calls.update(OTHER_ACCOUNT, FULL.sid, { status: 'canceled', dateUpdated: T0 })).toBeNull();
      expect(await store().calls.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });

    it('update changes only the patched fields and returns the new record', async () => {
      const queued = call(2);
      await store().calls.insert(queued);
      const patch: CallPatch = { status: 'in-progress', startTime: T0 + 10, answerTime: T0 + 20, dateUpdated: T0 + 20 };
      const expected: CallRecord = { ...queued, ...patch };
      expect(await store().calls.update(ACCOUNT, queued.sid, patch)).toStrictEqual(expected);
      expect(await store().calls.get(ACCOUNT, queued.sid)).toStrictEqual(expected);
    });

    it('update can set every patchable field, and set them back to null', async () => {
      const queued = call(2);
      await store().calls.insert(queued);
      const full: CallPatch = {
        status: FULL.status,
        answeredBy: FULL.answeredBy,
        startTime: FULL.startTime,
        answerTime: FULL.answerTime,
        endTime: FULL.endTime,
        duration: FULL.duration,
        hangupSource: FULL.hangupSource,
        errorCode: FULL.errorCode,
        callerName: FULL.callerName,
        to: FULL.to,
        from: FULL.from,
        dateUpdated: T0 + 30,
      };
      expect(await store().calls.update(ACCOUNT, queued.sid, full)).toStrictEqual({ ...queued, ...full });
      const cleared: CallPatch = {
        answeredBy: null,
        startTime: null,
        answerTime: null,
        endTime: null,
        duration: null,
        hangupSource: null,
        errorCode: null,
        callerName: null,
        dateUpdated: T0 + 40,
      };
      expect(await store().calls.get(ACCOUNT, queued.sid)).toStrictEqual({ ...queued, ...full });
      expect(await store().calls.update(ACCOUNT, queued.sid, cleared)).toStrictEqual({
        ...queued,
        status: FULL.status,
        to: FULL.to,
        from: FULL.from,
        dateUpdated: T0 + 40,
      });
    });

    it('update ignores fields that are not part of a patch', async () => {
      const queued = call(2);
      await store().calls.insert(queued);
      const sneaky: CallPatch = Object.assign({ dateUpdated: T0 + 5 }, { accountSid: OTHER_ACCOUNT, direction: 'inbound' });
      expect(await store().calls.update(ACCOUNT, queued.sid, sneaky)).toStrictEqual({ ...queued, dateUpdated: T0 + 5 });
    });

    it('update returns null for an unknown sid', async () => {
      expect(await store().calls.update(ACCOUNT, sid('call', 99), { status: 'completed', dateUpdated: T0 })).toBeNull();
    });

    it('lists newest first by dateCreated, ties broken by sid descending', async () => {
      for (const [n, created] of [[1, 10], [2, 30], [3, 20], [4, 30], [5, 10]] as const) {
        await store().calls.insert(call(n, { dateCreated: T0 + created }));
      }
      const page = await store().calls.list(ACCOUNT, {}, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([4, 2, 3, 5, 1].map((n) => sid('call', n)));
      expect(page.hasMore).toBe(false);
    });

    describe('filters', () => {
      for (const [name, filter, expected] of FILTER_CASES) {
        it(`${name}: ${JSON.stringify(filter)}`, async () => {
          for (const c of FILTERED) await store().calls.insert(c);
          const page = await store().calls.list(ACCOUNT, filter, { offset: 0, limit: 10 });
          expect(sidsOf(page)).toEqual(expected.map((n) => sid('call', n)));
          expect(page.hasMore).toBe(false);
        });
      }

      it('a start-time filter leaves out calls that have not started', async () => {
        await store().calls.insert(call(1, { startTime: null }));
        await store().calls.insert(call(2, { startTime: T0 }));
        const from = await store().calls.list(ACCOUNT, { startTimeFrom: 0 }, { offset: 0, limit: 10 });
        const to = await store().calls.list(ACCOUNT, { startTimeTo: T0 + 1 }, { offset: 0, limit: 10 });
        expect(sidsOf(from)).toEqual([sid('call', 2)]);
        expect(sidsOf(to)).toEqual([sid('call', 2)]);
      });
    });

    it('pages by offset and limit, with hasMore exact at the boundaries, also under a filter', async () => {
      for (const n of [3, 6, 1, 5, 2, 4]) {
        await store().calls.insert(call(n, { status: n % 2 === 0 ? 'completed' : 'busy' }));
      }
      await expectPaging(
        (page) => store().calls.list(ACCOUNT, {}, page),
        [6, 5, 4, 3, 2, 1].map((n) => sid('call', n)),
      );
      await expectPaging(
        (page) => store().calls.list(ACCOUNT, { status: 'completed' }, page),
        [6, 4, 2].map((n) => sid('call', n)),
      );
    });
  });
}
