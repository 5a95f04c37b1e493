/**
 * Shared fixtures for the token tests (not a test file itself): Sids, secrets, an in-memory account
 * and key lookup with a fake clock, and token builders using twilio-node, the reference minting code.
 */
import { createHmac } from 'node:crypto';
import { VoiceError, type AccountSid, type ApiKeySid, type ApplicationSid } from '@denwa/protocol';
import twilio from 'twilio';
import { expect } from 'vitest';
import type { TokenAccount, TokenApiKey, TokenVerifierDeps } from './verify-token.ts';

const { AccessToken, ClientCapability } = twilio.jwt;
const { VoiceGrant } = AccessToken;
export { AccessToken, ClientCapability, VoiceGrant };

export const ACCOUNT = 'AC0123456789abcdef0123456789abcdef' as AccountSid;
export const OTHER_ACCOUNT = 'ACfedcba9876543210fedcba9876543210' as AccountSid;
export const SUSPENDED_ACCOUNT = 'AC5555555555555555555555555555aaaa' as AccountSid;
export const UNKNOWN_ACCOUNT = 'AC00000000000000000000000000000000' as AccountSid;
export const KEY = 'SK0123456789abcdef0123456789abcdef' as ApiKeySid;
export const OTHER_KEY = 'SKfedcba9876543210fedcba9876543210' as ApiKeySid;
export const SUSPENDED_KEY = 'SK5555555555555555555555555555aaaa' as ApiKeySid;
export const UNKNOWN_KEY = 'SK00000000000000000000000000000000' as ApiKeySid;
export const APP = 'AP0123456789abcdef0123456789abcdef' as ApplicationSid;

export const KEY_SECRET = 'key-secret-of-the-main-account-0';
export const OTHER_KEY_SECRET = 'key-secret-of-the-other-account-';
export const AUTH_TOKEN = 'auth-token-of-the-main-account-0';
export const OTHER_AUTH_TOKEN = 'auth-token-of-the-other-account-';

/** The fake "now" every test starts at, in seconds; twilio-node reads it through a faked `Date`. */
export const T0 = 1_800_000_000;

const accounts: readonly TokenAccount[] = [
  { sid: ACCOUNT, authToken: AUTH_TOKEN, status: 'active' },
  { sid: OTHER_ACCOUNT, authToken: OTHER_AUTH_TOKEN, status: 'active' },
  { sid: SUSPENDED_ACCOUNT, authToken: AUTH_TOKEN, status: 'suspended' },
];
const keys: readonly (TokenApiKey & { readonly accountSid: AccountSid })[] = [
  { sid: KEY, accountSid: ACCOUNT, secret: KEY_SECRET },
  { sid: OTHER_KEY, accountSid: OTHER_ACCOUNT, secret: OTHER_KEY_SECRET },
  { sid: SUSPENDED_KEY, accountSid: SUSPENDED_ACCOUNT, secret: KEY_SECRET },
];

/** Verifier deps over the fixed accounts and keys; `clock.nowMs` is the fake time, lookups are counted. */
export function testDeps(extra: Partial<Pick<TokenVerifierDeps, 'maxLifetimeSec' | 'clockToleranceSec'>> = {}): {
  deps: TokenVerifierDeps;
  clock: { nowMs: number };
  lookups: { count: number };
} {
  const clock = { nowMs: T0 * 1000 };
  const lookups = { count: 0 };
  const deps: TokenVerifierDeps = {
    now: () => clock.nowMs,
    findAccount: (sid) => {
      lookups.count += 1;
      return Promise.resolve(accounts.find((a) => a.sid === sid) ?? null);
    },
    findApiKey: (accountSid, keySid) => {
      lookups.count += 1;
      const key = keys.find((k) => k.sid === keySid && k.accountSid === accountSid);
      return Promise.resolve(key === undefined ? null : { sid: key.sid, secret: key.secret });
    },
    ...extra,
  };
  return { deps, clock, lookups };
}

/** A twilio-node Access Token for the main account and key, with the given voice grant. */
export function twilioAccessToken(
  opts: {
    identity?: string;
    ttl?: number;
    nbf?: number;
    grant?: ConstructorParameters<typeof VoiceGrant>[0] | null;
    algorithm?: 'HS256' | 'HS384' | 'HS512';
    accountSid?: string;
    keySid?: string;
    secret?: string;
  } = {},
): string {
  const token = new AccessToken(opts.accountSid ?? ACCOUNT, opts.keySid ?? KEY, opts.secret ?? KEY_SECRET, {
    identity: opts.identity ?? 'alice',
    ...(opts.ttl === undefined ? {} : { ttl: opts.ttl }),
    ...(opts.nbf === undefined ? {} : { nbf: opts.nbf }),
  });
  if (opts.grant !== null) token.addGrant(new VoiceGrant(opts.grant ?? { incomingAllow: true }));
  return token.toJwt(opts.algorithm);
}

/** A twilio-node Capability Token: one incoming scope per name, then the optional outgoing and stream scopes. */
export function twilioCapabilityToken(
  incomingNames: readonly string[],
  opts: {
    outgoing?: ConstructorParameters<typeof ClientCapability.OutgoingClientScope>[0];
    stream?: boolean;
    ttl?: number;
    accountSid?: string;
    authToken?: string;
  } = {},
): string {
  const cap = new ClientCapability({
    accountSid: opts.accountSid ?? ACCOUNT,
    authToken: opts.authToken ?? AUTH_TOKEN,
    ...(opts.ttl === undefined ? {} : { ttl: opts.ttl }),
  });
  for (const name of incomingNames) cap.addScope(new ClientCapability.IncomingClientScope(name));
  if (opts.outgoing !== undefined) cap.addScope(new ClientCapability.OutgoingClientScope(opts.outgoing));
  if (opts.stream === true) cap.addScope(new ClientCapability.EventStreamScope({ foo: 'bar' }));
  return cap.toJwt();
}

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token with any header and claims, HMAC-signed with `secret` (the header's `alg` is not consulted). */
export function forgeToken(
  header: unknown,
  claims: unknown,
  secret: string,
  digest: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const input = `${segment(header)}.${segment(claims)}`;
  return `${input}.${createHmac(digest, secret).update(input).digest('base64url')}`;
}

/** The header of an Access Token, as twilio-node writes it. */
export const ACCESS_HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' } as const;

/** Access Token claims for the main account and key, valid at T0 for an hour. */
export function accessClaims(grants: unknown = { identity: 'alice', voice: { incoming: { allow: true } } }): Record<string, unknown> {
  return { jti: `${KEY}-${T0}`, grants, iat: T0, exp: T0 + 3600, iss: KEY, sub: ACCOUNT };
}

/** Awaits `promise`, expecting a `VoiceError` with `code`; returns it for further checks. */
export async function expectVoiceError(promise: Promise<unknown>, code: number): Promise<VoiceError> {
  const outcome = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(VoiceError);
  const err = outcome as VoiceError;
  expect({ code: err.code, message: err.message }).toMatchObject({ code });
  return err;
}
