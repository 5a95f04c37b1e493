/**
 * The STUN message model (RFC 5389, RFC 8489): a message is a method, a class, a transaction ID and
 * an ordered list of attributes, each a discriminated union on `type`.
 */

/** The four message classes (RFC 8489 §5), in RFC words. */
export type StunClass = 'request' | 'indication' | 'success-response' | 'error-response';

/** A transport address carried by MAPPED-ADDRESS or XOR-MAPPED-ADDRESS (RFC 8489 §14.1–14.2). */
export interface StunAddress {
  /** 4 for IPv4, 6 for IPv6. */
  readonly family: 4 | 6;
  /** Dotted quad, or RFC 5952 IPv6 text. */
  readonly address: string;
  readonly port: number;
}

/** MAPPED-ADDRESS (RFC 8489 §14.1): kept for RFC 3489 peers. */
export interface MappedAddressAttribute {
  readonly type: 'mapped-address';
  readonly value: StunAddress;
}
/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive address, obfuscated on the wire. */
export interface XorMappedAddressAttribute {
  readonly type: 'xor-mapped-address';
  readonly value: StunAddress;
}
/** USERNAME (RFC 8489 §14.3); ICE uses `<receiver ufrag>:<sender ufrag>` (RFC 8445 §7.2.2). */
export interface UsernameAttribute {
  readonly type: 'username';
  readonly value: string;
}
/** MESSAGE-INTEGRITY (RFC 8489 §14.5): an HMAC-SHA1. `encodeStun` computes it, never copies it. */
export interface MessageIntegrityAttribute {
  readonly type: 'message-integrity';
  readonly value: Buffer;
}
/** FINGERPRINT (RFC 8489 §14.7): CRC-32 XOR 0x5354554E. `encodeStun` computes it, never copies it. */
export interface FingerprintAttribute {
  readonly type: 'fingerprint';
  readonly value: number;
}
/** ERROR-CODE (RFC 8489 §14.8): `code` is 300–699 (class × 100 + number). */
export interface ErrorCodeAttribute {
  readonly type: 'error-code';
  readonly code: number;
  readonly reason: string;
}
/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the comprehension-required types not understood. */
export interface UnknownAttributesAttribute {
  readonly type: 'unknown-attributes';
  readonly value: readonly number[];
}
/** SOFTWARE (RFC 8489 §14.14). */
export interface SoftwareAttribute {
  readonly type: 'software';
  readonly value: string;
}
/** PRIORITY (RFC 8445 §7.1.1): the priority of a peer-reflexive candidate, 32 bits. */
export interface PriorityAttribute {
  readonly type: 'priority';
  readonly value: number;
}
/** USE-CANDIDATE (RFC 8445 §7.1.2): the controlling agent nominates the pair. No value. */
export interface UseCandidateAttribute {
  readonly type: 'use-candidate';
}
/** ICE-CONTROLLED (RFC 8445 §7.1.3): the sender thinks it is controlled; 64-bit tie-breaker. */
export interface IceControlledAttribute {
  readonly type: 'ice-controlled';
  readonly tieBreaker: bigint;
}
/** ICE-CONTROLLING (RFC 8445 §7.1.3): the sender thinks it is controlling; 64-bit tie-breaker. */
export interface IceControllingAttribute {
  readonly type: 'ice-controlling';
  readonly tieBreaker: bigint;
}
/** Any other attribute, kept as its raw value (without padding). */
export interface RawAttribute {
  readonly type: 'raw';
  /** The 16-bit attribute type; below 0x8000 it is comprehension-required. */
  readonly attributeType: number;
  readonly value: Buffer;
}

/** One STUN attribute. */
export type StunAttribute =
  | MappedAddressAttribute
  | XorMappedAddressAttribute
  | UsernameAttribute
  | MessageIntegrityAttribute
  | FingerprintAttribute
  | ErrorCodeAttribute
  | UnknownAttributesAttribute
  | SoftwareAttribute
  | PriorityAttribute
  | UseCandidateAttribute
  | IceControlledAttribute
  | IceControllingAttribute
  | RawAttribute;

/** The `type` names of {@link StunAttribute}. */
export type StunAttributeName = StunAttribute['type'];

/** A decoded or to-be-encoded STUN message. */
export interface StunMessage {
  /** 12-bit method; 0x001 is Binding. */
  readonly method: number;
  readonly class: StunClass;
  /** 12 bytes (96 bits). */
  readonly transactionId: Buffer;
  /**
   * Attributes in wire order. After decoding, attributes that followed MESSAGE-INTEGRITY (other than
   * FINGERPRINT and MESSAGE-INTEGRITY-SHA256) are not listed: RFC 8489 §14.5 says to ignore them.
   */
  readonly attributes: readonly StunAttribute[];
}

/** Why `decodeStun` rejected a buffer. */
export type StunDecodeFailure =
  /** Fewer than 20 bytes. */
  | 'too-short'
  /** The first two bits are not 0 or the magic cookie is missing. */
  | 'not-stun'
  /** The header's length field is not a multiple of 4 (RFC 8489 §5). */
  | 'bad-length'
  /** 20 + the header's length field is not the buffer's length. */
  | 'length-mismatch'
  /** An attribute header, value or padding runs past the end of the message. */
  | 'attribute-overrun'
  /** A known attribute has a value of the wrong size or content. */
  | 'bad-attribute'
  /** FINGERPRINT is not the last attribute (RFC 8489 §14.7). */
  | 'fingerprint-not-last';

/** The value `decodeStun` returns instead of throwing. */
export interface StunDecodeError {
  readonly error: StunDecodeFailure;
  /** Byte offset of the offending header field or attribute. */
  readonly offset: number;
}

/** Narrows a `decodeStun` result. */
export function isStunDecodeError(value: StunMessage | StunDecodeError): value is StunDecodeError {
  return 'error' in value;
}

/** The first attribute named `type`, or `undefined` (RFC 8489 §14: only the first occurrence counts). */
export function findAttribute<T extends StunAttributeName>(
  message: StunMessage,
  type: T,
): Extract<StunAttribute, { type: T }> | undefined {
  for (const attribute of message.attributes) {
    if (isAttribute(attribute, type)) return attribute;
  }
  return undefined;
}

function isAttribute<T extends StunAttributeName>(
  attribute: StunAttribute,
  type: T,
): attribute is Extract<StunAttribute, { type: T }> {
  return attribute.type === type;
}
