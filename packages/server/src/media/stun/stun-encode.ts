/**
 * STUN encoding (RFC 8489 §5, §14). MESSAGE-INTEGRITY and FINGERPRINT are computed from the options,
 * never copied from the attribute list.
 */
import { assertNever } from '../../core/index.ts';
import {
  ADDRESS_FAMILY_IPV4,
  ADDRESS_FAMILY_IPV6,
  ATTR_ERROR_CODE,
  ATTR_FINGERPRINT,
  ATTR_ICE_CONTROLLED,
  ATTR_ICE_CONTROLLING,
  ATTR_MAPPED_ADDRESS,
  ATTR_MESSAGE_INTEGRITY,
  ATTR_PRIORITY,
  ATTR_SOFTWARE,
  ATTR_UNKNOWN_ATTRIBUTES,
  ATTR_USE_CANDIDATE,
  ATTR_USERNAME,
  ATTR_XOR_MAPPED_ADDRESS,
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_FINGERPRINT_ATTRIBUTE_LENGTH,
  STUN_HEADER_LENGTH,
  STUN_MAGIC_COOKIE,
  STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH,
  STUN_TRANSACTION_ID_LENGTH,
} from './constants.ts';
import { parseIp } from './ip-address.ts';
import { xorWithCookieAndId } from './stun-decode.ts';
import { computeFingerprint, computeMessageIntegrity } from './stun-integrity.ts';
import type { StunAddress, StunAttribute, StunClass, StunMessage } from './stun-types.ts';

/** How `encodeStun` finishes a message. */
export interface EncodeStunOptions {
  /** Appends MESSAGE-INTEGRITY keyed with this (for ICE: `shortTermKey(pwd)`). */
  readonly integrityKey?: Buffer;
  /** Appends FINGERPRINT as the last attribute. */
  readonly fingerprint?: boolean;
  /** Byte written into attribute padding; default 0. (RFC 5769's vectors pad with 0x20.) */
  readonly paddingByte?: number;
}

const CLASS_BITS: Readonly<Record<StunClass, number>> = {
  request: 0b00,
  indication: 0b01,
  'success-response': 0b10,
  'error-response': 0b11,
};

/**
 * Serializes `msg` (attributes in list order), then appends MESSAGE-INTEGRITY when
 * `options.integrityKey` is set and FINGERPRINT when `options.fingerprint` is true (RFC 8489 §14.5,
 * §14.7). MESSAGE-INTEGRITY and FINGERPRINT entries in `msg.attributes` are skipped.
 * @throws TypeError for a programmer error: a transaction ID that is not 12 bytes, a method above
 * 0xFFF, an address that does not match its family, an out-of-range number or an oversized value.
 */
export function encodeStun(msg: StunMessage, options: EncodeStunOptions = {}): Buffer {
  if (msg.transactionId.length !== STUN_TRANSACTION_ID_LENGTH) {
    throw new TypeError(`a STUN transaction ID has 12 bytes, not ${msg.transactionId.length}`);
  }
  checkUint(msg.method, 0xfff, 'STUN method');
  const padByte = options.paddingByte ?? 0;
  checkUint(padByte, 0xff, 'padding byte');
  const encoded: { type: number; value: Buffer }[] = [];
  for (const attribute of msg.attributes) {
    const entry = encodeAttribute(attribute, msg.transactionId);
    if (entry === undefined) continue;
    if (entry.value.length > 0xffff) throw new TypeError(`STUN attribute ${attribute.type} longer than 65535 bytes`);
    encoded.push(entry);
  }
  let size = STUN_HEADER_LENGTH;
  for (const { value } of encoded) size += STUN_ATTRIBUTE_HEADER_LENGTH + ((value.length + 3) & ~3);
  const bodyEnd = size;
  if (options.integrityKey !== undefined) size += STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH;
  if (options.fingerprint === true) size += STUN_FINGERPRINT_ATTRIBUTE_LENGTH;
  if (size - STUN_HEADER_LENGTH > 0xffff) throw new TypeError('STUN message longer than 65535 bytes');

  const buf = Buffer.alloc(size, padByte);
  const m = msg.method;
  const c = CLASS_BITS[msg.class];
  buf.writeUInt16BE((m & 0x000f) | ((m & 0x0070) << 1) | ((m & 0x0f80) << 2) | ((c & 0b01) << 4) | ((c & 0b10) << 7), 0);
  buf.writeUInt16BE(size - STUN_HEADER_LENGTH, 2);
  buf.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  msg.transactionId.copy(buf, 8);
  let offset = STUN_HEADER_LENGTH;
  for (const { type, value } of encoded) {
    buf.writeUInt16BE(type, offset);
    buf.writeUInt16BE(value.length, offset + 2);
    value.copy(buf, offset + STUN_ATTRIBUTE_HEADER_LENGTH);
    offset += STUN_ATTRIBUTE_HEADER_LENGTH + ((value.length + 3) & ~3);
  }
  if (options.integrityKey !== undefined) {
    // RFC 8489 §14.5: the HMAC covers the header (length pointing to the end of MESSAGE-INTEGRITY)
    // and every attribute before it; a following FINGERPRINT is not counted.
    const hmac = computeMessageIntegrity(buf, bodyEnd, options.integrityKey);
    buf.writeUInt16BE(ATTR_MESSAGE_INTEGRITY, offset);
    buf.writeUInt16BE(hmac.length, offset + 2);
    hmac.copy(buf, offset + STUN_ATTRIBUTE_HEADER_LENGTH);
    offset += STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH;
  }
  if (options.fingerprint === true) {
    buf.writeUInt16BE(ATTR_FINGERPRINT, offset);
    buf.writeUInt16BE(4, offset + 2);
    buf.writeUInt32BE(computeFingerprint(buf, offset), offset + STUN_ATTRIBUTE_HEADER_LENGTH);
  }
  return buf;
}

