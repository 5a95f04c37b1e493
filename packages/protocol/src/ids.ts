/**
 * Branded Twilio-style identifiers.
 *
 * A Sid is a two-letter prefix followed by 32 lowercase hex digits (34 characters in all), e.g.
 * `CA0123456789abcdef0123456789abcdef`. The brand keeps a `CallSid` from being passed where an
 * `ApplicationSid` is expected. Sids are only constructed by an id generator or by {@link parseSid}.
 *
 * @public
 */
declare const brand: unique symbol;

/** A string carrying a compile-time brand. @public */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The Sid prefixes Denwa issues, by resource. @public */
export const SID_PREFIX = {
  account: 'AC',
  apiKey: 'SK',
  application: 'AP',
  call: 'CA',
  recording: 'RE',
  notification: 'NO',
  twimlBin: 'EH',
  phoneNumber: 'PN',
  trunk: 'TK',
  conference: 'CF',
  queue: 'QU',
} as const;

export type SidKind = keyof typeof SID_PREFIX;
export type SidPrefix = (typeof SID_PREFIX)[SidKind];

export type AccountSid = Brand<string, 'AccountSid'>;
export type ApiKeySid = Brand<string, 'ApiKeySid'>;
export type ApplicationSid = Brand<string, 'ApplicationSid'>;
export type CallSid = Brand<string, 'CallSid'>;
export type RecordingSid = Brand<string, 'RecordingSid'>;
export type NotificationSid = Brand<string, 'NotificationSid'>;
export type TwimlBinSid = Brand<string, 'TwimlBinSid'>;
export type PhoneNumberSid = Brand<string, 'PhoneNumberSid'>;
export type TrunkSid = Brand<string, 'TrunkSid'>;
export type ConferenceSid = Brand<string, 'ConferenceSid'>;
export type QueueSid = Brand<string, 'QueueSid'>;

/** Maps each resource kind to its branded Sid type. @public */
export interface SidTypes {
  account: AccountSid;
  apiKey: ApiKeySid;
  application: ApplicationSid;
  call: CallSid;
  recording: RecordingSid;
  notification: NotificationSid;
  twimlBin: TwimlBinSid;
  phoneNumber: PhoneNumberSid;
  trunk: TrunkSid;
  conference: ConferenceSid;
  queue: QueueSid;
}

const SID_BODY = /^[0-9a-f]{32}$/;

/** True when `value` is a well-formed Sid of the given kind (prefix + 32 lowercase hex digits). @public */
export function isSid<K extends SidKind>(kind: K, value: unknown): value is SidTypes[K] {
  return (
    typeof value === 'string' &&
    value.length === 34 &&
    value.startsWith(SID_PREFIX[kind]) &&
    SID_BODY.test(value.slice(2))
  );
}

/** Returns the branded Sid, or `undefined` when `value` is not a Sid of that kind. @public */
export function parseSid<K extends SidKind>(kind: K, value: unknown): SidTypes[K] | undefined {
  return isSid(kind, value) ? value : undefined;
}

/** Builds a Sid from a prefix kind and 32 hex digits. Used by id generators only. @internal */
export function sidFromHex<K extends SidKind>(kind: K, hex32: string): SidTypes[K] {
  const sid = `${SID_PREFIX[kind]}${hex32}`;
  if (!isSid(kind, sid)) throw new TypeError(`not 32 lowercase hex digits: ${hex32}`);
  return sid;
}

export const isAccountSid = (v: unknown): v is AccountSid => isSid('account', v);
export const isApiKeySid = (v: unknown): v is ApiKeySid => isSid('apiKey', v);
export const isApplicationSid = (v: unknown): v is ApplicationSid => isSid('application', v);
export const isCallSid = (v: unknown): v is CallSid => isSid('call', v);
export const isTwimlBinSid = (v: unknown): v is TwimlBinSid => isSid('twimlBin', v);
