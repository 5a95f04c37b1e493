/**
 * The kinds of value a flag or `DENWA_*` variable takes: for each, a zod schema from the raw text to the
 * typed value. An issue message completes the sentence "`--flag (DENWA_VAR)` …", e.g. "must be an
 * integer 0–65535".
 */
import { MAX_IDENTITY_LENGTH, isClientIdentity, isSid, type AccountSid, type ApplicationSid } from '@denwa/protocol';
import { z } from 'zod';
import { recordingStorageSchema, type RecordingStorageSetting } from './recording-storage.ts';

/** pino's levels, plus `silent`. @public */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How the media relay reads and writes UDP (`auto`: the batched addon where it is built). @public */
export const MEDIA_IO_MODES = ['auto', 'native', 'dgram'] as const;

/** One of {@link MEDIA_IO_MODES}. @public */
export type MediaIo = (typeof MEDIA_IO_MODES)[number];

/** One of {@link LOG_LEVELS}. @public */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An inclusive range of UDP ports. @public */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** The lowest port the RTP range may use (the well-known ports stay free). */
export const MIN_RTP_PORT = 1024;
/** The highest port number. */
export const MAX_PORT = 65535;
/** The longest token lifetime, as Twilio allows (24 hours). */
export const MAX_TOKEN_TTL_SEC = 86_400;

const IPV4 = z.ipv4();
const IPV6 = z.ipv6();
/** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const AUTH_TOKEN = /^[A-Za-z0-9]{16,256}$/;

/** True for an IPv4 or IPv6 literal (IPv6 without brackets). @internal */
export function isIpLiteral(value: string): boolean {
  return IPV4.safeParse(value).success || IPV6.safeParse(value).success;
}

/** True for a DNS name such as `localhost` or `voice.example.com`. @internal */
export function isDnsName(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
}

/** True for the wildcard addresses that mean "listen on every interface". @internal */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/**
 * An IP literal in canonical form: IPv6 lowercased and compressed (RFC 5952, as the WHATWG URL parser
 * writes it), IPv4 unchanged.
 *
 * @internal
 */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

const ipSchema = z.string().refine(isIpLiteral, 'must be an IPv4 or IPv6 address').transform(canonicalIp);

const hostSchema = z
  .string()
  .refine((s) => isIpLiteral(s) || isDnsName(s), 'must be an IP address (IPv6 without brackets) or a host name')
  .transform((s) => (isIpLiteral(s) ? canonicalIp(s) : s.toLowerCase()));

const publicIpSchema = ipSchema.refine(
  (ip) => !isWildcardHost(ip),
  'must be the address clients reach, not a wildcard such as 0.0.0.0',
);

function integerSchema(min: number, max: number, message: string) {
  return z
    .string()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
}

const portRangeSchema = z.string().transform((raw, ctx): PortRange => {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (m === null) return fail('must be MIN-MAX, e.g. 10000-20000');
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < MIN_RTP_PORT || max > MAX_PORT) return fail(`must lie within ${MIN_RTP_PORT}–${MAX_PORT}`);
  if (min % 2 !== 0) return fail('must start at an even port (RTP uses even ports, RTCP the odd one above)');
  if (min >= max) return fail('must have MIN below MAX');
  return { min, max };
});

const httpUrlSchema = z.string().transform((raw, ctx) => {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: 'must be a base URL without credentials, query or fragment' });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
});

/** The typed value each kind of setting parses to. @internal */
export interface ValueTypes {
  path: string;
  host: string;
  port: number;
  'public-ip': string;
  'http-url': string;
  'port-range': PortRange;
  'log-level': LogLevel;
  'media-io': MediaIo;
  'on-off': boolean;
  'account-sid': AccountSid;
  'auth-token': string;
  identity: string;
  ttl: number;
  'application-sid': ApplicationSid;
  'recording-storage': RecordingStorageSetting;
  /** A non-empty token without white space (S3 keys). */
  'key-text': string;
}

/** The kinds of value, by name. @internal */
export type ValueType = keyof ValueTypes;

/** The typed value of kind `T`. @internal */
export type ValueOf<T extends ValueType> = ValueTypes[T];

/** A schema from the raw text to the typed value, for each kind. @internal */
export const VALUE_SCHEMAS: { readonly [K in ValueType]: z.ZodType<ValueTypes[K], string> } = {
  path: z.string().min(1, 'must not be empty'),
  host: hostSchema,
  port: integerSchema(0, MAX_PORT, `must be an integer 0–${MAX_PORT}`),
  'public-ip': publicIpSchema,
  'http-url': httpUrlSchema,
  'port-range': portRangeSchema,
  'log-level': z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`),
  'media-io': z.enum(MEDIA_IO_MODES, `must be one of ${MEDIA_IO_MODES.join(', ')}`),
  'on-off': z.string().refine((v) => v === 'on' || v === 'off', 'must be on or off').transform((v) => v === 'on'),
  'account-sid': z.custom<AccountSid>((v) => isSid('account', v), 'must be AC followed by 32 lowercase hex digits'),
  'auth-token': z.string().regex(AUTH_TOKEN, 'must be 16–256 letters or digits'),
  identity: z.string().refine(isClientIdentity, `must be 1–${MAX_IDENTITY_LENGTH} letters, digits or underscores`),
  ttl: integerSchema(1, MAX_TOKEN_TTL_SEC, `must be a whole number of seconds 1–${MAX_TOKEN_TTL_SEC}`),
  'application-sid': z.custom<ApplicationSid>(
    (v) => isSid('application', v),
    'must be AP followed by 32 lowercase hex digits',
  ),
  'recording-storage': recordingStorageSchema,
  'key-text': z.string().regex(/^\S{1,256}$/, 'must be 1–256 characters without spaces'),
};

/**
 * Parses `raw` as a value of kind `type`: the value, or the reason it was refused.
 *
 * @internal
 */
export function parseValue<T extends ValueType>(
  type: T,
  raw: string,
): { readonly ok: true; readonly value: ValueOf<T> } | { readonly ok: false; readonly problem: string } {
  const result = VALUE_SCHEMAS[type].safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: result.error.issues[0]?.message ?? 'is not valid' };
}
