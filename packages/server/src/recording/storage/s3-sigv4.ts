/**
 * AWS Signature Version 4 for S3 requests signed in the `Authorization` header ("Signature
 * Calculations for the Authorization Header: Transferring Payload in a Single Chunk" in the S3 API
 * reference). Written here, over `node:crypto`, so the recording storage needs no SDK.
 *
 * The signer also produces the path and query that go on the wire, from the same encoding it
 * signs, so what is sent is exactly what was signed. S3's rules differ from other services in two
 * ways that matter: the path is URI-encoded once and never normalized, and `/` stays literal in it.
 */
import { createHash, createHmac } from 'node:crypto';

/** `x-amz-content-sha256` of a body that is streamed and not hashed in advance. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** The SHA-256 of the empty body, the payload hash of GET, HEAD and DELETE. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** An access key. The secret is used for HMAC only: it appears in no output of this module. */
export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Where and when a signature is valid. */
export interface SigV4Scope {
  /** e.g. `us-east-1`; S3-compatible servers usually accept any value, often `us-east-1`. */
  readonly region: string;
  /** `s3`. */
  readonly service: string;
  readonly date: Date;
}

/** One request to sign. */
export interface SigV4Request {
  readonly method: string;
  /** The `Host` header as `fetch` sends it: `URL.host` (port only when not the scheme's default). */
  readonly host: string;
  /** The path, not encoded: `/bucket/AC…/RE….wav`. */
  readonly path: string;
  /** Query parameters, not encoded; `['uploads', '']` is the bare `?uploads`. */
  readonly query?: readonly (readonly [string, string])[];
  /** Headers to send and sign besides host, x-amz-date and x-amz-content-sha256 (e.g. `range`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Lowercase hex SHA-256 of the body, or {@link UNSIGNED_PAYLOAD}. */
  readonly payloadHash: string;
}

/** The result of {@link signRequest}. */
export interface SignedRequest {
  /** Encoded path and query, to append to the origin. */
  readonly pathAndQuery: string;
  /** Headers to send: the request's, `x-amz-date`, `x-amz-content-sha256` and `authorization` (not `host`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** Lowercase hex. */
  readonly signature: string;
}

/** Lowercase hex SHA-256. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * S3's `UriEncode`: every UTF-8 byte except the unreserved `A-Z a-z 0-9 - . _ ~` as `%XX`
 * (uppercase hex), and `/` too unless `encodeSlash` is false (object paths).
 */
export function uriEncode(value: string, encodeSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e || // - . _ ~
      (byte === 0x2f && !encodeSlash);
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `20130524T000000Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The canonical query string: names and values encoded, sorted by name then value, `name=value`. */
export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return query
    .map(([name, value]) => [uriEncode(name, true), uriEncode(value, true)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The signing key: HMAC chain over date, region, service and `aws4_request`. */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, day);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Header value as signed: trimmed, runs of spaces and tabs collapsed to one space. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/[ \t]+/g, ' ');
}

/**
 * Signs `request`. Signed headers are host, every header of the request, `x-amz-date` and
 * `x-amz-content-sha256`; the payload hash goes into the canonical request as given.
 */
export function signRequest(request: SigV4Request, credentials: SigV4Credentials, scope: SigV4Scope): SignedRequest {
  const timestamp = amzDate(scope.date);
  const day = timestamp.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name.toLowerCase(), value);
  headers.set('x-amz-date', timestamp);
  headers.set('x-amz-content-sha256', request.payloadHash);
  const signed = new Map(headers).set('host', request.host);
  const names = [...signed.keys()].sort();

  const encodedPath = uriEncode(request.path, false);
  const query = canonicalQuery(request.query ?? []);
  const canonicalRequest = [
    request.method,
    encodedPath,
    query,
    ...names.map((name) => `${name}:${canonicalHeaderValue(signed.get(name) ?? '')}`),
    '',
    names.join(';'),
    request.payloadHash,
  ].join('\n');

  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, timestamp, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(credentials.secretAccessKey, day, scope.region, scope.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');

  const authorization =
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope},` +
    `SignedHeaders=${names.join(';')},Signature=${signature}`;
  return {
    pathAndQuery: query === '' ? encodedPath : `${encodedPath}?${query}`,
    headers: { ...Object.fromEntries(headers), authorization },
    canonicalRequest,
    stringToSign,
    signature,
  };
}
