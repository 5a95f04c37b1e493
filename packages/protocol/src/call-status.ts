/**
 * Call status values exactly as Twilio's REST API and status callbacks spell them.
 * @public
 */
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
] as const;

export type CallStatus = (typeof CALL_STATUSES)[number];

/** The statuses after which a call never changes again. @public */
export const FINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set([
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
]);

export function isCallStatus(value: unknown): value is CallStatus {
  return typeof value === 'string' && (CALL_STATUSES as readonly string[]).includes(value);
}

/**
 * Call direction as Twilio reports it: `inbound` (the call reached the platform), `outbound-api`
 * (created through REST `Calls.create`) and `outbound-dial` (a child leg created by `<Dial>`).
 * @public
 */
export const CALL_DIRECTIONS = ['inbound', 'outbound-api', 'outbound-dial'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** The `StatusCallbackEvent` names. @public */
export const STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type StatusCallbackEvent = (typeof STATUS_CALLBACK_EVENTS)[number];
