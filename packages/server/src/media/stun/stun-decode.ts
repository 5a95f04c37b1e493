/**
 * STUN decoding (RFC 8489 §5, §14): `isStunPacket` for the media port demultiplexer and
 * `decodeStun`, which validates every length and never throws.
 */
import {
  ADDRESS_FAMILY_IPV4,
  ADDRESS_FAMILY_IPV6,
  ATTR_ERROR_CODE,
  ATTR_FINGERPRINT,
  ATTR_ICE_CONTROLLED,
  ATTR_ICE_CONTROLLING,
  ATTR_MAPPED_ADDRESS,
  ATTR_MESSAGE_INTEGRITY,
  ATTR_MESSAGE_INTEGRITY_SHA256,
  ATTR_PRIORITY,
  ATTR_SOFTWARE,
  ATTR_UNKNOWN_ATTRIBUTES,
  ATTR_USE_CANDIDATE,
  ATTR_USERNAME,
  ATTR_XOR_MAPPED_ADDRESS,
  MAX_TEXT_BYTES,
  MAX_USERNAME_BYTES,
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_HEADER_LENGTH,
  STUN_MAGIC_COOKIE,
  STUN_MESSAGE_INTEGRITY_LENGTH,
} from './constants.ts';
import { formatIp } from './ip-address.ts';
import type { StunAddress, StunAttribute, StunClass, StunDecodeError, StunMessage } from './stun-types.ts';

const CLASSES: readonly StunClass[] = ['request', 'indication', 'success-response', 'error-response'];

/**
 * True when `buf` starts like an RFC 5389 STUN message: at least 20 bytes, the first two bits 0 and
 * the magic cookie 0x2112A442 at offset 4. RFC 7983 §7 demultiplexes on the first byte (STUN 0–3,
 * DTLS 20–63, RTP/RTCP 128–191); the cookie check is what tells STUN from a DTLS record here, as a
 * DTLS record has its epoch and sequence number at offsets 3–10.
 */
export function isStunPacket(buf: Uint8Array): boolean {
  if (buf.length < STUN_HEADER_LENGTH) return false;
  if (((buf[0] ?? 0xff) & 0xc0) !== 0) return false;
  return (
    buf[4] === STUN_MAGIC_COOKIE >>> 24 &&
    buf[5] === ((STUN_MAGIC_COOKIE >>> 16) & 0xff) &&
    buf[6] === ((STUN_MAGIC_COOKIE >>> 8) & 0xff) &&
    buf[7] === (STUN_MAGIC_COOKIE & 0xff)
  );
}

/** Where one attribute sits in a message: `offset` is its 4-byte header, `length` its unpadded value. */
export interface StunAttributeSpan {
  readonly type: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * Checks the header and the attribute framing (RFC 8489 §5, §14) and lists the attributes. Values are
 * not looked at. FINGERPRINT, when present, must be the last attribute.
 */
export function scanStun(buf: Buffer): StunAttributeSpan[] | StunDecodeError {
  if (buf.length < STUN_HEADER_LENGTH) return { error: 'too-short', offset: 0 };
  if (!isStunPacket(buf)) return { error: 'not-stun', offset: 0 };
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0) return { error: 'bad-length', offset: 2 };
  if (STUN_HEADER_LENGTH + length !== buf.length) return { error: 'length-mismatch', offset: 2 };
  const spans: StunAttributeSpan[] = [];
  let offset = STUN_HEADER_LENGTH;
  while (offset < buf.length) {
    if (offset + STUN_ATTRIBUTE_HEADER_LENGTH > buf.length) return { error: 'attribute-overrun', offset };
    const type = buf.readUInt16BE(offset);
    const valueLength = buf.readUInt16BE(offset + 2);
    // RFC 8489 §14: the value is padded to a multiple of 4 bytes; the padding must fit too.
    const padded = (valueLength + 3) & ~3;
    if (offset + STUN_ATTRIBUTE_HEADER_LENGTH + padded > buf.length) return { error: 'attribute-overrun', offset };
    const last = spans.at(-1);
    if (last?.type === ATTR_FINGERPRINT) return { error: 'fingerprint-not-last', offset: last.offset };
    spans.push({ type, offset, length: valueLength });
    offset += STUN_ATTRIBUTE_HEADER_LENGTH + padded;
  }
  return spans;
}

/**
 * Decodes one STUN message that fills `buf` exactly (one UDP datagram). Returns a
 * {@link StunDecodeError} for anything malformed; never throws. Values are copied, so `buf` may be
 * reused afterwards. Integrity and fingerprint are not checked here: see `verifyMessageIntegrity`
 * and `verifyFingerprint`.
 */
