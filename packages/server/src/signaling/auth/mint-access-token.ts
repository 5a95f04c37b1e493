import { VoiceError, isSid, type AccountSid, type ApiKeySid, type ApplicationSid } from '@denwa/protocol';
import { SignJWT } from 'jose';
import { assertClientIdentity } from './client-identity.ts';
import {
  ACCESS_TOKEN_CONTENT_TYPE,
  DEFAULT_ACCESS_TOKEN_TTL_SEC,
  DEFAULT_MAX_LIFETIME_SEC,
  type HmacAlgorithm,
} from './defaults.ts';

/** Options of {@link mintAccessToken}. */
export interface MintAccessTokenOptions {
  readonly accountSid: AccountSid;
  /** The signing key; becomes `iss`. */
  readonly apiKeySid: ApiKeySid;
  readonly apiKeySecret: string;
  /** `grants.identity`: 1–121 letters, digits and underscores. */
  readonly identity: string;
  /** Lifetime in whole seconds, 1 to 86400; 3600 unless set. */
  readonly ttlSec?: number;
  /** Issue time (`iat`) in whole seconds since the Unix epoch. */
  readonly nowSec: number;
  /** Grant `voice.incoming.allow`; true unless set. */
  readonly incomingAllow?: boolean;
  /** Grant `voice.outgoing` through this application. */
  readonly outgoingApplicationSid?: ApplicationSid;
  /** `voice.outgoing.params`; only with `outgoingApplicationSid`. */
  readonly outgoingParams?: Readonly<Record<string, string>>;
  /** HS256 unless set. */
  readonly algorithm?: HmacAlgorithm;
}

interface VoiceGrantClaim {
  incoming?: { allow: true };
  outgoing?: { application_sid: ApplicationSid; params?: Record<string, string> };
}

function checkOptions(opts: MintAccessTokenOptions, ttlSec: number): void {
  if (!isSid('account', opts.accountSid)) throw new TypeError('accountSid is not an account Sid');
  if (!isSid('apiKey', opts.apiKeySid)) throw new TypeError('apiKeySid is not an API key Sid');
  if (opts.apiKeySecret === '') throw new TypeError('apiKeySecret is empty');
  if (!Number.isSafeInteger(opts.nowSec) || opts.nowSec < 0) throw new TypeError('nowSec must be whole seconds');
  if (!Number.isSafeInteger(ttlSec) || ttlSec <= 0) throw new TypeError('ttlSec must be a positive whole number');
  const app = opts.outgoingApplicationSid;
  if (app !== undefined && !isSid('application', app)) throw new TypeError('outgoingApplicationSid is not an application Sid');
  if (app === undefined && opts.outgoingParams !== undefined) {
    throw new TypeError('outgoingParams needs outgoingApplicationSid');
  }
}

function voiceGrant(opts: MintAccessTokenOptions): VoiceGrantClaim {
  const voice: VoiceGrantClaim = {};
  if (opts.incomingAllow ?? true) voice.incoming = { allow: true };
  if (opts.outgoingApplicationSid !== undefined) {
    voice.outgoing = { application_sid: opts.outgoingApplicationSid };
    if (opts.outgoingParams !== undefined) voice.outgoing.params = { ...opts.outgoingParams };
  }
  return voice;
}

/**
 * Mints a Twilio Access Token with a voice grant, shaped as twilio-node's `AccessToken` makes it:
 * header `{alg, typ: "JWT", cty: "twilio-fpa;v=1"}`, claims `jti` (`<key Sid>-<iat>`), `grants`
 * (`identity`, `voice.incoming.allow`, `voice.outgoing.application_sid` and `params`), `iat`, `exp`,
 * `iss` (the key) and `sub` (the account). The token passes {@link verifyToken} while the key exists.
 *
 * Refuses, as `VoiceError`, an identity breaking the client name rules (31105), a lifetime above
 * 24 hours (31207) and a token granting neither incoming nor outgoing calls (31204). Malformed Sids,
 * an empty secret or non-integer times are programmer errors (`TypeError`).
 */
export async function mintAccessToken(opts: MintAccessTokenOptions): Promise<string> {
  const ttlSec = opts.ttlSec ?? DEFAULT_ACCESS_TOKEN_TTL_SEC;
  assertClientIdentity(opts.identity);
  if (ttlSec > DEFAULT_MAX_LIFETIME_SEC) {
    throw new VoiceError(31207, `ttl may be at most ${DEFAULT_MAX_LIFETIME_SEC} seconds`);
  }
  checkOptions(opts, ttlSec);
  const voice = voiceGrant(opts);
  if (voice.incoming === undefined && voice.outgoing === undefined) {
    throw new VoiceError(31204, 'the token would grant neither incoming nor outgoing calls');
  }

  const iat = opts.nowSec;
  return new SignJWT({
    jti: `${opts.apiKeySid}-${iat}`,
    grants: { identity: opts.identity, voice },
    iat,
    exp: iat + ttlSec,
    iss: opts.apiKeySid,
    sub: opts.accountSid,
  })
    .setProtectedHeader({ alg: opts.algorithm ?? 'HS256', typ: 'JWT', cty: ACCESS_TOKEN_CONTENT_TYPE })
    .sign(new TextEncoder().encode(opts.apiKeySecret));
}
