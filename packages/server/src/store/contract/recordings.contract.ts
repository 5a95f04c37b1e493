import { describe, expect, it } from 'vitest';
import type { RecordingFilter, RecordingPatch, RecordingRecord, Store } from '../ports.ts';
import { ACCOUNT, expectPaging, OTHER_ACCOUNT, recording, sid, sidsOf, T0, type Writable } from './fixtures.ts';

const CALL_A = sid('call', 1);
const CALL_B = sid('call', 2);
const CONFERENCE_1 = sid('conference', 1);
const CONFERENCE_2 = sid('conference', 2);

const FULL: RecordingRecord = recording(1, {
  callSid: sid('call', 500),
  conferenceSid: CONFERENCE_1,
  status: 'completed',
  source: 'StartCallRecordingAPI',
  channels: 2,
  track: 'outbound',
  sampleRate: 16000,
  trim: true,
  startTime: T0 + 100,
  durationMs: 61_234,
  spoolPath: '/var/lib/denwa/spool/RE1.wav',
  wavKey: 'recordings/AC1/RE1.wav',
  mp3Key: 'recordings/AC1/RE1.mp3',
  statusCallback: 'https://example.com/recording-status',
  statusCallbackMethod: 'GET',
  statusCallbackEvents: ['in-progress', 'completed', 'absent'],
  errorCode: 16104,
  dateCreated: T0 + 1,
  dateUpdated: T0 + 62_000,
});

/**
 * The filter fixture: six recordings of {@link ACCOUNT}, created at `T0 + 10 n` (newest first 6…1),
 * and a look-alike in another account.
 */
const LISTED: readonly RecordingRecord[] = [
  recording(1, { callSid: CALL_A, conferenceSid: null, dateCreated: T0 + 10 }),
  recording(2, { callSid: CALL_B, conferenceSid: CONFERENCE_1, dateCreated: T0 + 20 }),
  recording(3, { callSid: CALL_A, conferenceSid: CONFERENCE_1, dateCreated: T0 + 30 }),
  recording(4, { callSid: CALL_A, conferenceSid: null, dateCreated: T0 + 40 }),
  recording(5, { callSid: CALL_B, conferenceSid: CONFERENCE_2, dateCreated: T0 + 50 }),
  recording(6, { callSid: CALL_A, conferenceSid: CONFERENCE_1, dateCreated: T0 + 60 }),
  recording(7, { accountSid: OTHER_ACCOUNT, callSid: CALL_A, conferenceSid: CONFERENCE_1, dateCreated: T0 + 30 }),
];

const FILTER_CASES: readonly (readonly [name: string, filter: RecordingFilter, expected: readonly number[]])[] = [
  ['no filter', {}, [6, 5, 4, 3, 2, 1]],
  ['callSid', { callSid: CALL_A }, [6, 4, 3, 1]],
  ['conferenceSid', { conferenceSid: CONFERENCE_1 }, [6, 3, 2]],
  ['dateCreatedAfter is inclusive', { dateCreatedAfter: T0 + 30 }, [6, 5, 4, 3]],
  ['dateCreatedBefore is inclusive', { dateCreatedBefore: T0 + 30 }, [3, 2, 1]],
  ['a creation window [after, before]', { dateCreatedAfter: T0 + 20, dateCreatedBefore: T0 + 40 }, [4, 3, 2]],
  ['a window of one instant', { dateCreatedAfter: T0 + 30, dateCreatedBefore: T0 + 30 }, [3]],
  ['combined', { callSid: CALL_A, conferenceSid: CONFERENCE_1, dateCreatedAfter: T0 + 30 }, [6, 3]],
  ['combined, matching nothing', { callSid: CALL_B, conferenceSid: CONFERENCE_1, dateCreatedAfter: T0 + 30 }, []],
];

