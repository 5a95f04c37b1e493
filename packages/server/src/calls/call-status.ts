/**
 * The call status machine (Twilio's `CallStatus` values) and the per-call record keeper: every
 * transition is checked against {@link CALL_TRANSITIONS}, written to the store with its timestamp,
 * and announced to the call's status callbacks.
 */
import { FINAL_CALL_STATUSES, type AccountSid, type CallSid, type CallStatus } from '@denwa/protocol';
import { assertTransition, type TransitionTable } from '../core/index.ts';
import type { CallRecord, HangupSource, Store } from '../store/ports.ts';

export const CALL_TRANSITIONS: TransitionTable<CallStatus> = {
  queued: ['initiated', 'ringing', 'in-progress', 'canceled', 'failed', 'busy', 'no-answer'],
  initiated: ['ringing', 'in-progress', 'canceled', 'failed', 'busy', 'no-answer'],
  ringing: ['in-progress', 'canceled', 'failed', 'busy', 'no-answer', 'completed'],
  'in-progress': ['completed', 'failed'],
  completed: [],
  busy: [],
  failed: [],
  'no-answer': [],
  canceled: [],
};

export type CallStore = Pick<Store, 'calls'>;

/** How a call ended, for the record and the `Dial action`. */
export interface CallEnding {
  readonly status: CallStatus;
  readonly source: HangupSource;
  readonly errorCode?: number | null;
}

/**
 * The live state of one call record. `transition` is synchronous for the engine (the write is
 * chained); `flushed()` resolves once every write so far has reached the store.
 */
export class CallState {
  record: CallRecord;
  readonly #store: CallStore;
  #writes: Promise<void> = Promise.resolve();
  readonly #onError: (err: unknown) => void;
  readonly #listeners: ((status: CallStatus, record: CallRecord) => void)[] = [];

  constructor(record: CallRecord, store: CallStore, onError: (err: unknown) => void) {
    this.record = record;
    this.#store = store;
    this.#onError = onError;
    this.#chain(async () => {
      await store.calls.insert(record);
      await store.calls.appendEvent({ callSid: record.sid, status: record.status, timestamp: record.dateCreated, detail: {} });
    });
  }

  get sid(): CallSid {
    return this.record.sid;
  }

  get accountSid(): AccountSid {
    return this.record.accountSid;
  }

  get status(): CallStatus {
    return this.record.status;
  }

  get final(): boolean {
    return FINAL_CALL_STATUSES.has(this.record.status);
  }

  onStatus(listener: (status: CallStatus, record: CallRecord) => void): void {
    this.#listeners.push(listener);
  }

  #chain(write: () => Promise<unknown>): void {
    this.#writes = this.#writes.then(write).then(() => undefined, this.#onError);
  }

  /** Moves to `to` at `now`; a no-op when already there, false when the move is not allowed. */
  transition(to: CallStatus, now: number, detail: Readonly<Record<string, string | number | boolean | null>> = {}, ending?: CallEnding): boolean {
    const from = this.record.status;
    if (from === to) return true;
    if (FINAL_CALL_STATUSES.has(from)) return false;
    assertTransition('call', CALL_TRANSITIONS, from, to);
    const r = this.record;
    const patch = {
      status: to,
      dateUpdated: now,
      ...(to === 'in-progress' ? { answerTime: now } : {}),
      ...(FINAL_CALL_STATUSES.has(to)
        ? {
            endTime: now,
            duration: r.answerTime === null ? 0 : Math.max(0, Math.round((now - r.answerTime) / 1000)),
            hangupSource: ending?.source ?? null,
            errorCode: ending?.errorCode ?? null,
          }
        : {}),
    };
    this.record = { ...r, ...patch };
    const sid = r.sid;
    const accountSid = r.accountSid;
    this.#chain(async () => {
      await this.#store.calls.update(accountSid, sid, patch);
      await this.#store.calls.appendEvent({ callSid: sid, status: to, timestamp: now, detail });
    });
    for (const listener of this.#listeners) listener(to, this.record);
    return true;
  }

  /** Appends an in-call event (DTMF, a skipped verb, …) to the call log. */
  event(now: number, detail: Readonly<Record<string, string | number | boolean | null>>): void {
    const sid = this.record.sid;
    const status = this.record.status;
    this.#chain(async () => {
      await this.#store.calls.appendEvent({ callSid: sid, status, timestamp: now, detail });
    });
  }

  flushed(): Promise<void> {
    return this.#writes;
  }
}
