/**
 * Store ports: one interface per aggregate. `memory/` and `sqlite/` implement them and pass the shared
 * contract suite in `store.contract.ts`; a PostgreSQL implementation plugs in the same way.
 *
 * Conventions:
 * - Times are milliseconds since the Unix epoch. Absent optional values are `null`, never `undefined`.
 * - Every query is scoped by account; a record of another account is "not found".
 * - Lists are ordered and paged by offset: `{ offset, limit }` in, `{ items, hasMore }` out.
 */
import type {
  AccountSid,
  ApiKeySid,
  ApplicationSid,
  CallDirection,
  CallSid,
  CallStatus,
  NotificationSid,
  PhoneNumberSid,
  TrunkSid,
  TwimlBinSid,
} from '@denwa/protocol';

export type HttpMethod = 'GET' | 'POST';

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** True when at least one more record follows this page. */
  readonly hasMore: boolean;
}

// ── Accounts ────────────────────────────────────────────────────────────────────────────────────

export type AccountStatus = 'active' | 'suspended' | 'closed';

export interface AccountRecord {
  readonly sid: AccountSid;
  readonly friendlyName: string;
  readonly authToken: string;
  readonly status: AccountStatus;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export interface AccountStore {
  get(sid: AccountSid): Promise<AccountRecord | null>;
  /** Inserts the account, or replaces its name, token and status when it exists (keeps `dateCreated`). */
  upsert(account: AccountRecord): Promise<void>;
}

// ── API keys ────────────────────────────────────────────────────────────────────────────────────

export interface ApiKeyRecord {
  readonly sid: ApiKeySid;
  readonly accountSid: AccountSid;
  readonly friendlyName: string;
  /** Kept because Access Tokens are HMAC-signed with it; returned by the REST API only on create. */
  readonly secret: string;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export interface ApiKeyStore {
  insert(key: ApiKeyRecord): Promise<void>;
  get(accountSid: AccountSid, sid: ApiKeySid): Promise<ApiKeyRecord | null>;
  /** Oldest first. */
  list(accountSid: AccountSid, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  update(
    accountSid: AccountSid,
    sid: ApiKeySid,
    patch: { readonly friendlyName: string; readonly dateUpdated: number },
  ): Promise<ApiKeyRecord | null>;
  /** False when there was no such key. */
  delete(accountSid: AccountSid, sid: ApiKeySid): Promise<boolean>;
}

// ── Applications ────────────────────────────────────────────────────────────────────────────────

export interface ApplicationRecord {
  readonly sid: ApplicationSid;
  readonly accountSid: AccountSid;
  readonly friendlyName: string;
  readonly voiceUrl: string | null;
  readonly voiceMethod: HttpMethod;
  readonly voiceFallbackUrl: string | null;
  readonly voiceFallbackMethod: HttpMethod;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly voiceCallerIdLookup: boolean;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export type ApplicationPatch = Partial<
  Omit<ApplicationRecord, 'sid' | 'accountSid' | 'dateCreated' | 'dateUpdated'>
> & { readonly dateUpdated: number };

export interface ApplicationFilter {
  readonly friendlyName?: string;
}

export interface ApplicationStore {
  insert(app: ApplicationRecord): Promise<void>;
  get(accountSid: AccountSid, sid: ApplicationSid): Promise<ApplicationRecord | null>;
  /** Oldest first. */
  list(accountSid: AccountSid, filter: ApplicationFilter, page: PageRequest): Promise<Page<ApplicationRecord>>;
  update(accountSid: AccountSid, sid: ApplicationSid, patch: ApplicationPatch): Promise<ApplicationRecord | null>;
  delete(accountSid: AccountSid, sid: ApplicationSid): Promise<boolean>;
}

// ── Calls ───────────────────────────────────────────────────────────────────────────────────────

/** Which side ended the call. */
export type HangupSource = 'caller' | 'callee' | 'api' | 'twiml' | 'timeout' | 'system';

export interface CallRecord {
  readonly sid: CallSid;
  readonly accountSid: AccountSid;
  readonly parentCallSid: CallSid | null;
  readonly applicationSid: ApplicationSid | null;
  readonly phoneNumberSid: PhoneNumberSid | null;
  readonly trunkSid: TrunkSid | null;
  readonly from: string;
  readonly to: string;
  readonly callerName: string | null;
  readonly forwardedFrom: string | null;
  readonly direction: CallDirection;
  readonly status: CallStatus;
  readonly answeredBy: string | null;
  /** When the call was dialed (Twilio's `start_time`); null while queued. */
  readonly startTime: number | null;
  /** When the call was answered; null if it never was. */
  readonly answerTime: number | null;
  readonly endTime: number | null;
  /** Whole seconds from answer to end; null until the call ends. */
  readonly duration: number | null;
  readonly hangupSource: HangupSource | null;
  /** The SIP or signaling code that ended a failed call, when there was one. */
  readonly errorCode: number | null;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export type CallPatch = Partial<
  Pick<
    CallRecord,
    | 'status'
    | 'answeredBy'
    | 'startTime'
    | 'answerTime'
    | 'endTime'
    | 'duration'
    | 'hangupSource'
    | 'errorCode'
    | 'callerName'
    | 'to'
    | 'from'
  >
> & { readonly dateUpdated: number };

export interface CallFilter {
  readonly to?: string;
  readonly from?: string;
  readonly status?: CallStatus;
  readonly parentCallSid?: CallSid;
  /** Inclusive lower bound on `startTime`. */
  readonly startTimeFrom?: number;
  /** Exclusive upper bound on `startTime`. */
  readonly startTimeTo?: number;
}

/** One status transition of a call, in order. */
export interface CallEventRecord {
  readonly callSid: CallSid;
  readonly sequence: number;
  readonly status: CallStatus;
  readonly timestamp: number;
  /** Free-form context (who hung up, SIP code, …). */
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}

export interface CallStore {
  insert(call: CallRecord): Promise<void>;
  get(accountSid: AccountSid, sid: CallSid): Promise<CallRecord | null>;
  /** Newest first (by `dateCreated`, then sid). */
  list(accountSid: AccountSid, filter: CallFilter, page: PageRequest): Promise<Page<CallRecord>>;
  update(accountSid: AccountSid, sid: CallSid, patch: CallPatch): Promise<CallRecord | null>;
  /** Appends an event; the sequence is assigned by the store (1, 2, 3… per call) and returned. */
  appendEvent(event: Omit<CallEventRecord, 'sequence'>): Promise<CallEventRecord>;
  /** In sequence order. */
  listEvents(callSid: CallSid): Promise<readonly CallEventRecord[]>;
}

// ── TwiML Bins ──────────────────────────────────────────────────────────────────────────────────

export interface TwimlBinRecord {
  readonly sid: TwimlBinSid;
  readonly accountSid: AccountSid;
  readonly friendlyName: string;
  readonly twiml: string;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export type TwimlBinPatch = Partial<Pick<TwimlBinRecord, 'friendlyName' | 'twiml'>> & {
  readonly dateUpdated: number;
};

export interface TwimlBinStore {
  insert(bin: TwimlBinRecord): Promise<void>;
  /** By sid alone: a bin's public URL carries only its sid. */
  getBySid(sid: TwimlBinSid): Promise<TwimlBinRecord | null>;
  get(accountSid: AccountSid, sid: TwimlBinSid): Promise<TwimlBinRecord | null>;
  /** Oldest first. */
  list(accountSid: AccountSid, page: PageRequest): Promise<Page<TwimlBinRecord>>;
  update(accountSid: AccountSid, sid: TwimlBinSid, patch: TwimlBinPatch): Promise<TwimlBinRecord | null>;
  delete(accountSid: AccountSid, sid: TwimlBinSid): Promise<boolean>;
}

// ── Notifications (webhook and TwiML failures) ──────────────────────────────────────────────────

/** Twilio's notification log level: 0 error, 1 warning. */
export type NotificationLevel = 0 | 1;

export interface NotificationRecord {
  readonly sid: NotificationSid;
  readonly accountSid: AccountSid;
  readonly callSid: CallSid | null;
  readonly errorCode: number;
  readonly level: NotificationLevel;
  readonly messageText: string;
  readonly moreInfo: string;
  readonly requestUrl: string;
  readonly requestMethod: HttpMethod;
  /** The form-encoded request parameters. */
  readonly requestVariables: string;
  readonly responseHeaders: string;
  readonly responseBody: string;
  readonly messageDate: number;
  readonly dateCreated: number;
}

export interface NotificationFilter {
  readonly callSid?: CallSid;
  readonly level?: NotificationLevel;
}

export interface NotificationStore {
  insert(n: NotificationRecord): Promise<void>;
  get(accountSid: AccountSid, sid: NotificationSid): Promise<NotificationRecord | null>;
  /** Newest first. */
  list(
    accountSid: AccountSid,
    filter: NotificationFilter,
    page: PageRequest,
  ): Promise<Page<NotificationRecord>>;
}

// ── The whole store ─────────────────────────────────────────────────────────────────────────────

export interface Store {
  readonly accounts: AccountStore;
  readonly apiKeys: ApiKeyStore;
  readonly applications: ApplicationStore;
  readonly calls: CallStore;
  readonly twimlBins: TwimlBinStore;
  readonly notifications: NotificationStore;
  /** Waits for in-flight writes, then releases the database. Idempotent. */
  close(): Promise<void>;
}
