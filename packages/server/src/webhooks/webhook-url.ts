/** URL handling for webhook requests: validation, GET parameters, credentials and redaction. */
import { VoiceError } from '@denwa/protocol';

/**
 * Parses an absolute http(s) URL, or a redirect `Location` relative to `base`.
 * Anything else (relative without a base, another scheme, no host) is 11100.
 */
export function parseWebhookUrl(raw: string, base?: URL): URL | VoiceError {
  const url = URL.parse(raw, base?.href);
  if (url === null) return new VoiceError(11100, base === undefined ? 'not an absolute URL' : 'unusable redirect Location');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new VoiceError(11100, `scheme ${url.protocol} is not http or https`);
  }
  if (url.hostname === '') return new VoiceError(11100, 'the URL has no host');
  return url;
}

/** Form encoding (`application/x-www-form-urlencoded`) of the parameters, in their order. */
export function formEncode(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(params)).toString();
}

/** A copy of `url` with the parameters appended to its query; the existing query is kept as is. */
export function withQueryParams(url: URL, params: Readonly<Record<string, string>>): URL {
  const added = formEncode(params);
  const out = new URL(url);
  if (added === '') return out;
  const existing = out.search.slice(1);
  out.search = existing === '' ? added : `${existing}&${added}`;
  return out;
}

/** What goes on the wire: the URL without credentials or fragment, and Basic credentials if it had some. */
export interface WireTarget {
  /** The URL requested, and signed: scheme, host, port, path and query. */
  readonly href: string;
  /** `Basic …` for `https://user:pass@host/…` URLs, else null. */
  readonly authorization: string | null;
}

/** Splits credentials off a URL: `fetch` refuses URLs with credentials, so they become a header. */
export function wireTarget(url: URL): WireTarget {
  const clean = withoutCredentials(url);
  if (url.username === '' && url.password === '') return { href: clean, authorization: null };
  const userPass = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { href: clean, authorization: `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}` };
}

/** The URL without credentials and fragment (for requests, notifications and `ErrorUrl`). */
export function withoutCredentials(url: URL): string {
  const out = new URL(url);
  out.username = '';
  out.password = '';
  out.hash = '';
  return out.href;
}

/** The URL as logged: origin and path only; never credentials or the query (it may carry parameters). */
export function logUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