export function decodeStun(buf: Buffer): StunMessage | StunDecodeError {
  const spans = scanStun(buf);
  if (!Array.isArray(spans)) return spans;
  const messageType = buf.readUInt16BE(0);
  const method = (messageType & 0x000f) | ((messageType & 0x00e0) >> 1) | ((messageType & 0x3e00) >> 2);
  const cls = CLASSES[((messageType >> 7) & 0b10) | ((messageType >> 4) & 0b01)] ?? 'request';
  const transactionId = Buffer.from(buf.subarray(8, STUN_HEADER_LENGTH));
  const attributes: StunAttribute[] = [];
  let afterIntegrity = false;
  for (const span of spans) {
    // RFC 8489 §14.5: "agents MUST ignore all attributes that follow MESSAGE-INTEGRITY, with the
    // exception of the MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes".
    if (afterIntegrity && span.type !== ATTR_FINGERPRINT && span.type !== ATTR_MESSAGE_INTEGRITY_SHA256) continue;
    const start = span.offset + STUN_ATTRIBUTE_HEADER_LENGTH;
    const value = buf.subarray(start, start + span.length);
    const attribute = decodeAttribute(span.type, value, transactionId);
    if (attribute === undefined) return { error: 'bad-attribute', offset: span.offset };
    attributes.push(attribute);
    if (span.type === ATTR_MESSAGE_INTEGRITY) afterIntegrity = true;
  }
  return { method, class: cls, transactionId, attributes };
}

/** One attribute's value, or `undefined` when a known attribute is malformed. */
function decodeAttribute(type: number, value: Buffer, transactionId: Buffer): StunAttribute | undefined {
  switch (type) {
    case ATTR_MAPPED_ADDRESS: {
      const address = decodeAddress(value, undefined);
      return address && { type: 'mapped-address', value: address };
    }
    case ATTR_XOR_MAPPED_ADDRESS: {
      const address = decodeAddress(value, transactionId);
      return address && { type: 'xor-mapped-address', value: address };
    }
    case ATTR_USERNAME:
      return value.length <= MAX_USERNAME_BYTES ? { type: 'username', value: value.toString('utf8') } : undefined;
    case ATTR_SOFTWARE:
      return value.length <= MAX_TEXT_BYTES ? { type: 'software', value: value.toString('utf8') } : undefined;
    case ATTR_MESSAGE_INTEGRITY:
      return value.length === STUN_MESSAGE_INTEGRITY_LENGTH
        ? { type: 'message-integrity', value: Buffer.from(value) }
        : undefined;
    case ATTR_FINGERPRINT:
      return value.length === 4 ? { type: 'fingerprint', value: value.readUInt32BE(0) } : undefined;
    case ATTR_ERROR_CODE:
      return decodeErrorCode(value);
    case ATTR_UNKNOWN_ATTRIBUTES: {
      if (value.length % 2 !== 0) return undefined;
      const types: number[] = [];
      for (let i = 0; i < value.length; i += 2) types.push(value.readUInt16BE(i));
      return { type: 'unknown-attributes', value: types };
    }
    case ATTR_PRIORITY:
      return value.length === 4 ? { type: 'priority', value: value.readUInt32BE(0) } : undefined;
    case ATTR_USE_CANDIDATE:
      return value.length === 0 ? { type: 'use-candidate' } : undefined;
    case ATTR_ICE_CONTROLLED:
      return value.length === 8 ? { type: 'ice-controlled', tieBreaker: value.readBigUInt64BE(0) } : undefined;
    case ATTR_ICE_CONTROLLING:
      return value.length === 8 ? { type: 'ice-controlling', tieBreaker: value.readBigUInt64BE(0) } : undefined;
    default:
      return { type: 'raw', attributeType: type, value: Buffer.from(value) };
  }
}

/**
 * (XOR-)MAPPED-ADDRESS (RFC 8489 §14.1–14.2): reserved byte, family, port, address. With a
 * transaction ID, the port is XOR-ed with the cookie's top 16 bits and the address with the cookie
 * (IPv4) or the cookie followed by the transaction ID (IPv6).
 */
function decodeAddress(value: Buffer, transactionId: Buffer | undefined): StunAddress | undefined {
  if (value.length < 4) return undefined;
  const family = value[1];
  const size = family === ADDRESS_FAMILY_IPV4 ? 4 : family === ADDRESS_FAMILY_IPV6 ? 16 : 0;
  if (size === 0 || value.length !== 4 + size) return undefined;
  const bytes = Buffer.from(value.subarray(4));
  let port = value.readUInt16BE(2);
  if (transactionId !== undefined) {
    port ^= STUN_MAGIC_COOKIE >>> 16;
    xorWithCookieAndId(bytes, transactionId);
  }
  return { family: size === 4 ? 4 : 6, address: formatIp(bytes), port };
}

/** XORs `bytes` (4 or 16) in place with the magic cookie, then the transaction ID (RFC 8489 §14.2). */
export function xorWithCookieAndId(bytes: Buffer, transactionId: Buffer): void {
  for (let i = 0; i < bytes.length; i++) {
    const mask = i < 4 ? (STUN_MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : (transactionId[i - 4] ?? 0);
    bytes[i] = (bytes[i] ?? 0) ^ mask;
  }
}

/** ERROR-CODE (RFC 8489 §14.8): 21 reserved bits, class (3 bits, 3–6), number (0–99), reason. */
function decodeErrorCode(value: Buffer): StunAttribute | undefined {
  if (value.length < 4 || value.length - 4 > MAX_TEXT_BYTES) return undefined;
  const errorClass = (value[2] ?? 0) & 0x07;
  const number = value[3] ?? 0;
  if (errorClass < 3 || errorClass > 6 || number > 99) return undefined;
  return { type: 'error-code', code: errorClass * 100 + number, reason: value.toString('utf8', 4) };
}
