/**
 * Calls a previous run left live. When the server dies (`kill -9`, power loss) its calls die with it,
 * but their records still say `queued`, `ringing` or `in-progress`. At start every such call of the
 * account is ended: `completed` if it had been answered, else `failed`, hung up by `system`, with a
 * call event saying why. It ends when the dead run was last known alive (its heartbeat), or at the
 * call's last recorded change when there is no heartbeat.
 */
import { CALL_STATUSES, FINAL_CALL_STATUSES, type AccountSid } from '@denwa/protocol';
import type { Clock } from '../core/index.ts';
import type { CallRecord, Store } from '../store/ports.ts';

/** Calls looked at per status, at most (a bound on the loop, far above any real backlog). */
const MAX_PER_STATUS = 100_000;
const PAGE = 500;

/** Ends the account's calls left live by a previous run: how many. */
export async function endOrphanedCalls(store: Pick<Store, 'calls'>, accountSid: AccountSid, clock: Clock, lastAlive: number | null = null): Promise<number> {
  let ended = 0;
  const now = clock.now();
  for (const status of CALL_STATUSES.filter((s) => !FINAL_CALL_STATUSES.has(s))) {
    const found: CallRecord[] = [];
    for (let offset = 0; offset < MAX_PER_STATUS; offset += PAGE) {
      const page = await store.calls.list(accountSid, { status }, { offset, limit: PAGE });
      found.push(...page.items);
      if (!page.hasMore) break;
    }
    for (const call of found) {
      const answerTime = call.answerTime;
      const endTime = Math.max(call.dateUpdated, answerTime ?? 0, Math.min(lastAlive ?? 0, now));
      const to = answerTime !== null ? 'completed' : 'failed';
      const duration = answerTime !== null ? Math.max(0, Math.round((endTime - answerTime) / 1000)) : 0;
      await store.calls.update(accountSid, call.sid, { status: to, endTime, hangupSource: 'system', duration, dateUpdated: now });
      await store.calls.appendEvent({ callSid: call.sid, status: to, timestamp: now, detail: { reason: 'the server stopped during the call', was: status } });
      ended++;
    }
  }
  return ended;
}
