/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5, HMAC-SHA1) and FINGERPRINT (§14.7, CRC-32 XOR 0x5354554E),
 * computed and checked on the raw bytes of a message.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  ATTR_FINGERPRINT,
  ATTR_MESSAGE_INTEGRITY,
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_FINGERPRINT_ATTRIBUTE_LENGTH,
  STUN_FINGERPRINT_XOR,
  STUN_HEADER_LENGTH,
  STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH,
  STUN_MESSAGE_INTEGRITY_LENGTH,
} from './constants.ts';
import { crc32 } from './crc32.ts';
import { scanStun } from './stun-decode.ts';

/**
 * The MESSAGE-INTEGRITY key for a short-term credential (RFC 8489 §9.1.1): the password itself, as
 * UTF-8. ICE uses the ice-pwd of the agent that receives the request (RFC 8445 §7.2.2).
 * (OpaqueString preparation, RFC 8265, changes nothing for the ICE character set.)
 */
export function shortTermKey(password: string): Buffer {
  return Buffer.from(password, 'utf8');
}

/**
 * HMAC-SHA1 over `buf[0, end)` as RFC 8489 §14.5 defines it: "the length field of the STUN message
 * header is adjusted to point to the end of the MESSAGE-INTEGRITY attribute", which is to start at
 * `end`. The rest of the header and the attributes before `end` are hashed as they are.
 */
export function computeMessageIntegrity(buf: Buffer, end: number, key: Buffer): Buffer {
  const header = Buffer.from(buf.subarray(0, STUN_HEADER_LENGTH));
  header.writeUInt16BE(end + STUN_MESSAGE_INTEGRITY_ATTRIBUTE_LENGTH - STUN_HEADER_LENGTH, 2);
  return createHmac('sha1', key).update(header).update(buf.subarray(STUN_HEADER_LENGTH, end)).digest();
}

/**
 * FINGERPRINT value for `buf[0, end)`: CRC-32 XOR 0x5354554E. The header length must already count
 * the FINGERPRINT attribute that will start at `end` (RFC 8489 §14.7).
 */
export function computeFingerprint(buf: Buffer, end: number): number {
  return (crc32(buf, 0, end) ^ STUN_FINGERPRINT_XOR) >>> 0;
}

/**
 * True when `buf` is a well-formed STUN message whose first MESSAGE-INTEGRITY attribute verifies with
 * `key` (RFC 8489 §14.5). The comparison runs in constant time. False if there is none.
 */
export function verifyMessageIntegrity(buf: Buffer, key: Buffer): boolean {
  const spans = scanStun(buf);
  if (!Array.isArray(spans)) return false;
  const span = spans.find((s) => s.type === ATTR_MESSAGE_INTEGRITY);
  if (span?.length !== STUN_MESSAGE_INTEGRITY_LENGTH) return false;
  const expected = computeMessageIntegrity(buf, span.offset, key);
  const start = span.offset + STUN_ATTRIBUTE_HEADER_LENGTH;
  return timingSafeEqual(expected, buf.subarray(start, start + STUN_MESSAGE_INTEGRITY_LENGTH));
}

/**
 * True when `buf` is a well-formed STUN message whose last attribute is a FINGERPRINT matching the
 * CRC-32 of everything before it, XOR 0x5354554E (RFC 8489 §14.7). False if there is none.
 */
export function verifyFingerprint(buf: Buffer): boolean {
  const spans = scanStun(buf);
  if (!Array.isArray(spans)) return false;
  const span = spans.at(-1);
  if (span?.type !== ATTR_FINGERPRINT || span.length !== 4) return false;
  if (span.offset + STUN_FINGERPRINT_ATTRIBUTE_LENGTH !== buf.length) return false;
  const expected = Buffer.alloc(4);
  expected.writeUInt32BE(computeFingerprint(buf, span.offset), 0);
  const start = span.offset + STUN_ATTRIBUTE_HEADER_LENGTH;
  return timingSafeEqual(expected, buf.subarray(start, start + 4));
}