/** Type and unpadded value of one attribute; `undefined` for the two computed ones. */
function encodeAttribute(attribute: StunAttribute, transactionId: Buffer): { type: number; value: Buffer } | undefined {
  switch (attribute.type) {
    case 'mapped-address':
      return { type: ATTR_MAPPED_ADDRESS, value: encodeAddress(attribute.value, undefined) };
    case 'xor-mapped-address':
      return { type: ATTR_XOR_MAPPED_ADDRESS, value: encodeAddress(attribute.value, transactionId) };
    case 'username':
      return { type: ATTR_USERNAME, value: Buffer.from(attribute.value, 'utf8') };
    case 'software':
      return { type: ATTR_SOFTWARE, value: Buffer.from(attribute.value, 'utf8') };
    case 'message-integrity':
    case 'fingerprint':
      return undefined;
    case 'error-code': {
      const { code } = attribute;
      if (!Number.isInteger(code) || code < 300 || code > 699) throw new TypeError(`STUN error code ${code} is not 300–699`);
      const reason = Buffer.from(attribute.reason, 'utf8');
      const value = Buffer.alloc(4 + reason.length);
      value[2] = Math.floor(code / 100);
      value[3] = code % 100;
      reason.copy(value, 4);
      return { type: ATTR_ERROR_CODE, value };
    }
    case 'unknown-attributes': {
      const value = Buffer.alloc(attribute.value.length * 2);
      attribute.value.forEach((t, i) => {
        checkUint(t, 0xffff, 'attribute type');
        value.writeUInt16BE(t, i * 2);
      });
      return { type: ATTR_UNKNOWN_ATTRIBUTES, value };
    }
    case 'priority': {
      checkUint(attribute.value, 0xffff_ffff, 'PRIORITY');
      const value = Buffer.alloc(4);
      value.writeUInt32BE(attribute.value, 0);
      return { type: ATTR_PRIORITY, value };
    }
    case 'use-candidate':
      return { type: ATTR_USE_CANDIDATE, value: Buffer.alloc(0) };
    case 'ice-controlled':
      return { type: ATTR_ICE_CONTROLLED, value: encodeTieBreaker(attribute.tieBreaker) };
    case 'ice-controlling':
      return { type: ATTR_ICE_CONTROLLING, value: encodeTieBreaker(attribute.tieBreaker) };
    case 'raw':
      checkUint(attribute.attributeType, 0xffff, 'attribute type');
      return { type: attribute.attributeType, value: attribute.value };
    default:
      return assertNever(attribute, 'STUN attribute');
  }
}

/** (XOR-)MAPPED-ADDRESS value (RFC 8489 §14.1–14.2); XOR-ed when a transaction ID is given. */
function encodeAddress(address: StunAddress, transactionId: Buffer | undefined): Buffer {
  const bytes = parseIp(address.address, address.family);
  if (bytes === undefined) throw new TypeError(`not an IPv${address.family} address: ${address.address}`);
  checkUint(address.port, 0xffff, 'port');
  const value = Buffer.alloc(4 + bytes.length);
  value[1] = address.family === 4 ? ADDRESS_FAMILY_IPV4 : ADDRESS_FAMILY_IPV6;
  if (transactionId === undefined) {
    value.writeUInt16BE(address.port, 2);
  } else {
    value.writeUInt16BE(address.port ^ (STUN_MAGIC_COOKIE >>> 16), 2);
    xorWithCookieAndId(bytes, transactionId);
  }
  bytes.copy(value, 4);
  return value;
}

function encodeTieBreaker(tieBreaker: bigint): Buffer {
  if (tieBreaker < 0n || tieBreaker > 0xffff_ffff_ffff_ffffn) throw new TypeError('an ICE tie-breaker is 64 bits');
  const value = Buffer.alloc(8);
  value.writeBigUInt64BE(tieBreaker, 0);
  return value;
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new TypeError(`${what} ${value} is out of range 0–${max}`);
}