/** Every status, source and track at least once. */
const VARIANTS: readonly Pick<RecordingRecord, 'status' | 'source' | 'track'>[] = [
  { status: 'in-progress', source: 'DialVerb', track: 'inbound' },
  { status: 'paused', source: 'StartCallRecordingAPI', track: 'outbound' },
  { status: 'processing', source: 'OutboundAPI', track: 'both' },
  { status: 'completed', source: 'RecordVerb', track: 'inbound' },
  { status: 'absent', source: 'DialVerb', track: 'outbound' },
  { status: 'failed', source: 'RecordVerb', track: 'both' },
];

/** Recordings: CRUD, scoping, patches, newest-first order, filters, paging, listUnfinished and copies. @internal */
export function describeRecordings(store: () => Store): void {
  describe('recordings', () => {
    it('insert then get returns every field when all are set', async () => {
      await store().recordings.insert(FULL);
      expect(await store().recordings.get(ACCOUNT, FULL.sid)).toStrictEqual(FULL);
    });

    it('insert then get returns nulls as null, false as false and an empty event list as empty', async () => {
      const bare = recording(2, { statusCallbackEvents: [] });
      await store().recordings.insert(bare);
      const got = await store().recordings.get(ACCOUNT, bare.sid);
      expect(got).toStrictEqual(bare);
      expect(got?.conferenceSid).toBeNull();
      expect(got?.durationMs).toBeNull();
      expect(got?.trim).toBe(false);
      expect(got?.statusCallbackEvents).toEqual([]);
    });

    it('round-trips every status, source and track', async () => {
      const all = VARIANTS.map((variant, i) => recording(i + 1, variant));
      for (const r of all) await store().recordings.insert(r);
      for (const r of all) expect(await store().recordings.get(ACCOUNT, r.sid)).toStrictEqual(r);
    });

    it('get returns null for an unknown sid; refuses a duplicate sid and an unknown account', async () => {
      expect(await store().recordings.get(ACCOUNT, sid('recording', 99))).toBeNull();
      await store().recordings.insert(recording(1));
      await expect(store().recordings.insert(recording(1, { status: 'failed' }))).rejects.toThrow();
      await expect(store().recordings.insert(recording(2, { accountSid: sid('account', 99) }))).rejects.toThrow();
      expect(await store().recordings.get(ACCOUNT, sid('recording', 1))).toStrictEqual(recording(1));
      expect(await store().recordings.get(ACCOUNT, sid('recording', 2))).toBeNull();
    });

    it('accepts a recording whose call is not in the store (a recording may outlive its call)', async () => {
      const r = recording(1, { callSid: sid('call', 12345) });
      await store().recordings.insert(r);
      expect(await store().calls.get(ACCOUNT, r.callSid)).toBeNull();
      expect(await store().recordings.get(ACCOUNT, r.sid)).toStrictEqual(r);
    });

    it('another account can neither see, list, update nor delete the recording', async () => {
      const r = recording(1, { accountSid: OTHER_ACCOUNT });
      await store().recordings.insert(r);
      expect(await store().recordings.get(ACCOUNT, r.sid)).toBeNull();
      expect(await store().recordings.list(ACCOUNT, {}, { offset: 0, limit: 10 })).toEqual({ items: [], hasMore: false });
      expect(await store().recordings.list(ACCOUNT, { callSid: r.callSid }, { offset: 0, limit: 10 })).toEqual({
        items: [],
        hasMore: false,
      });
      expect(await store().recordings.update(ACCOUNT, r.sid, { status: 'failed', dateUpdated: T0 + 50 })).toBeNull();
      expect(await store().recordings.delete(ACCOUNT, r.sid)).toBe(false);
      expect(await store().recordings.get(OTHER_ACCOUNT, r.sid)).toStrictEqual(r);
    });

    it('update changes only the patched fields and returns the new record', async () => {
      const r = recording(1, { spoolPath: '/var/lib/denwa/spool/RE1.wav' });
      await store().recordings.insert(r);
      const patch: RecordingPatch = { status: 'processing', durationMs: 61_234, dateUpdated: T0 + 70_000 };
      const expected: RecordingRecord = { ...r, ...patch };
      expect(await store().recordings.update(ACCOUNT, r.sid, patch)).toStrictEqual(expected);
      expect(await store().recordings.get(ACCOUNT, r.sid)).toStrictEqual(expected);
    });

    it('update can set every patchable field, set the nullable ones to null, and back', async () => {
      const bare = recording(2);
      await store().recordings.insert(bare);
      const full: RecordingPatch = {
        status: FULL.status,
        durationMs: FULL.durationMs,
        spoolPath: FULL.spoolPath,
        wavKey: FULL.wavKey,
        mp3Key: FULL.mp3Key,
        errorCode: FULL.errorCode,
        startTime: FULL.startTime,
        dateUpdated: T0 + 30,
      };
      expect(await store().recordings.update(ACCOUNT, bare.sid, full)).toStrictEqual({ ...bare, ...full });
      const cleared: RecordingPatch = {
        durationMs: null,
        spoolPath: null,
        wavKey: null,
        mp3Key: null,
        errorCode: null,
        dateUpdated: T0 + 40,
      };
      const afterClear: RecordingRecord = { ...bare, status: FULL.status, startTime: FULL.startTime, dateUpdated: T0 + 40 };
      expect(await store().recordings.update(ACCOUNT, bare.sid, cleared)).toStrictEqual(afterClear);
      expect(await store().recordings.get(ACCOUNT, bare.sid)).toStrictEqual(afterClear);
      const restored = { ...full, dateUpdated: T0 + 50 };
      expect(await store().recordings.update(ACCOUNT, bare.sid, restored)).toStrictEqual({ ...bare, ...restored });
      expect(await store().recordings.get(ACCOUNT, bare.sid)).toStrictEqual({ ...bare, ...restored });
    });

    it('update ignores fields that are not part of a patch', async () => {
      const r = recording(2);
      await store().recordings.insert(r);
      const sneaky: RecordingPatch = Object.assign(
        { dateUpdated: T0 + 5 },
        { accountSid: OTHER_ACCOUNT, callSid: sid('call', 9), channels: 2, trim: true, statusCallbackEvents: ['absent'] },
      );
      expect(await store().recordings.update(ACCOUNT, r.sid, sneaky)).toStrictEqual({ ...r, dateUpdated: T0 + 5 });
      expect(await store().recordings.get(ACCOUNT, r.sid)).toStrictEqual({ ...r, dateUpdated: T0 + 5 });
    });

    it('update returns null for an unknown sid', async () => {
      expect(await store().recordings.update(ACCOUNT, sid('recording', 99), { status: 'failed', dateUpdated: T0 })).toBeNull();
    });

    it('delete returns true once, then false, and leaves the other recordings', async () => {
      await store().recordings.insert(recording(1));
      await store().recordings.insert(recording(2));
      expect(await store().recordings.delete(ACCOUNT, sid('recording', 1))).toBe(true);
      expect(await store().recordings.get(ACCOUNT, sid('recording', 1))).toBeNull();
      expect(await store().recordings.delete(ACCOUNT, sid('recording', 1))).toBe(false);
      expect(await store().recordings.get(ACCOUNT, sid('recording', 2))).toStrictEqual(recording(2));
      expect((await store().recordings.listUnfinished()).map((r) => r.sid)).toEqual([sid('recording', 2)]);
    });

    it('lists newest first by dateCreated, ties broken by sid descending', async () => {
      for (const [n, created] of [[1, 10], [2, 30], [3, 20], [4, 30], [5, 10]] as const) {
        await store().recordings.insert(recording(n, { dateCreated: T0 + created }));
      }
      const page = await store().recordings.list(ACCOUNT, {}, { offset: 0, limit: 10 });
      expect(sidsOf(page)).toEqual([4, 2, 3, 5, 1].map((n) => sid('recording', n)));
      expect(page.hasMore).toBe(false);
    });

    describe('filters', () => {
      for (const [name, filter, expected] of FILTER_CASES) {
        it(`${name}: ${JSON.stringify(filter)}`, async () => {
          for (const r of LISTED) await store().recordings.insert(r);
          const page = await store().recordings.list(ACCOUNT, filter, { offset: 0, limit: 10 });
          expect(sidsOf(page)).toEqual(expected.map((n) => sid('recording', n)));
          expect(page.hasMore).toBe(false);
        });
      }
    });

    it('pages by offset and limit, with hasMore exact at the boundaries, also under a filter', async () => {
      for (const r of LISTED) await store().recordings.insert(r);
      await expectPaging(
        (page) => store().recordings.list(ACCOUNT, {}, page),
        [6, 5, 4, 3, 2, 1].map((n) => sid('recording', n)),
      );
      await expectPaging(
        (page) => store().recordings.list(ACCOUNT, { callSid: CALL_A }, page),
        [6, 4, 3, 1].map((n) => sid('recording', n)),
      );
    });

    describe('listUnfinished', () => {
      it('is empty on an empty store', async () => {
        expect(await store().recordings.listUnfinished()).toEqual([]);
      });

      it('returns the in-progress, paused and processing recordings of every account, oldest first', async () => {
        const inserted = [
          recording(1, { status: 'in-progress', dateCreated: T0 + 30 }),
          recording(2, { status: 'completed', dateCreated: T0 + 10 }),
          recording(3, { accountSid: OTHER_ACCOUNT, status: 'paused', dateCreated: T0 + 20 }),
          recording(4, { status: 'absent', dateCreated: T0 + 5 }),
          recording(5, { status: 'processing', dateCreated: T0 + 20 }),
          recording(6, { accountSid: OTHER_ACCOUNT, status: 'failed', dateCreated: T0 + 1 }),
          recording(7, { accountSid: OTHER_ACCOUNT, status: 'in-progress', dateCreated: T0 + 40 }),
        ];
        for (const r of inserted) await store().recordings.insert(r);
        const unfinished = await store().recordings.listUnfinished();
        expect(unfinished).toStrictEqual([inserted[2], inserted[4], inserted[0], inserted[6]]);
      });

      it('follows updates and deletes', async () => {
        await store().recordings.insert(recording(1, { status: 'in-progress' }));
        await store().recordings.insert(recording(2, { status: 'completed' }));
        await store().recordings.insert(recording(3, { accountSid: OTHER_ACCOUNT, status: 'paused' }));
        await store().recordings.update(ACCOUNT, sid('recording', 1), { status: 'completed', dateUpdated: T0 + 50 });
        await store().recordings.update(ACCOUNT, sid('recording', 2), { status: 'processing', dateUpdated: T0 + 50 });
        const sids = async (): Promise<string[]> => (await store().recordings.listUnfinished()).map((r) => r.sid);
        expect(await sids()).toEqual([sid('recording', 2), sid('recording', 3)]);
        expect(await store().recordings.delete(OTHER_ACCOUNT, sid('recording', 3))).toBe(true);
        expect(await sids()).toEqual([sid('recording', 2)]);
      });
    });

    it('returns and keeps copies, the event list included', async () => {
      const input: Writable<RecordingRecord> = recording(1, { statusCallbackEvents: ['in-progress', 'completed'] });
      await store().recordings.insert(input);
      const original = recording(1, { statusCallbackEvents: ['in-progress', 'completed'] });
      (input.statusCallbackEvents as string[]).push('absent');
      input.status = 'failed';
      const got = await store().recordings.get(ACCOUNT, original.sid);
      const listed = (await store().recordings.list(ACCOUNT, {}, { offset: 0, limit: 1 })).items[0];
      const unfinished = (await store().recordings.listUnfinished())[0];
      const updated = await store().recordings.update(ACCOUNT, original.sid, { dateUpdated: original.dateUpdated });
      if (got === null || listed === undefined || unfinished === undefined || updated === null) {
        throw new Error('recording missing');
      }
      for (const copy of [got, listed, unfinished, updated]) {
        (copy.statusCallbackEvents as string[]).length = 0;
        (copy as Writable<RecordingRecord>).wavKey = 'mutated';
      }
      expect(await store().recordings.get(ACCOUNT, original.sid)).toStrictEqual(original);
    });
  });
}
