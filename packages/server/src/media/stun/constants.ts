/**
 * Wire constants and RFC defaults for STUN (RFC 5389, RFC 8489) and ICE-lite (RFC 8445, RFC 7675).
 * Every number the codec and the agent in this folder depend on lives here, with the section that
 * defines it.
 */

/** Size of the fixed STUN header (RFC 8489 §5). */
export const STUN_HEADER_LENGTH = 20;
/** The magic cookie, bytes 4–7 of every RFC 5389 message (RFC 8489 §5). */
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** Length of the transaction ID (RFC 8489 §5). */
export const STUN_TRANSACTION_ID_LENGTH = 12;
/** Size of an attribute's type + length header (RFC 8489 §14). */
export const STUN_ATTRIBUTE_HEADER_LENGTH = 4;
/** The FINGERPRINT value is the CRC-32 XOR-ed with this ("STUN" in ASCII, RFC 8489 §14.7). */
export const STUN_FINGERPRINT_XOR = 0x5354554e;
/** HMAC-SHA1 output carried by MESSAGE-INTEGRITY (RFC 8489 §14.5). */
export const STUN_MESSAGE_INTEGRITY_LENGTH = 20;
/** Whole MESSAGE-INTEGRITY attribute, header included. */
export const STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH = 24;
/** Whole FINGERPRINT attribute, header included. */
export const STUN_FINGERPRINT_ATTRIBUTE_LENGTH = 8;

/** The Binding method (RFC 8489 §18.2). The only method ICE uses. */
export const STUN_METHOD_BINDING = 0x001;

/** Attribute types (RFC 8489 §18.3, RFC 8445 §16.1). */
export const ATTR_MAPPED_ADDRESS = 0x0001;
/** USERNAME (RFC 8489 §14.3). */
export const ATTR_USERNAME = 0x0006;
/** MESSAGE-INTEGRITY (RFC 8489 §14.5). */
export const ATTR_MESSAGE_INTEGRITY = 0x0008;
/** ERROR-CODE (RFC 8489 §14.8). */
export const ATTR_ERROR_CODE = 0x0009;
/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9). */
export const ATTR_UNKNOWN_ATTRIBUTES = 0x000a;
/** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6); not decoded, but allowed after MESSAGE-INTEGRITY. */
export const ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001c;
/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2). */
export const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
/** PRIORITY (RFC 8445 §7.1.1). */
export const ATTR_PRIORITY = 0x0024;
/** USE-CANDIDATE (RFC 8445 §7.1.2). */
export const ATTR_USE_CANDIDATE = 0x0025;
/** SOFTWARE (RFC 8489 §14.14). */
export const ATTR_SOFTWARE = 0x8022;
/** FINGERPRINT (RFC 8489 §14.7). */
export const ATTR_FINGERPRINT = 0x8028;
/** ICE-CONTROLLED (RFC 8445 §7.1.3). */
export const ATTR_ICE_CONTROLLED = 0x8029;
/** ICE-CONTROLLING (RFC 8445 §7.1.3). */
export const ATTR_ICE_CONTROLLING = 0x802a;
/** Types below this are comprehension-required (RFC 8489 §14). */
export const ATTR_COMPREHENSION_OPTIONAL_MIN = 0x8000;

/** Address families in (XOR-)MAPPED-ADDRESS (RFC 8489 §14.1). */
export const ADDRESS_FAMILY_IPV4 = 0x01;
/** IPv6 family byte. */
export const ADDRESS_FAMILY_IPV6 = 0x02;

/** USERNAME is less than 513 bytes (RFC 8489 §14.3). */
export const MAX_USERNAME_BYTES = 513;
/** SOFTWARE and the ERROR-CODE reason: fewer than 128 characters, at most 763 bytes (RFC 8489 §14.8, §14.14). */
export const MAX_TEXT_BYTES = 763;

/** Error codes used by the ICE-lite agent (RFC 8489 §14.8, RFC 8445 §7.3.1.1). */
export const ERROR_BAD_REQUEST = 400;
/** Missing or wrong credentials. */
export const ERROR_UNAUTHORIZED = 401;
/** A comprehension-required attribute was not understood. */
export const ERROR_UNKNOWN_ATTRIBUTE = 420;
/** Both agents claim the same ICE role. */
export const ERROR_ROLE_CONFLICT = 487;

/** RFC 7675 §5.1: "Consent expires after 30 seconds." */
export const CONSENT_TIMEOUT_MS = 30_000;

/** RFC 8445 §5.1.2.2: recommended type preference of host candidates. */
export const HOST_TYPE_PREFERENCE = 126;
/** RFC 8445 §5.1.2.1: a single-homed agent uses the highest local preference. */
export const MAX_LOCAL_PREFERENCE = 65_535;
/** RFC 8445 §5.3: ice-ufrag is at least 4 characters. */
export const MIN_UFRAG_LENGTH = 4;
/** RFC 8445 §5.3: ice-pwd is at least 22 characters. */
export const MIN_PWD_LENGTH = 22;
