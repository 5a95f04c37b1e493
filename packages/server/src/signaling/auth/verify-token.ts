import { VoiceError, type AccountSid, type ApiKeySid } from '@denwa/protocol';
import { assertClientIdentity } from './client-identity.ts';
import { decodeCompactJws } from './decode-compact-jws.ts';
import { DEFAULT_MAX_LIFETIME_SEC } from './defaults.ts';
import { hmacSignatureMatches } from './hmac-signature.ts';
import { readClaims, type OutgoingGrant, type TokenClaims, type TokenFormat } from './read-claims.ts';

/** The account fields verification needs; a store `AccountRecord` fits. */
export interface TokenAccount {
  readonly sid: AccountSid;
  /** Signs Capability Tokens. */
  readonly authToken: string;
  /** Only `'active'` accounts may use tokens. */
  readonly status: string;
}

/** The API key fields verification needs; a store `ApiKeyRecord` fits. */
export interface TokenApiKey {
  readonly sid: ApiKeySid;
  /** Signs Access Tokens. */
  readonly secret: string;
}

/** What {@link verifyToken} needs from the server. Lookup failures (rejections) propagate unchanged. */
export interface TokenVerifierDeps {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  findAccount(sid: AccountSid): Promise<TokenAccount | null>;
  /** The key, or `null` when it does not exist or belongs to another account. */
  findApiKey(accountSid: AccountSid, keySid: ApiKeySid): Promise<TokenApiKey | null>;
  /** The longest lifetime accepted, `exp − iat`; 86400 (24 h) unless set. */
  maxLifetimeSec?: number;
  /** Slack for `exp` and `nbf` against clock skew; 0 unless set. */
  clockToleranceSec?: number;
}

/**
 * A token that passed every check. Invariants: `incoming || outgoing !== null`, and `incoming`
 * implies `identity !== null`; a non-null `identity` satisfies the client name rules.
 */
export interface VerifiedToken {
  readonly format: TokenFormat;
  readonly accountSid: AccountSid;
  /** The key that signed an Access Token; `null` for a Capability Token (signed with the auth token). */
  readonly apiKeySid: ApiKeySid | null;
  /**
   * Access Token: `grants.identity`. Capability Token: the incoming `clientName`, else the outgoing
   * one. `null` when the token names no client.
   */
  readonly identity: string | null;
  /** May register to receive calls as `identity`. */
  readonly incoming: boolean;
  /** May place calls through this application, or `null`. */
  readonly outgoing: OutgoingGrant | null;
  /** `iat` in seconds; the verification time when the token has none. */
  readonly issuedAt: number;
  /** `exp` in seconds. */
  readonly expiresAt: number;
}

/** Whole seconds the token stays valid after `nowMs`, never negative (the `ttl` of `connected`). */
export function ttlRemainingSec(token: VerifiedToken, nowMs: number): number {
  return Math.max(0, Math.floor(token.expiresAt - nowMs / 1000));
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0) throw new TypeError(`${name} must be a non-negative number`);
  return result;
}

/** Finds the secret the token must be signed with: 31203 for the account, 31202 for the API key. */
async function signingSecret(claims: TokenClaims, deps: TokenVerifierDeps): Promise<string> {
  const account = await deps.findAccount(claims.accountSid);
  if (account?.sid !== claims.accountSid || account.status !== 'active') {
    throw new VoiceError(31203, 'the token names no active account on this server');
  }
  if (claims.apiKeySid === null) return account.authToken;
  const key = await deps.findApiKey(claims.accountSid, claims.apiKeySid);
  if (key?.sid !== claims.apiKeySid) throw new VoiceError(31202, 'the token names no API key of this account');
  return key.secret;
}

function checkTimes(claims: TokenClaims, nowSec: number, maxLifetimeSec: number, toleranceSec: number): void {
  if (claims.expiresAt + toleranceSec <= nowSec) throw new VoiceError(31205, 'the token has expired');
  if (claims.notBefore !== null && claims.notBefore > nowSec + toleranceSec) {
    throw new VoiceError(31204, 'the token is not valid yet (nbf)');
  }
  // A future iat must not stretch the window, so the lifetime counts from now at the latest.
  const from = Math.min(claims.issuedAt ?? nowSec, nowSec);
  if (claims.expiresAt - from > maxLifetimeSec) {
    throw new VoiceError(31207, `the token is valid for more than ${maxLifetimeSec} seconds`);
  }
}

function checkGrants(claims: TokenClaims): void {
  if (!claims.incoming && claims.outgoing === null) {
    throw new VoiceError(31204, 'the token grants neither incoming nor outgoing calls');
  }
  for (const name of claims.clientNames) assertClientIdentity(name);
  if (claims.incoming && claims.identity === null) {
    throw new VoiceError(31105, 'an incoming grant needs an identity');
  }
}

/**
 * Verifies a Twilio Access Token or legacy Capability Token (twilio-signaling.md §9) and returns
 * what it grants. Every refusal is a `VoiceError`; its message never quotes the token or a secret.
 *
 * Checks run in this order; the first failure is thrown:
 * 1. presence: not a string, or empty → 31102;
 * 2. syntax, no I/O: longer than 16 KiB, not three canonical base64url parts, header or payload not a
 *    JSON object, `alg` not HS256/384/512, `crit`, a bad `typ` or `cty`, a Capability Token not HS256,
 *    a claim of the wrong type, a missing `exp`, a malformed Sid or scope → 31204;
 * 3. key material: the account (`sub`, or `iss` of a Capability Token) unknown or not active → 31203;
 *    the API key (`iss`) unknown to that account → 31202;
 * 4. signature, constant-time, with the key secret or the auth token → 31202;
 * 5. times, now trusted: `exp ≤ now` → 31205, `nbf > now` → 31204, `exp − min(iat, now)` above the
 *    maximum lifetime → 31207 (exactly the maximum is accepted);
 * 6. grants: neither incoming nor outgoing → 31204; an identity or client name breaking the rules,
 *    or an incoming grant without identity → 31105.
 */
export async function verifyToken(token: unknown, deps: TokenVerifierDeps): Promise<VerifiedToken> {
  const maxLifetimeSec = nonNegative(deps.maxLifetimeSec, DEFAULT_MAX_LIFETIME_SEC, 'maxLifetimeSec');
  const toleranceSec = nonNegative(deps.clockToleranceSec, 0, 'clockToleranceSec');

  if (typeof token !== 'string' || token === '') throw new VoiceError(31102, 'no token was given');
  const jws = decodeCompactJws(token);
  const claims = readClaims(jws);

  const secret = await signingSecret(claims, deps);
  if (!hmacSignatureMatches(jws.algorithm, secret, jws.signingInput, jws.signature)) {
    throw new VoiceError(31202, 'the token signature does not match');
  }

  const nowSec = deps.now() / 1000;
  checkTimes(claims, nowSec, maxLifetimeSec, toleranceSec);
  checkGrants(claims);

  return Object.freeze({
    format: claims.format,
    accountSid: claims.accountSid,
    apiKeySid: claims.apiKeySid,
    identity: claims.identity,
    incoming: claims.incoming,
    outgoing: claims.outgoing === null ? null : Object.freeze({ ...claims.outgoing }),
    issuedAt: claims.issuedAt ?? Math.floor(nowSec),
    expiresAt: claims.expiresAt,
  });
}
