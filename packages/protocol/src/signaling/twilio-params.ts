/**
 * Custom call parameters as the signaling protocol carries them: one urlencoded string
 * (`k=v&k2=v2`, each part `encodeURIComponent`-encoded). Outgoing calls put it in
 * `invite.twilio.params` (§4.2); incoming calls get it as `invite.parameters.Params` (§4.4, §10.2).
 */
import type { AccountSid, CallSid } from '../ids.ts';
import { VoiceError } from '../errors/index.ts';
import type { IncomingCallParameters } from './server-messages.ts';

/**
 * Bounds for {@link parseTwilioParams}. Twilio documents none for browser parameters; these are
 * Denwa's, generous next to real use (a handful of short values) and small enough that a webhook
 * request stays reasonable. Lengths are UTF-16 code units.
 * @public
 */
export interface TwilioParamsLimits {
  /** Longest encoded string, checked before splitting. */
  readonly maxEncodedLength: number;
  /** Most `k=v` pairs. */
  readonly maxCount: number;
  /** Longest decoded name. */
  readonly maxNameLength: number;
  /** Longest decoded value. */
  readonly maxValueLength: number;
}

/** 32 Ki encoded, 100 pairs, names up to 256 and values up to 4,096 characters. @public */
export const DEFAULT_TWILIO_PARAMS_LIMITS: TwilioParamsLimits = {
  maxEncodedLength: 32_768,
  maxCount: 100,
  maxNameLength: 256,
  maxValueLength: 4_096,
};

/** Custom parameters, in any of the forms the helpers accept. @public */
export type TwilioParamsInput = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

function tooLong(detail: string, details: Readonly<Record<string, unknown>>): VoiceError {
  return new VoiceError(31103, detail, { details });
}

/** Form decoding: `+` is a space, then percent-decoding as UTF-8. `undefined` when malformed. */
function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Parses a urlencoded parameter string into a record, the way the SDKs read it: pairs split on
 * `&`, name and value on the first `=`, `+` read as a space, percent-escapes decoded as UTF-8.
 * Empty segments and empty names are skipped, a segment without `=` has the value `""`, and a
 * repeated name keeps its last value. `""` and `undefined` give `{}`.
 *
 * Example: `To=%2B15551234567&foo=bar%20baz` → `{To: "+15551234567", foo: "bar baz"}`.
 * @throws VoiceError 31103 when a limit is exceeded (the detail names which, never the value);
 *   31100 when a percent-escape is malformed.
 * @public
 */
export function parseTwilioParams(
  encoded: string | undefined,
  limits: TwilioParamsLimits = DEFAULT_TWILIO_PARAMS_LIMITS,
): Record<string, string> {
  if (encoded === undefined || encoded === '') return {};
  if (encoded.length > limits.maxEncodedLength) {
    throw tooLong(`parameters longer than ${limits.maxEncodedLength} characters`, { limit: 'maxEncodedLength' });
  }
  const segments = encoded.split('&').filter((segment) => segment !== '');
  if (segments.length > limits.maxCount) {
    throw tooLong(`more than ${limits.maxCount} parameters`, { limit: 'maxCount' });
  }
  const entries: [string, string][] = [];
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    const name = decodeComponent(eq === -1 ? segment : segment.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : segment.slice(eq + 1));
    if (name === undefined || value === undefined) {
      throw new VoiceError(31100, 'parameters are not valid percent-encoding', { details: { path: 'twilio.params' } });
    }
    if (name === '') continue;
    if (name.length > limits.maxNameLength) {
      throw tooLong(`parameter name longer than ${limits.maxNameLength} characters`, { limit: 'maxNameLength' });
    }
    if (value.length > limits.maxValueLength) {
      throw tooLong(`parameter ${name.slice(0, 64)} longer than ${limits.maxValueLength} characters`, {
        limit: 'maxValueLength',
        name,
      });
    }
    entries.push([name, value]);
  }
  // Object.fromEntries defines own properties, so a name like `__proto__` stays an ordinary key.
  return Object.fromEntries(entries);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `encodeURIComponent` that cannot throw: lone surrogates become U+FFFD first. */
function encodeComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

function entriesOf(params: TwilioParamsInput): Iterable<readonly [string, string]> {
  return Symbol.iterator in params ? params : Object.entries(params);
}

/**
 * Encodes parameters the way the SDKs do: `encodeURIComponent(name)=encodeURIComponent(value)`
 * joined with `&`, in the given order (so a space is `%20`, `+` is `%2B`). `{}` gives `""`.
 * @public
 */
export function encodeTwilioParams(params: TwilioParamsInput): string {
  const parts: string[] = [];
  for (const [name, value] of entriesOf(params)) parts.push(`${encodeComponent(name)}=${encodeComponent(value)}`);
  return parts.join('&');
}

/** The Twilio REST API version reported in `ApiVersion`. @public */
export const TWILIO_API_VERSION = '2010-04-01';

/** What {@link buildIncomingCallParameters} needs. @public */
export interface IncomingCallParametersInput {
  readonly callSid: CallSid;
  readonly accountSid: AccountSid;
  /** The caller, e.g. `+15551234567` or `client:bob`. */
  readonly from: string;
  /** The callee, `client:<identity>`. */
  readonly to: string;
  /** Defaults to {@link TWILIO_API_VERSION}. */
  readonly apiVersion?: string;
  /** The `<Parameter name value>` children of `<Client>`, in document order. */
  readonly customParameters?: TwilioParamsInput;
  /** STIR/SHAKEN verdict, e.g. `TN-Validation-Passed-A`. */
  readonly stirStatus?: string;
}

/**
 * Builds `invite.parameters` for an incoming call (§10.2): `CallSid`, `AccountSid`, `From`, `To`,
 * `ApiVersion`, plus `Params` (urlencoded custom parameters; left out when there are none) and
 * `StirStatus` when known.
 * @public
 */
export function buildIncomingCallParameters(input: IncomingCallParametersInput): IncomingCallParameters {
  const params = input.customParameters === undefined ? '' : encodeTwilioParams(input.customParameters);
  return {
    CallSid: input.callSid,
    AccountSid: input.accountSid,
    From: input.from,
    To: input.to,
    ApiVersion: input.apiVersion ?? TWILIO_API_VERSION,
    ...(params === '' ? {} : { Params: params }),
    ...(input.stirStatus === undefined ? {} : { StirStatus: input.stirStatus }),
  };
}
