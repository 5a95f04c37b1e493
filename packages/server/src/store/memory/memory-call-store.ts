import type { AccountSid, CallSid } from '@denwa/protocol';
import type { CallEventRecord, CallFilter, CallPatch, CallRecord, CallStore, Page, PageRequest } from '../ports.ts';
import { findScoped, insertUnique, newestFirst, pageOf, pickDefined, type MemoryState } from './memory-state.ts';

const CALL_PATCH_KEYS = [
  'status',
  'answeredBy',
  'startTime',
  'answerTime',
  'endTime',
  'duration',
  'hangupSource',
  'errorCode',
  'callerName',
  'to',
  'from',
  'dateUpdated',
] as const satisfies readonly (keyof CallPatch)[];

function matches(call: CallRecord, accountSid: AccountSid, filter: CallFilter): boolean {
  if (call.accountSid !== accountSid) return false;
  if (filter.to !== undefined && call.to !== filter.to) return false;
  if (filter.from !== undefined && call.from !== filter.from) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.parentCallSid !== undefined && call.parentCallSid !== filter.parentCallSid) return false;
  if (filter.startTimeFrom !== undefined && (call.startTime === null || call.startTime < filter.startTimeFrom)) {
    return false;
  }
  if (filter.startTimeTo !== undefined && (call.startTime === null || call.startTime >= filter.startTimeTo)) {
    return false;
  }
  return true;
}

function copyEvent(event: CallEventRecord): CallEventRecord {
  return { ...event, detail: { ...event.detail } };
}

/** {@link CallStore} over the maps of a {@link MemoryState}. @internal */
export class MemoryCallStore implements CallStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(call: CallRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(call.accountSid);
      insertUnique(this.#state.calls, call.sid, call);
    });
  }

  get(accountSid: AccountSid, sid: CallSid): Promise<CallRecord | null> {
    return this.#state.run(() => {
      const call = findScoped(this.#state.calls, accountSid, sid);
      return call === undefined ? null : { ...call };
    });
  }

  list(accountSid: AccountSid, filter: CallFilter, page: PageRequest): Promise<Page<CallRecord>> {
    return this.#state.run(() =>
      pageOf(this.#state.calls.values(), (call) => matches(call, accountSid, filter), newestFirst, page),
    );
  }

  update(accountSid: AccountSid, sid: CallSid, patch: CallPatch): Promise<CallRecord | null> {
    return this.#state.run(() => {
      const call = findScoped(this.#state.calls, accountSid, sid);
      if (call === undefined) return null;
      const updated: CallRecord = { ...call, ...pickDefined(patch, CALL_PATCH_KEYS) };
      this.#state.calls.set(sid, updated);
      return { ...updated };
    });
  }

  appendEvent(event: Omit<CallEventRecord, 'sequence'>): Promise<CallEventRecord> {
    return this.#state.run(() => {
      if (!this.#state.calls.has(event.callSid)) throw new Error(`unknown call ${event.callSid}`);
      const events = this.#state.callEvents.get(event.callSid) ?? [];
      const stored: CallEventRecord = {
        callSid: event.callSid,
        sequence: events.length + 1,
        status: event.status,
        timestamp: event.timestamp,
        detail: { ...event.detail },
      };
      events.push(stored);
      this.#state.callEvents.set(event.callSid, events);
      return copyEvent(stored);
    });
  }

  listEvents(callSid: CallSid): Promise<readonly CallEventRecord[]> {
    return this.#state.run(() => (this.#state.callEvents.get(callSid) ?? []).map(copyEvent));
  }
}
