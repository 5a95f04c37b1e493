/**
 * Limits and wire constants for Twilio-format tokens (twilio-signaling.md §9). One place, no inline
 * magic numbers.
 */

/** The longest token accepted, in characters; longer input is refused before any decoding (31204). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** Twilio refuses tokens valid for more than 24 hours (31207). */
export const DEFAULT_MAX_LIFETIME_SEC = 24 * 60 * 60;

/** The lifetime `mintAccessToken` gives when none is asked for, as twilio-node's `AccessToken`. */
export const DEFAULT_ACCESS_TOKEN_TTL_SEC = 3600;

/** The `cty` header that marks an Access Token ("Twilio first-party auth", version 1). */
export const ACCESS_TOKEN_CONTENT_TYPE = 'twilio-fpa;v=1';

/** The HMAC algorithms Twilio tokens are signed with. Capability Tokens use HS256 only. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** One of {@link HMAC_ALGORITHMS}. */
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
