/**
 * Builders and helpers shared by the store contract suite. Sids are made from small numbers, so a
 * test can control their order (`sid('call', 2)` sorts after `sid('call', 1)`).
 * @internal
 */
import { sidFromHex, type AccountSid, type SidKind, type SidTypes } from '@denwa/protocol';
import { expect } from 'vitest';
import type {
  AccountRecord,
  ApiKeyRecord,
  ApplicationRecord,
  CallRecord,
  NotificationRecord,
  Page,
  PageRequest,
  PhoneNumberRecord,
  RecordingRecord,
  SipTrunkRecord,
  Store,
  TwimlBinRecord,
} from '../ports.ts';

/** The epoch every fixture time is an offset from. */
export const T0 = Date.UTC(2026, 0, 1);

/** A Sid of `kind` whose hex body is `n`, zero-padded. */
export function sid<K extends SidKind>(kind: K, n: number): SidTypes[K] {
  return sidFromHex(kind, n.toString(16).padStart(32, '0'));
}

/** The account most tests work in. */
export const ACCOUNT: AccountSid = sid('account', 1);
/** A second account, to prove scoping. */
export const OTHER_ACCOUNT: AccountSid = sid('account', 2);

/** Japanese and emoji (including a surrogate pair and a ZWJ sequence), for text round trips. */
export const UNICODE_TEXT = '電話テスト 📞 こんにちは 👩‍💻';

/** Makes every field writable, so a test can try to mutate a returned record. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** An active account named 'Main account', created at {@link T0}. */
export function account(accountSid: AccountSid, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    sid: accountSid,
    friendlyName: 'Main account',
    authToken: '0123456789abcdef0123456789abcdef',
    status: 'active',
    dateCreated: T0,
    dateUpdated: T0,
    ...overrides,
  };
}

