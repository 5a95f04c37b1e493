/**
 * Twilio-format tokens: verifying Access and Capability Tokens for the signaling server, and minting
 * Access Tokens for the `denwa token` CLI. Self-contained: the store is reached through lookup
 * functions only.
 */
export {
  verifyToken,
  ttlRemainingSec,
  type TokenAccount,
  type TokenApiKey,
  type TokenVerifierDeps,
  type VerifiedToken,
} from './verify-token.ts';
export { mintAccessToken, type MintAccessTokenOptions } from './mint-access-token.ts';
export { isClientIdentity } from './client-identity.ts';
export { MAX_IDENTITY_LENGTH } from '@denwa/protocol';
export type { OutgoingGrant, TokenFormat } from './read-claims.ts';
export {
  ACCESS_TOKEN_CONTENT_TYPE,
  DEFAULT_ACCESS_TOKEN_TTL_SEC,
  DEFAULT_MAX_LIFETIME_SEC,
  MAX_TOKEN_LENGTH,
  type HmacAlgorithm,
} from './defaults.ts';
