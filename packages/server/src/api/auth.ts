/**
 * HTTP Basic authentication, as Twilio's REST API does it: the username is the account SID with the
 * auth token as password, or an API key SID (`SK…`) with the key secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { VoiceError, isSid, type AccountSid, type ApiKeySid } from '@denwa/protocol';
import type { Store } from '../store/ports.ts';

/** Who made a request. */
export interface Principal {
  readonly accountSid: AccountSid;
  /** Set when the request authenticated with an API key rather than the auth token. */
  readonly apiKeySid: ApiKeySid | null;
}

export const WWW_AUTHENTICATE = 'Basic realm="Denwa API"';

/** Parses `Authorization: Basic base64(user:pass)`; null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | null {
  if (header === undefined) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,4096})\s*$/i.exec(header);
  if (m?.[1] === undefined) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Resolves the caller or throws 20003. API keys are looked up in `keyAccountSid` (the account in
 * the URL, or the server's account for URLs that carry none).
 */
export async function authenticate(
  header: string | undefined,
  store: Store,
  keyAccountSid: AccountSid,
): Promise<Principal> {
  const creds = parseBasicAuth(header);
  if (creds === null) throw new VoiceError(20003, 'HTTP Basic credentials are required');
  if (isSid('account', creds.user)) {
    const account = await store.accounts.get(creds.user);
    if (account?.status === 'active' && secretsEqual(account.authToken, creds.pass)) {
      return { accountSid: account.sid, apiKeySid: null };
    }
  } else if (isSid('apiKey', creds.user)) {
    const key = await store.apiKeys.get(keyAccountSid, creds.user);
    if (key !== null && secretsEqual(key.secret, creds.pass)) {
      const account = await store.accounts.get(key.accountSid);
      if (account?.status === 'active') return { accountSid: key.accountSid, apiKeySid: key.sid };
    }
  }
  throw new VoiceError(20003, 'invalid credentials');
}

/** Refuses a principal that is not the account named in the URL (20003, as for bad credentials). */
export function requireAccount(principal: Principal, urlAccountSid: string): AccountSid {
  if (principal.accountSid !== urlAccountSid) {
    throw new VoiceError(20003, 'the credentials do not belong to this account');
  }
  return principal.accountSid;
}

/** API keys may not manage keys or read the account; only the auth token may (as on Twilio). */
export function requireMainCredentials(principal: Principal): void {
  if (principal.apiKeySid !== null) {
    throw new VoiceError(20403, 'this resource needs the account SID and auth token, not an API key');
  }
}
