/**
 * The typed schema every query is written against. Columns are snake_case; times are integer
 * milliseconds since the epoch; booleans are integers 0/1; a call event's detail, a trunk's lists and
 * a recording's callback events are JSON text.
 * Dialect-neutral on purpose: a PostgreSQL store can reuse these types and the query modules.
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
import type {
  AccountStatus,
  HangupSource,
  HttpMethod,
  NotificationLevel,
  RecordingSource,
  RecordingStatus,
  RecordingTrackKind,
  SipTrunkNumberFormat,
  SipTrunkSrtp,
  SipTrunkTransport,
} from '../ports.ts';

/** `accounts`. @internal */
export interface AccountsTable {
  sid: AccountSid;
  friendly_name: string;
  auth_token: string;
  status: AccountStatus;
  date_created: number;
  date_updated: number;
}

/** `api_keys`. @internal */
export interface ApiKeysTable {
  sid: ApiKeySid;
  account_sid: AccountSid;
  friendly_name: string;
  secret: string;
  date_created: number;
  date_updated: number;
}

/** `applications`. @internal */
export interface ApplicationsTable {
  sid: ApplicationSid;
  account_sid: AccountSid;
  friendly_name: string;
  voice_url: string | null;
  voice_method: HttpMethod;
  voice_fallback_url: string | null;
  voice_fallback_method: HttpMethod;
  status_callback: string | null;
  status_callback_method: HttpMethod;
  /** 0 or 1. */
  voice_caller_id_lookup: number;
  date_created: number;
  date_updated: number;
}

/** `calls`. `from_address`/`to_address` avoid the reserved words `from` and `to`. @internal */
export interface CallsTable {
  sid: CallSid;
  account_sid: AccountSid;
  parent_call_sid: CallSid | null;
  application_sid: ApplicationSid | null;
  phone_number_sid: PhoneNumberSid | null;
  trunk_sid: TrunkSid | null;
  from_address: string;
  to_address: string;
  caller_name: string | null;
  forwarded_from: string | null;
  direction: CallDirection;
  status: CallStatus;
  answered_by: string | null;
  start_time: number | null;
  answer_time: number | null;
  end_time: number | null;
  duration: number | null;
  hangup_source: HangupSource | null;
  error_code: number | null;
  date_created: number;
  date_updated: number;
}

/** `call_events`, unique on (call_sid, sequence). @internal */
export interface CallEventsTable {
  call_sid: CallSid;
  sequence: number;
  status: CallStatus;
  timestamp: number;
  /** JSON object text. */
  detail: string;
}

/** `twiml_bins`. @internal */
export interface TwimlBinsTable {
  sid: TwimlBinSid;
  account_sid: AccountSid;
  friendly_name: string;
  twiml: string;
  date_created: number;
  date_updated: number;
}

/** `phone_numbers`, unique on `phone_number`. @internal */
export interface PhoneNumbersTable {
  sid: PhoneNumberSid;
  account_sid: AccountSid;
  phone_number: string;
  friendly_name: string;
  voice_url: string | null;
  voice_method: HttpMethod;
  voice_fallback_url: string | null;
  voice_fallback_method: HttpMethod;
  /** References `applications.sid`; set null when the application is deleted. */
  voice_application_sid: ApplicationSid | null;
  status_callback: string | null;
  status_callback_method: HttpMethod;
  /** References `sip_trunks.sid`; set null when the trunk is deleted. */
  trunk_sid: TrunkSid | null;
  /** 0 or 1. */
  virtual: number;
  date_created: number;
  date_updated: number;
}

/** `sip_trunks`. @internal */
export interface SipTrunksTable {
  sid: TrunkSid;
  account_sid: AccountSid;
  friendly_name: string;
  host: string;
  outbound_proxy: string | null;
  transport: SipTrunkTransport;
  username: string | null;
  password: string | null;
  /** 0 or 1. */
  register: number;
  register_expires: number;
  /** JSON array of strings. */
  codecs: string;
  country_code: string;
  number_format: SipTrunkNumberFormat;
  /** JSON array of strings. */
  allowed_sources: string;
  srtp: SipTrunkSrtp;
  /** JSON array of strings. */
  allowed_countries: string;
  date_created: number;
  date_updated: number;
}

/** `notifications`. @internal */
export interface NotificationsTable {
  sid: NotificationSid;
  account_sid: AccountSid;
  call_sid: CallSid | null;
  error_code: number;
  level: NotificationLevel;
  message_text: string;
  more_info: string;
  request_url: string;
  request_method: HttpMethod;
  request_variables: string;
  response_headers: string;
  response_body: string;
  message_date: number;
  date_created: number;
}

/** `recordings`. @internal */
export interface RecordingsTable {
  sid: RecordingSid;
  account_sid: AccountSid;
  /** Not a foreign key: a recording may outlive its call's row. */
  call_sid: CallSid;
  conference_sid: string | null;
  status: RecordingStatus;
  source: RecordingSource;
  /** 1 or 2. */
  channels: 1 | 2;
  track: RecordingTrackKind;
  sample_rate: number;
  /** 0 or 1. */
  trim: number;
  start_time: number;
  duration_ms: number | null;
  spool_path: string | null;
  wav_key: string | null;
  mp3_key: string | null;
  status_callback: string | null;
  status_callback_method: HttpMethod;
  /** JSON array of callback events (`in-progress`, `completed`, `absent`). */
  status_callback_events: string;
  error_code: number | null;
  date_created: number;
  date_updated: number;
}

/** The whole schema, as kysely sees it. @internal */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  applications: ApplicationsTable;
  calls: CallsTable;
  call_events: CallEventsTable;
  twiml_bins: TwimlBinsTable;
  phone_numbers: PhoneNumbersTable;
  sip_trunks: SipTrunksTable;
  notifications: NotificationsTable;
  recordings: RecordingsTable;
}
