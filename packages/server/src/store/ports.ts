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
  RecordingSid,
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

// ── Incoming phone numbers ──────────────────────────────────────────────────────────────────────

/**
 * A phone number this server answers (Twilio's IncomingPhoneNumber): where its calls are routed and
 * which SIP trunk carries them.
 */
export interface PhoneNumberRecord {
  readonly sid: PhoneNumberSid;
  readonly accountSid: AccountSid;
  /** E.164, e.g. `+815012345678`. Unique across the whole store, whatever the account. */
  readonly phoneNumber: string;
  readonly friendlyName: string;
  readonly voiceUrl: string | null;
  readonly voiceMethod: HttpMethod;
  readonly voiceFallbackUrl: string | null;
  readonly voiceFallbackMethod: HttpMethod;
  /** When set, the application's URLs answer the number's calls instead of `voiceUrl`. */
  readonly voiceApplicationSid: ApplicationSid | null;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  /** The SIP trunk the number arrives on and outbound calls from it leave by (Twilio's TrunkSid); null: any trunk. */
  readonly trunkSid: TrunkSid | null;
  /** Denwa: a virtual number served by the built-in virtual carrier (local development), not by a real trunk. */
  readonly virtual: boolean;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

/** What an update may change: everything but the identity, the number itself and the creation time. */
export type PhoneNumberPatch = Partial<
  Omit<PhoneNumberRecord, 'sid' | 'accountSid' | 'phoneNumber' | 'dateCreated' | 'dateUpdated'>
> & { readonly dateUpdated: number };

export interface PhoneNumberFilter {
  /**
   * Numbers containing this text, where `*` stands for any one character (Twilio's partial-number
   * pattern, e.g. `+1415*******` or `555`).
   */
  readonly phoneNumber?: string;
  /** Exact name. */
  readonly friendlyName?: string;
}

/**
 * Phone numbers. A number's `voiceApplicationSid` and `trunkSid` must name an existing application
 * and trunk (insert and update reject otherwise); deleting the application or the trunk sets them
 * to null.
 */
export interface PhoneNumberStore {
  /** @throws StoreConflictError (field `phoneNumber`) when the number is already in the store. */
  insert(n: PhoneNumberRecord): Promise<void>;
  get(accountSid: AccountSid, sid: PhoneNumberSid): Promise<PhoneNumberRecord | null>;
  /** By number alone, whatever the account (inbound routing). */
  getByNumber(phoneNumber: string): Promise<PhoneNumberRecord | null>;
  /** Oldest first. */
  list(accountSid: AccountSid, filter: PhoneNumberFilter, page: PageRequest): Promise<Page<PhoneNumberRecord>>;
  update(accountSid: AccountSid, sid: PhoneNumberSid, patch: PhoneNumberPatch): Promise<PhoneNumberRecord | null>;
  delete(accountSid: AccountSid, sid: PhoneNumberSid): Promise<boolean>;
}

// ── SIP trunks ──────────────────────────────────────────────────────────────────────────────────

export type SipTrunkTransport = 'udp' | 'tcp' | 'tls';

export type SipTrunkSrtp = 'off' | 'optional' | 'required';

/** How numbers are written to the carrier: `+81…`, `81…` or `0…`. */
export type SipTrunkNumberFormat = 'e164' | 'e164-no-plus' | 'national';

/** A carrier connection (Denwa's resource): where calls go, how they authenticate, what they may reach. */
export interface SipTrunkRecord {
  readonly sid: TrunkSid;
  readonly accountSid: AccountSid;
  readonly friendlyName: string;
  /** Carrier host (IP or DNS name) with optional :port; calls go there (or to outboundProxy). */
  readonly host: string;
  /** `host[:port]` every request is sent to instead of `host`; null: none. */
  readonly outboundProxy: string | null;
  readonly transport: SipTrunkTransport;
  /** Digest credentials for outbound calls and registration (null: IP authentication). */
  readonly username: string | null;
  /** Stored, never returned by the API and never logged. */
  readonly password: string | null;
  /** Register to the carrier (REGISTER every `registerExpires` seconds). */
  readonly register: boolean;
  /** Seconds a registration asks to last (the API allows 60–86400; default 3600). */
  readonly registerExpires: number;
  /** Codecs offered on the trunk leg in order, e.g. `['PCMU', 'PCMA']`. */
  readonly codecs: readonly string[];
  /** Caller-ID and number normalisation: the country calling code of national numbers, e.g. `'81'`. */
  readonly countryCode: string;
  /** How numbers are written in the Request-URI/From to the carrier: `e164` (+81…), `e164-no-plus` (81…), `national` (0…). */
  readonly numberFormat: SipTrunkNumberFormat;
  /** Inbound INVITEs are accepted only from these IPs/CIDRs (IPv4/IPv6); empty = only the resolved host. */
  readonly allowedSources: readonly string[];
  readonly srtp: SipTrunkSrtp;
  /** ISO 3166 alpha-2 countries outbound calls may reach (geo permissions, anti toll fraud). Empty = only the country of countryCode. */
  readonly allowedCountries: readonly string[];
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export type SipTrunkPatch = Partial<Omit<SipTrunkRecord, 'sid' | 'accountSid' | 'dateCreated' | 'dateUpdated'>> & {
  readonly dateUpdated: number;
};

export interface SipTrunkStore {
  insert(trunk: SipTrunkRecord): Promise<void>;
  get(accountSid: AccountSid, sid: TrunkSid): Promise<SipTrunkRecord | null>;
  /** By sid alone, whatever the account (the SIP edge). */
  getBySid(sid: TrunkSid): Promise<SipTrunkRecord | null>;
  /** Oldest first. */
  list(accountSid: AccountSid, page: PageRequest): Promise<Page<SipTrunkRecord>>;
  /** Every trunk of every account, oldest first: what the SIP edge loads at start. */
  listAll(): Promise<readonly SipTrunkRecord[]>;
  update(accountSid: AccountSid, sid: TrunkSid, patch: SipTrunkPatch): Promise<SipTrunkRecord | null>;
  /** Also sets `trunkSid` to null on the phone numbers that named the trunk. */
  delete(accountSid: AccountSid, sid: TrunkSid): Promise<boolean>;
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

// ── Recordings ──────────────────────────────────────────────────────────────────────────────────

/**
 * Twilio's recording statuses. `in-progress` and `paused` while the call records; `processing` from the
 * end of recording until the files are stored; then `completed`, `absent` (nothing was recorded, e.g.
 * trimmed to nothing) or `failed`. `stopped` is only ever a requested status, never stored.
 */
export type RecordingStatus = 'in-progress' | 'paused' | 'processing' | 'completed' | 'absent' | 'failed';

/** What started the recording (Twilio's `source`). */
export type RecordingSource = 'DialVerb' | 'StartCallRecordingAPI' | 'OutboundAPI' | 'RecordVerb';

/** Which audio a recording holds, seen from the parent call: `inbound` = from the caller, `outbound` = to it. */
export type RecordingTrackKind = 'inbound' | 'outbound' | 'both';

/** A `recordingStatusCallbackEvent`. */
export type RecordingCallbackEvent = 'in-progress' | 'completed' | 'absent';

export interface RecordingRecord {
  readonly sid: RecordingSid;
  readonly accountSid: AccountSid;
  readonly callSid: CallSid;
  readonly conferenceSid: string | null;
  readonly status: RecordingStatus;
  readonly source: RecordingSource;
  /** 1 (mono mix) or 2 (channel 1 the parent/caller leg, channel 2 the child/dialed leg). */
  readonly channels: 1 | 2;
  readonly track: RecordingTrackKind;
  /** PCM sample rate of the WAV (8000 for a phone call, 16000 for browser-only calls). */
  readonly sampleRate: number;
  /** `trim="trim-silence"`: leading and trailing silence is cut when the recording completes. */
  readonly trim: boolean;
  /** When audio started (ms since epoch). */
  readonly startTime: number;
  /** Null until the recording is complete. */
  readonly durationMs: number | null;
  /** The local WAV being written while recording (repaired after a crash); null once stored. */
  readonly spoolPath: string | null;
  /** Storage keys of the finished media; null until stored (mp3 until encoded). */
  readonly wavKey: string | null;
  readonly mp3Key: string | null;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly statusCallbackEvents: readonly RecordingCallbackEvent[];
  readonly errorCode: number | null;
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

export type RecordingPatch = Partial<
  Pick<RecordingRecord, 'status' | 'durationMs' | 'spoolPath' | 'wavKey' | 'mp3Key' | 'errorCode' | 'startTime'>
> & { readonly dateUpdated: number };

export interface RecordingFilter {
  readonly callSid?: CallSid;
  readonly conferenceSid?: string;
  /** `DateCreated>=` / `DateCreated<=` (ms since epoch), inclusive. */
  readonly dateCreatedAfter?: number;
  readonly dateCreatedBefore?: number;
}

export interface RecordingStore {
  insert(r: RecordingRecord): Promise<void>;
  get(accountSid: AccountSid, sid: RecordingSid): Promise<RecordingRecord | null>;
  /** Newest first. */
  list(accountSid: AccountSid, filter: RecordingFilter, page: PageRequest): Promise<Page<RecordingRecord>>;
  update(accountSid: AccountSid, sid: RecordingSid, patch: RecordingPatch): Promise<RecordingRecord | null>;
  delete(accountSid: AccountSid, sid: RecordingSid): Promise<boolean>;
  /** Every account's recordings still `in-progress`, `paused` or `processing` (crash repair at start), oldest first. */
  listUnfinished(): Promise<readonly RecordingRecord[]>;
}

// ── The whole store ─────────────────────────────────────────────────────────────────────────────

export interface Store {
  readonly accounts: AccountStore;
  readonly apiKeys: ApiKeyStore;
  readonly applications: ApplicationStore;
  readonly calls: CallStore;
  readonly twimlBins: TwimlBinStore;
  readonly phoneNumbers: PhoneNumberStore;
  readonly sipTrunks: SipTrunkStore;
  readonly notifications: NotificationStore;
  readonly recordings: RecordingStore;
  /** Waits for in-flight writes, then releases the database. Idempotent. */
  close(): Promise<void>;
}

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A write refused because a value that must be unique is taken (a phone number already in the
 * store). Unlike a duplicate sid or an unknown account, which are the caller's bugs and plain
 * Errors, this is a request a user may make, so the API answers it with its own error code.
 * @public
 */
export class StoreConflictError extends Error {
  override readonly name: string = 'StoreConflictError';
  /** The record field whose value is taken, e.g. `'phoneNumber'`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
