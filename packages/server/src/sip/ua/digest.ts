/**
 * HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 7616, RFC 8760): as a client,
 * answering a carrier's 401/407 with MD5 or SHA-256 (and their `-sess` forms), `qop=auth` when
 * offered; as a server, challenging with a stateless nonce (a timestamp signed with HMAC-SHA-256,
 * so no nonce table is kept) and verifying the answer in constant time.
 *
 * Regression tests for sip-spike.md §1 bug 5: SHA-256 works, `-sess` works on both sides, and a
 * parsed `username` has no quotes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { quote, unquote } from '../message/index.ts';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const ALGORITHMS: readonly DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

/** The parameters of a `Digest` challenge or credentials header, unquoted, names lower-cased. */
export type DigestParams = ReadonlyMap<string, string>;

/** Reads `Digest k=v, k="v", …`; null for another scheme or an unreadable value. */
export function parseDigest(header: string): DigestParams | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (m === null) return null;
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*(?:,|$)/gy;
  const text = m[1] ?? '';
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < text.length && (match = re.exec(text)) !== null) {
    out.set((match[1] ?? '').toLowerCase(), unquote(match[2] ?? ''));
    at = re.lastIndex;
  }
  if (at < text.trim().length) return null;
  return out;
}

function algorithmOf(params: DigestParams): DigestAlgorithm | null {
  const raw = params.get('algorithm') ?? 'MD5';
  return ALGORITHMS.find((a) => a.toLowerCase() === raw.toLowerCase()) ?? null;
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');
}

interface ResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly cnonce?: string;
  readonly nc?: string;
  readonly qop?: string;
}

/** The `response` value (RFC 7616 §3.4.1). */
export function digestResponse(i: ResponseInput): string {
  let ha1 = hash(i.algorithm, `${i.username}:${i.realm}:${i.password}`);
  if (i.algorithm.endsWith('-sess')) ha1 = hash(i.algorithm, `${ha1}:${i.nonce}:${i.cnonce ?? ''}`);
  const ha2 = hash(i.algorithm, `${i.method}:${i.uri}`);
  return i.qop === undefined
    ? hash(i.algorithm, `${ha1}:${i.nonce}:${ha2}`)
    : hash(i.algorithm, `${ha1}:${i.nonce}:${i.nc ?? ''}:${i.cnonce ?? ''}:${i.qop}:${ha2}`);
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The `Authorization` / `Proxy-Authorization` value answering `challenge` for a request. Null when
 * the challenge is unreadable or asks for an algorithm or qop Denwa does not do (then the request fails).
 */
export function answerDigestChallenge(
  challenge: string,
  request: { readonly method: string; readonly uri: string },
  credentials: DigestCredentials,
  nc = 1,
  cnonce = randomBytes(12).toString('hex'),
): string | null {
  const params = parseDigest(challenge);
  const algorithm = params === null ? null : algorithmOf(params);
  const realm = params?.get('realm');
  const nonce = params?.get('nonce');
  if (params === null || algorithm === null || realm === undefined || nonce === undefined) return null;
  const offered = params.get('qop')?.split(',').map((q) => q.trim().toLowerCase());
  if (offered !== undefined && !offered.includes('auth')) return null;
  const qop = offered === undefined ? undefined : 'auth';
  const ncText = nc.toString(16).padStart(8, '0');
  const response = digestResponse({ algorithm, username: credentials.username, realm, password: credentials.password, method: request.method, uri: request.uri, nonce, cnonce, nc: ncText, ...(qop === undefined ? {} : { qop }) });
  const parts = [
    `username=${quote(credentials.username)}`, `realm=${quote(realm)}`, `nonce=${quote(nonce)}`, `uri=${quote(request.uri)}`,
    `response=${quote(response)}`, `algorithm=${algorithm}`,
  ];
  if (qop !== undefined || algorithm.endsWith('-sess')) parts.push(`cnonce=${quote(cnonce)}`);
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${ncText}`);
  const opaque = params.get('opaque');
  if (opaque !== undefined) parts.push(`opaque=${quote(opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

export interface DigestServerOptions {
  readonly realm: string;
  /** Signs nonces; keep it secret and stable across restarts only if old nonces should stay valid. */
  readonly secret: Uint8Array;
  readonly algorithm?: DigestAlgorithm;
  /** How long a nonce is accepted, ms (default 5 minutes); older ones are `stale`. */
  readonly nonceTtlMs?: number;
}

export type DigestVerdict = { readonly ok: true; readonly username: string } | { readonly ok: false; readonly stale: boolean };

/** A server's challenges and verification, with stateless signed nonces. */
export class DigestServer {
  readonly #o: DigestServerOptions;

  constructor(options: DigestServerOptions) {
    this.#o = options;
  }

  /** The `WWW-Authenticate` / `Proxy-Authenticate` value; `stale=true` after an expired nonce. */
  challenge(now: number, stale = false): string {
    const algorithm = this.#o.algorithm ?? 'SHA-256';
    return `Digest realm=${quote(this.#o.realm)}, nonce=${quote(this.#nonce(now))}, algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /** Checks credentials for `method`; `password(username)` returns null for an unknown user. */
  verify(header: string, method: string, now: number, password: (username: string) => string | null): DigestVerdict {
    const p = parseDigest(header);
    const algorithm = p === null ? null : algorithmOf(p);
    const username = p?.get('username');
    const nonce = p?.get('nonce');
    const uri = p?.get('uri');
    const given = p?.get('response');
    if (p === null || algorithm === null || username === undefined || nonce === undefined || uri === undefined || given === undefined) return { ok: false, stale: false };
    if (p.get('realm') !== this.#o.realm) return { ok: false, stale: false };
    const age = this.#nonceAge(nonce, now);
    if (age === null) return { ok: false, stale: false };
    const secret = password(username);
    if (secret === null) return { ok: false, stale: false };
    const qop = p.get('qop');
    const expected = digestResponse({
      algorithm, username, realm: this.#o.realm, password: secret, method, uri, nonce,
      ...(p.get('cnonce') === undefined ? {} : { cnonce: p.get('cnonce') ?? '' }),
      ...(p.get('nc') === undefined ? {} : { nc: p.get('nc') ?? '' }),
      ...(qop === undefined ? {} : { qop }),
    });
    const a = Buffer.from(expected);
    const b = Buffer.from(given.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, stale: false };
    if (age > (this.#o.nonceTtlMs ?? 300_000)) return { ok: false, stale: true };
    return { ok: true, username };
  }

  #nonce(now: number): string {
    const stamp = Math.floor(now).toString(16);
    return `${stamp}.${this.#sign(stamp)}`;
  }

  /** The nonce's age in ms, or null when it was not made here. */
  #nonceAge(nonce: string, now: number): number | null {
    const [stamp = '', mac = ''] = nonce.split('.');
    const expected = Buffer.from(this.#sign(stamp));
    const given = Buffer.from(mac);
    if (!/^[0-9a-f]{1,13}$/.test(stamp) || expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return now - parseInt(stamp, 16);
  }

  #sign(stamp: string): string {
    return createHmac('sha256', this.#o.secret).update(stamp).digest('base64url').slice(0, 22);
  }
}
