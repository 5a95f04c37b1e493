/**
 * `X-Twilio-Signature`: HMAC-SHA1 of the requested URL followed by the POST parameters, keyed with the
 * account's auth token (research `twilio-signaling.md` §10.3).
 *
 * The signed string is the full URL (scheme, host, path, query) and, for a form POST, every parameter
 * name followed by its value, names sorted in byte order; a name sent several times contributes each
 * distinct value, values sorted in byte order. A GET signs the URL alone (its parameters are in it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as signed: one value, or every value of a repeated name. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/** Orders strings by their UTF-8 bytes ("Unix-style" sorting), not by UTF-16 code units. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The exact string that is HMAC'd: the URL, then `name + value` for each parameter. */
export function signedString(url: string, params: SignedParams | null): string {
  if (params === null) return url;
  let data = url;
  for (const name of Object.keys(params).sort(byteOrder)) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      data += name + value;
      continue;
    }
    // Repeated names: each distinct value once, in byte order, as Twilio's validators expect.
    for (const v of [...new Set(value)].sort(byteOrder)) data += name + v;
  }
  return data;
}

/**
 * The `X-Twilio-Signature` value for a request to `url`: base64 HMAC-SHA1 keyed with `authToken`.
 *
 * @param url - exactly the URL requested, including the query string.
 * @param params - the form-encoded POST parameters, or `null` for a GET (they are in the URL).
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams | null): string {
  return createHmac('sha1', authToken).update(signedString(url, params), 'utf8').digest('base64');
}

const URL_PREFIX = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * The spellings of `url` a signer may have used: as given, without an explicit default port
 * (`:443` for https, `:80` for http) and with it. Other ports are never added or removed. The URL
 * is not otherwise normalized; the caller passes what the request line and Host header said.
 */
export function signatureUrlVariants(url: string): readonly string[] {
  const match = URL_PREFIX.exec(url);
  if (match === null) return [url];
  const [prefix, scheme = '', authority = ''] = match;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  if (defaultPort === undefined) return [url];
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // In an IPv6 literal the port colon comes after the closing bracket.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const port = colon === -1 ? null : hostPort.slice(colon + 1);
  if (port !== null && port !== defaultPort) return [url];
  const head = `${url.slice(0, scheme.length)}://${userInfo}${host}`;
  const rest = url.slice(prefix.length);
  const without = head + rest;
  const withPort = `${head}:${defaultPort}${rest}`;
  return port === null ? [url, withPort] : [url, without];
}

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // The expected length is fixed by the algorithm (28 base64 characters), so it is no secret.
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `signature` is the `X-Twilio-Signature` of a request to `url` with `params`, signed with
 * `authToken`. Like Twilio's validators it accepts the URL with and without the explicit default
 * port. Every candidate is compared in constant time.
 *
 * @param url - the full URL the request reached, including the query string.
 * @param params - the form POST parameters, or `null` (or `{}`) for a GET.
 */
export function validateTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: SignedParams | null,
): boolean {
  if (signature === '') return false;
  let valid = false;
  for (const candidate of signatureUrlVariants(url)) {
    // No short-circuit: every candidate costs the same whatever the outcome.
    valid = sameBytes(signature, twilioSignature(authToken, candidate, params)) || valid;
  }
  return valid;
}
