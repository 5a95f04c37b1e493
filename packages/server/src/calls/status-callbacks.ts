/**
 * Status callbacks (`StatusCallback` + `StatusCallbackEvent`): for each subscribed progress event,
 * a signed request with the call's parameters, `CallStatus`, `Timestamp`, `CallbackSource` and a
 * per-URL `SequenceNumber`; `CallDuration` on completion. Requests of one call go out in order and
 * never block the engine.
 */
import { FINAL_CALL_STATUSES, type CallStatus } from '@denwa/protocol';
import { rfc2822Date, type Logger } from '../core/index.ts';
import type { CallRecord, HttpMethod } from '../store/ports.ts';
import type { CallState } from './call-status.ts';
import type { WebhookClient } from './ports.ts';

export type ProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface StatusCallbackTarget {
  readonly url: string;
  readonly method: HttpMethod;
  readonly events: ReadonlySet<ProgressEvent>;
}

/** The progress event a status change announces, if any. */
export function progressEvent(status: CallStatus): ProgressEvent | null {
  if (status === 'initiated') return 'initiated';
  if (status === 'ringing') return 'ringing';
  if (status === 'in-progress') return 'answered';
  if (FINAL_CALL_STATUSES.has(status)) return 'completed';
  return null;
}


/** The parameters every voice webhook of a call carries. */
export function callParams(record: CallRecord, apiVersion = '2010-04-01'): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: record.accountSid,
    ApiVersion: apiVersion,
    CallSid: record.sid,
    CallStatus: record.status,
    Direction: record.direction,
    From: record.from,
    Caller: record.from,
    To: record.to,
    Called: record.to,
  };
  if (record.applicationSid !== null) params['ApplicationSid'] = record.applicationSid;
  if (record.parentCallSid !== null) params['ParentCallSid'] = record.parentCallSid;
  return params;
}

/** Subscribes `target` to `state`'s status changes. */
export function attachStatusCallback(state: CallState, target: StatusCallbackTarget, webhooks: WebhookClient, log: Logger): void {
  let sequence = 0;
  let chain: Promise<void> = Promise.resolve();
  state.onStatus((status, record) => {
    const event = progressEvent(status);
    if (event === null || !target.events.has(event)) return;
    const params: Record<string, string> = {
      ...callParams(record),
      Timestamp: rfc2822Date(record.dateUpdated),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence++),
    };
    if (event === 'completed') {
      params['CallDuration'] = String(record.duration ?? 0);
      params['Duration'] = String(Math.ceil((record.duration ?? 0) / 60));
    }
    if (record.errorCode !== null) params['ErrorCode'] = String(record.errorCode);
    chain = chain
      .then(() => webhooks.sendCallback({ url: target.url, method: target.method, params, accountSid: record.accountSid, callSid: record.sid }))
      .then(
        () => undefined,
        (err: unknown) => { log.error({ err, callSid: record.sid }, 'status callback failed unexpectedly'); },
      );
  });
}
