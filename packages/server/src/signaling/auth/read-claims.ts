import { VoiceError, parseSid, type AccountSid, type ApiKeySid, type ApplicationSid } from '@denwa/protocol';
import { isJsonObject, type DecodedJws, type JsonObject } from './decode-compact-jws.ts';
import { ACCESS_TOKEN_CONTENT_TYPE } from './defaults.ts';
import { parseCapabilityScope } from './parse-capability-scope.ts';

/** The two Twilio token formats: Access Token (current) and Capability Token (legacy). */
export type TokenFormat = 'access' | 'capability';

/** Permission to place calls through one TwiML application. */
export interface OutgoingGrant {
  readonly applicationSid: ApplicationSid;
  /** Extra parameters for the application's voice webhook (`params` or `appParams`). */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The claims of a token, well-typed but not yet trusted: the signature, the times and the identity
 * rules are checked by `verifyToken` afterwards.
 */
export interface TokenClaims {
  readonly format: TokenFormat;
  readonly accountSid: AccountSid;
  /** The signing API key (Access Token `iss`); `null` for a Capability Token. */
  readonly apiKeySid: ApiKeySid | null;
  readonly issuedAt: number | null;
  readonly expiresAt: number;
  readonly notBefore: number | null;
  readonly identity: string | null;
  /** Every client name the token carries; each must satisfy the identity rules. */
  readonly clientNames: readonly string[];
  readonly incoming: boolean;
  readonly outgoing: OutgoingGrant | null;
}

type TimeClaims = Pick<TokenClaims, 'issuedAt' | 'expiresAt' | 'notBefore'>;

function invalid(detail: string): VoiceError {
  return new VoiceError(31204, detail);
}

function optionalNumber(claims: JsonObject, name: string): number | null {
  const value = claims[name];
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} claim is not a number`);
  return value;
}

function optionalObject(parent: JsonObject, name: string): JsonObject | null {
  const value = parent[name];
  if (value === undefined) return null;
  if (!isJsonObject(value)) throw invalid(`${name} is not an object`);
  return value;
}

function readTimes(claims: JsonObject): TimeClaims {
  const expiresAt = optionalNumber(claims, 'exp');
  if (expiresAt === null) throw invalid('exp claim is missing');
  if (claims['jti'] !== undefined && typeof claims['jti'] !== 'string') throw invalid('jti claim is not a string');
  return { issuedAt: optionalNumber(claims, 'iat'), expiresAt, notBefore: optionalNumber(claims, 'nbf') };
}

/** `outgoing.params`: string values kept, numbers and booleans stringified (twilio-node passes them through). */
function readParams(outgoing: JsonObject): Readonly<Record<string, string>> {
  const params = optionalObject(outgoing, 'params');
  if (params === null) return Object.freeze({});
  const entries = Object.entries(params).map(([key, value]): [string, string] => {
    if (typeof value === 'string') return [key, value];
    if (typeof value === 'number' || typeof value === 'boolean') return [key, String(value)];
    throw invalid('outgoing params must be strings, numbers or booleans');
  });
  return Object.freeze(Object.fromEntries(entries));
}

function readVoiceGrant(grants: JsonObject): Pick<TokenClaims, 'incoming' | 'outgoing'> {
  const voice = optionalObject(grants, 'voice');
  if (voice === null) return { incoming: false, outgoing: null };

  const incomingGrant = optionalObject(voice, 'incoming');
  const allow = incomingGrant?.['allow'];
  if (allow !== undefined && typeof allow !== 'boolean') throw invalid('incoming.allow is not a boolean');

  const outgoingGrant = optionalObject(voice, 'outgoing');
  let outgoing: OutgoingGrant | null = null;
  if (outgoingGrant !== null) {
    const applicationSid = parseSid('application', outgoingGrant['application_sid']);
    if (applicationSid === undefined) throw invalid('outgoing.application_sid is not an application Sid');
    outgoing = { applicationSid, params: readParams(outgoingGrant) };
  }
  return { incoming: allow === true, outgoing };
}

function readAccessClaims(claims: JsonObject): TokenClaims {
  const apiKeySid = parseSid('apiKey', claims['iss']);
  if (apiKeySid === undefined) throw invalid('iss is not an API key Sid');
  const accountSid = parseSid('account', claims['sub']);
  if (accountSid === undefined) throw invalid('sub is not an account Sid');
  const grants: JsonObject = optionalObject(claims, 'grants') ?? {};
  const identity = grants['identity'] ?? null;
  if (identity !== null && typeof identity !== 'string') throw invalid('grants.identity is not a string');
  return {
    format: 'access',
    accountSid,
    apiKeySid,
    ...readTimes(claims),
    identity,
    clientNames: identity === null ? [] : [identity],
    ...readVoiceGrant(grants),
  };
}

function readCapabilityClaims(claims: JsonObject): TokenClaims {
  const accountSid = parseSid('account', claims['iss']);
  if (accountSid === undefined) throw invalid('iss is not an account Sid');
  const scope = claims['scope'] ?? '';
  if (typeof scope !== 'string') throw invalid('scope claim is not a string');
  const { incomingClientName, outgoing } = parseCapabilityScope(scope);
  const outgoingClientName = outgoing?.clientName ?? null;
  return {
    format: 'capability',
    accountSid,
    apiKeySid: null,
    ...readTimes(claims),
    // The incoming name wins when both scopes name a client (registration is by that name).
    identity: incomingClientName ?? outgoingClientName,
    clientNames: [incomingClientName, outgoingClientName].filter((n): n is string => n !== null),
    incoming: incomingClientName !== null,
    outgoing: outgoing === null ? null : { applicationSid: outgoing.applicationSid, params: outgoing.params },
  };
}

/**
 * Tells the format apart and reads its claims, throwing `VoiceError(31204)` for any claim of the
 * wrong type or a malformed Sid. The header decides: `cty: "twilio-fpa;v=1"` is an Access Token
 * (HS256/384/512, `iss` = API key, `sub` = account); no `cty` is a Capability Token (HS256 only,
 * `iss` = account, `scope`); any other `cty` is refused. Nothing here is trusted yet.
 */
export function readClaims(jws: DecodedJws): TokenClaims {
  const cty = jws.header['cty'];
  if (cty === ACCESS_TOKEN_CONTENT_TYPE) return readAccessClaims(jws.payload);
  if (cty !== undefined) throw invalid('cty is not twilio-fpa;v=1');
  if (jws.algorithm !== 'HS256') throw invalid('a Capability Token must be signed with HS256');
  return readCapabilityClaims(jws.payload);
}
