import { describe, expect, it } from 'vitest';
import type { CallEventRecord, Store } from '../ports.ts';
import { call, sid, T0, UNICODE_TEXT, type Writable } from './fixtures.ts';

const CALL = sid('call', 1);
const OTHER_CALL = sid('call', 2);

/** Call events: store-assigned sequences, order, detail round trip and atomic appends. @internal */
export function describeCallEvents(store: () => Store): void {
  describe('call events', () => {
    async function insertCalls(): Promise<void> {
      await store().calls.insert(call(1));
      await store().calls.insert(call(2));
    }

    it('a call without events lists none', async () => {
      await insertCalls();
      expect(await store().calls.listEvents(CALL)).toEqual([]);
    });

    it('appendEvent assigns 1, 2, 3… and listEvents returns them in sequence order', async () => {
      await insertCalls();
      const statuses = ['queued', 'initiated', 'ringing', 'in-progress', 'completed'] as const;
      const appended: CallEventRecord[] = [];
      for (const [i, status] of statuses.entries()) {
        appended.push(await store().calls.appendEvent({ callSid: CALL, status, timestamp: T0 + i, detail: {} }));
      }
      expect(appended.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
      expect(appended[4]).toStrictEqual({ callSid: CALL, sequence: 5, status: 'completed', timestamp: T0 + 4, detail: {} });
      expect(await store().calls.listEvents(CALL)).toStrictEqual(appended);
    });

    it('numbers each call’s events on their own', async () => {
      await insertCalls();
      const order = [CALL, OTHER_CALL, CALL, OTHER_CALL, OTHER_CALL];
      for (const [i, callSid] of order.entries()) {
        await store().calls.appendEvent({ callSid, status: 'ringing', timestamp: T0 + i, detail: { i } });
      }
      const first = await store().calls.listEvents(CALL);
      const second = await store().calls.listEvents(OTHER_CALL);
      expect(first.map((e) => [e.sequence, e.detail['i']])).toEqual([[1, 0], [2, 2]]);
      expect(second.map((e) => [e.sequence, e.detail['i']])).toEqual([[1, 1], [2, 3], [3, 4]]);
    });

    it('round-trips detail values of every kind', async () => {
      await insertCalls();
      const detail = {
        hangupSource: 'callee',
        sipCode: 486,
        ratio: 0.25,
        negative: -1,
        answered: false,
        retried: true,
        reason: null,
        note: UNICODE_TEXT,
        '日本語キー': '値',
      };
      await store().calls.appendEvent({ callSid: CALL, status: 'busy', timestamp: T0, detail });
      const [event] = await store().calls.listEvents(CALL);
      expect(event?.detail).toStrictEqual(detail);
    });

    it('parallel appends to one call get distinct, gapless sequences', async () => {
      await insertCalls();
      const count = 50;
      const appended = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          store().calls.appendEvent({ callSid: CALL, status: 'ringing', timestamp: T0 + i, detail: { i } }),
        ),
      );
      const expected = Array.from({ length: count }, (_, i) => i + 1);
      expect(appended.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(expected);
      expect((await store().calls.listEvents(CALL)).map((e) => e.sequence)).toEqual(expected);
    });

    it('refuses an event for an unknown call', async () => {
      await expect(
        store().calls.appendEvent({ callSid: sid('call', 99), status: 'ringing', timestamp: T0, detail: {} }),
      ).rejects.toThrow();
    });

    it('returns copies: changing a returned event or its detail changes nothing stored', async () => {
      await insertCalls();
      const appended = await store().calls.appendEvent({ callSid: CALL, status: 'ringing', timestamp: T0, detail: { a: 1 } });
      (appended.detail as Writable<typeof appended.detail>)['a'] = 2;
      const [listed] = await store().calls.listEvents(CALL);
      if (listed === undefined) throw new Error('event missing');
      (listed as Writable<typeof listed>).status = 'failed';
      (listed.detail as Writable<typeof listed.detail>)['a'] = 3;
      expect(await store().calls.listEvents(CALL)).toStrictEqual([
        { callSid: CALL, sequence: 1, status: 'ringing', timestamp: T0, detail: { a: 1 } },
      ]);
    });
  });
}