/** Key `n` of {@link ACCOUNT}, created at `T0 + n`. */
export function apiKey(n: number, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    sid: sid('apiKey', n),
    accountSid: ACCOUNT,
    friendlyName: `key ${n}`,
    secret: `secret-${n}`,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** Application `n` of {@link ACCOUNT} with no URLs, POST methods and lookup off, created at `T0 + n`. */
export function application(n: number, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    sid: sid('application', n),
    accountSid: ACCOUNT,
    friendlyName: `app ${n}`,
    voiceUrl: null,
    voiceMethod: 'POST',
    voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST',
    statusCallback: null,
    statusCallbackMethod: 'POST',
    voiceCallerIdLookup: false,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** Call `n` of {@link ACCOUNT}: queued, every optional field null, created at `T0 + n`. */
export function call(n: number, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: sid('call', n),
    accountSid: ACCOUNT,
    parentCallSid: null,
    applicationSid: null,
    phoneNumberSid: null,
    trunkSid: null,
    from: 'client:alice',
    to: '+15005550006',
    callerName: null,
    forwardedFrom: null,
    direction: 'outbound-api',
    status: 'queued',
    answeredBy: null,
    startTime: null,
    answerTime: null,
    endTime: null,
    duration: null,
    hangupSource: null,
    errorCode: null,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** Bin `n` of {@link ACCOUNT} saying its number, created at `T0 + n`. */
export function twimlBin(n: number, overrides: Partial<TwimlBinRecord> = {}): TwimlBinRecord {
  return {
    sid: sid('twimlBin', n),
    accountSid: ACCOUNT,
    friendlyName: `bin ${n}`,
    twiml: `<Response><Say>bin ${n}</Say></Response>`,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/**
 * Number `n` of {@link ACCOUNT}, `+1415555` followed by `n` on four digits, routed nowhere (no URL,
 * application or trunk), not virtual, created at `T0 + n`.
 */
export function phoneNumber(n: number, overrides: Partial<PhoneNumberRecord> = {}): PhoneNumberRecord {
  return {
    sid: sid('phoneNumber', n),
    accountSid: ACCOUNT,
    phoneNumber: `+1415555${String(n).padStart(4, '0')}`,
    friendlyName: `number ${n}`,
    voiceUrl: null,
    voiceMethod: 'POST',
    voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST',
    voiceApplicationSid: null,
    statusCallback: null,
    statusCallbackMethod: 'POST',
    trunkSid: null,
    virtual: false,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** Trunk `n` of {@link ACCOUNT} to `sip{n}.carrier.example` over UDP with IP authentication, created at `T0 + n`. */
export function sipTrunk(n: number, overrides: Partial<SipTrunkRecord> = {}): SipTrunkRecord {
  return {
    sid: sid('trunk', n),
    accountSid: ACCOUNT,
    friendlyName: `trunk ${n}`,
    host: `sip${n}.carrier.example`,
    outboundProxy: null,
    transport: 'udp',
    username: null,
    password: null,
    register: false,
    registerExpires: 3600,
    codecs: ['PCMU', 'PCMA'],
    countryCode: '1',
    numberFormat: 'e164',
    allowedSources: [],
    srtp: 'off',
    allowedCountries: [],
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** An error-level (0) 11200 notification `n` of {@link ACCOUNT}, without a call, created at `T0 + n`. */
export function notification(n: number, overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    sid: sid('notification', n),
    accountSid: ACCOUNT,
    callSid: null,
    errorCode: 11200,
    level: 0,
    messageText: `failure ${n}`,
    moreInfo: 'https://www.twilio.com/docs/errors/11200',
    requestUrl: 'https://example.com/voice',
    requestMethod: 'POST',
    requestVariables: 'CallSid=CA00&From=client%3Aalice',
    responseHeaders: 'Content-Type: text/html',
    responseBody: '<html>Not Found</html>',
    messageDate: T0 + n,
    dateCreated: T0 + n,
    ...overrides,
  };
}

/**
 * Recording `n` of {@link ACCOUNT} on call `n` (whose record need not exist): in progress, mono from
 * the Dial verb, both tracks at 8 kHz, untrimmed, every optional field null, a POST callback on
 * `completed` but no URL, started and created at `T0 + n`.
 */
export function recording(n: number, overrides: Partial<RecordingRecord> = {}): RecordingRecord {
  return {
    sid: sid('recording', n),
    accountSid: ACCOUNT,
    callSid: sid('call', n),
    conferenceSid: null,
    status: 'in-progress',
    source: 'DialVerb',
    channels: 1,
    track: 'both',
    sampleRate: 8000,
    trim: false,
    startTime: T0 + n,
    durationMs: null,
    spoolPath: null,
    wavKey: null,
    mp3Key: null,
    statusCallback: null,
    statusCallbackMethod: 'POST',
    statusCallbackEvents: ['completed'],
    errorCode: null,
    dateCreated: T0 + n,
    dateUpdated: T0 + n,
    ...overrides,
  };
}

/** Creates {@link ACCOUNT} and {@link OTHER_ACCOUNT}: records of unknown accounts are refused. */
export async function seedAccounts(store: Store): Promise<void> {
  await store.accounts.upsert(account(ACCOUNT));
  await store.accounts.upsert(account(OTHER_ACCOUNT, { friendlyName: 'Other account' }));
}

/** The sids of a page's items, in order. */
export function sidsOf(page: Page<{ readonly sid: string }>): string[] {
  return page.items.map((item) => item.sid);
}

/**
 * Reads the list with every `offset`/`limit` from 0/1 to one past the end and checks each page
 * against `expected`, the whole list in order: the items, and `hasMore` exactly when more follow.
 */
export async function expectPaging(
  list: (page: PageRequest) => Promise<Page<{ readonly sid: string }>>,
  expected: readonly string[],
): Promise<void> {
  const n = expected.length;
  for (let limit = 1; limit <= n + 1; limit++) {
    for (let offset = 0; offset <= n + 1; offset++) {
      const page = await list({ offset, limit });
      expect({ offset, limit, sids: sidsOf(page), hasMore: page.hasMore }).toEqual({
        offset,
        limit,
        sids: expected.slice(offset, offset + limit),
        hasMore: offset + limit < n,
      });
    }
  }
}
