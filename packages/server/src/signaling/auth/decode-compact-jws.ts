import { VoiceError } from '@denwa/protocol';
import { HMAC_ALGORITHMS, MAX_TOKEN_LENGTH, type HmacAlgorithm } from './defaults.ts';

/** A JSON object decoded from untrusted input; read it field by field, never cast it. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A compact JWS split and decoded, its signature not yet checked. */
export interface DecodedJws {
  /** The protected header. `alg` is known to be an HMAC algorithm; other fields are unchecked. */
  readonly header: JsonObject;
  readonly algorithm: HmacAlgorithm;
  /** The claims, unchecked. */
  readonly payload: JsonObject;
  /** `<header>.<payload>` exactly as received: the text the signature covers. */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(detail: string): VoiceError {
  return new VoiceError(31204, detail);
}

/** Decodes one base64url segment, accepting only the canonical unpadded encoding. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment)) throw invalid(`${what} is not base64url`);
  const bytes = Buffer.from(segment, 'base64url');
  // Buffer decoding is lenient (stray bits, impossible lengths); re-encoding catches both.
  if (bytes.toString('base64url') !== segment) throw invalid(`${what} is not canonical base64url`);
  return bytes;
}

function decodeJsonObject(segment: string, what: string): JsonObject {
  const bytes = decodeSegment(segment, what);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw invalid(`${what} is not UTF-8 JSON`);
  }
  if (!isJsonObject(value)) throw invalid(`${what} is not a JSON object`);
  return value;
}

/** True for a plain JSON object (not `null`, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHmacAlgorithm(value: unknown): value is HmacAlgorithm {
  return HMAC_ALGORITHMS.some((alg) => alg === value);
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) whose header names an HMAC algorithm. Throws
 * `VoiceError(31204)` for anything else: too long, not three canonical base64url segments, a header
 * or payload that is not a UTF-8 JSON object, `alg` other than HS256/HS384/HS512 (`none` included),
 * a `crit` header (no extension is understood) or a `typ` other than `JWT`.
 *
 * The size bound is checked first, before any decoding.
 */
export function decodeCompactJws(token: string): DecodedJws {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid(`token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('token does not have three dot-separated parts');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;

  const header = decodeJsonObject(headerPart, 'header');
  const algorithm = header['alg'];
  if (!isHmacAlgorithm(algorithm)) throw invalid('alg must be HS256, HS384 or HS512');
  if ('crit' in header) throw invalid('crit header extensions are not supported');
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw invalid('typ must be JWT');
  }

  const payload = decodeJsonObject(payloadPart, 'payload');
  const signature = decodeSegment(signaturePart, 'signature');
  return { header, algorithm, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
}
