/**
 * RTP fixed header (RFC 3550 §5.1): validation, in-place field access and in-place removal of
 * header extensions. Everything here is meant for the per-packet path: no allocation (pass a reused
 * {@link RtpHeaderInfo} as `out`), no exceptions from the validating functions.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers  (CC × 32)  |
 * |      defined by profile       |        length (32-bit words)  |   if X
 * |                        header extension                       |
 * |                  payload  …  | padding | padding count (P)    |
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-5.1
 */
import { RTP_FIXED_HEADER_LENGTH, RTP_VERSION } from './constants.ts';

/** Why {@link rtpHeaderInfo} refused a packet. */
export type RtpHeaderFailure =
  /** `len` is negative, not an integer, or larger than the buffer. */
  | 'bad-length'
  /** Shorter than the 12-byte fixed header. */
  | 'too-short'
  /** Version field is not 2. */
  | 'bad-version'
  /** The CSRC list runs past the end. */
  | 'truncated-csrc'
  /** The extension header or its data runs past the end. */
  | 'truncated-extension'
  /** P is set but the padding count is 0 or larger than what follows the header. */
  | 'bad-padding';

/**
 * Layout of a validated RTP packet. Mutable on purpose: the per-packet path reuses one instance
 * (see {@link createRtpHeaderInfo}).
 */
export interface RtpHeaderInfo {
  /** Number of CSRC identifiers (CC). */
  csrcCount: number;
  /** Offset of the 4-byte extension header (profile, length); −1 when X is clear. */
  extensionOffset: number;
  /** The 16-bit "defined by profile" field (e.g. 0xBEDE); 0 when X is clear. */
  extensionProfile: number;
  /** Bytes of extension data after the 4-byte extension header; 0 when X is clear. */
  extensionLength: number;
  /** Offset of the first payload byte (= total header length). */
  payloadOffset: number;
  /** Payload bytes, padding excluded. */
  payloadLength: number;
  /** Padding bytes at the end, the count octet included; 0 when P is clear. */
  paddingLength: number;
}

/** A zeroed {@link RtpHeaderInfo} to reuse as the `out` argument of {@link rtpHeaderInfo}. */
export function createRtpHeaderInfo(): RtpHeaderInfo {
  return {
    csrcCount: 0,
    extensionOffset: -1,
    extensionProfile: 0,
    extensionLength: 0,
    payloadOffset: 0,
    payloadLength: 0,
    paddingLength: 0,
  };
}

/** Scratch layout for functions that validate internally; safe because JS is single-threaded. */
const scratch = createRtpHeaderInfo();

/**
 * Validates the RTP header in `buf[0, len)` and locates its payload. Checks the version, the CSRC
 * list, the extension header and length, and the padding count. Reads nothing at or after `len`.
 * Never throws.
 *
 * @param out - filled and returned when the packet is valid; pass a reused object to avoid
 *   allocating. Without it a new object is returned.
 * @returns the layout, or the reason the packet is not valid RTP.
 * @example
 * const info = createRtpHeaderInfo();
 * const r = rtpHeaderInfo(packet, packet.length, info);
 * if (typeof r === 'string') drop(r); else forward(packet, r.payloadOffset, r.payloadLength);
 */
export function rtpHeaderInfo(
  buf: Buffer,
  len: number,
  out: RtpHeaderInfo = createRtpHeaderInfo(),
): RtpHeaderInfo | RtpHeaderFailure {
  if (!Number.isInteger(len) || len < 0 || len > buf.length) return 'bad-length';
  if (len < RTP_FIXED_HEADER_LENGTH) return 'too-short';
  const b0 = buf.readUInt8(0);
  if (b0 >> 6 !== RTP_VERSION) return 'bad-version';
  const csrcCount = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_LENGTH + 4 * csrcCount;
  if (offset > len) return 'truncated-csrc';
  let extensionOffset = -1;
  let extensionProfile = 0;
  let extensionLength = 0;
  if ((b0 & 0x10) !== 0) {
    if (offset + 4 > len) return 'truncated-extension';
    extensionOffset = offset;
    extensionProfile = buf.readUInt16BE(offset);
    extensionLength = 4 * buf.readUInt16BE(offset + 2);
    offset += 4 + extensionLength;
    if (offset > len) return 'truncated-extension';
  }
  let paddingLength = 0;
  if ((b0 & 0x20) !== 0) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    paddingLength = len > offset ? buf.readUInt8(len - 1) : 0;
    if (paddingLength === 0 || offset + paddingLength > len) return 'bad-padding';
  }
  out.csrcCount = csrcCount;
  out.extensionOffset = extensionOffset;
  out.extensionProfile = extensionProfile;
  out.extensionLength = extensionLength;
  out.payloadOffset = offset;
  out.payloadLength = len - offset - paddingLength;
  out.paddingLength = paddingLength;
  return out;
}

/**
 * Removes the header extension in place: moves everything after it (payload and padding) down,
 * clears the X bit and returns the new length. A packet without extension is left as is.
 * Writes only inside `buf[0, len)`; allocation-free.
 *
 * @returns the new packet length, or −1 when `buf[0, len)` is not valid RTP (buffer untouched).
 */
export function stripHeaderExtensions(buf: Buffer, len: number): number {
  const info = rtpHeaderInfo(buf, len, scratch);
  if (typeof info === 'string') return -1;
  if (info.extensionOffset < 0) return len;
  const removed = 4 + info.extensionLength;
  buf.copyWithin(info.extensionOffset, info.extensionOffset + removed, len);
  buf.writeUInt8(buf.readUInt8(0) & ~0x10, 0);
  return len - removed;
}

// In-place field access. Precondition: `buf` holds at least the 12-byte fixed header (check with
// rtpHeaderInfo first); a shorter buffer makes Buffer throw a RangeError (a programmer error).

/** Payload type (7 bits). */
export function rtpPayloadType(buf: Buffer): number {
  return buf.readUInt8(1) & 0x7f;
}

/** Sets the payload type, keeping the marker bit. */
export function setRtpPayloadType(buf: Buffer, payloadType: number): void {
  buf.writeUInt8((buf.readUInt8(1) & 0x80) | (payloadType & 0x7f), 1);
}

/** Marker bit. */
export function rtpMarker(buf: Buffer): boolean {
  return (buf.readUInt8(1) & 0x80) !== 0;
}

/** Sets or clears the marker bit, keeping the payload type. */
export function setRtpMarker(buf: Buffer, marker: boolean): void {
  const b1 = buf.readUInt8(1);
  buf.writeUInt8(marker ? b1 | 0x80 : b1 & 0x7f, 1);
}

/** Sequence number (16 bits). */
export function rtpSequence(buf: Buffer): number {
  return buf.readUInt16BE(2);
}

/** Sets the sequence number; the value is taken modulo 2^16. */
export function setRtpSequence(buf: Buffer, sequence: number): void {
  buf.writeUInt16BE(sequence & 0xffff, 2);
}

/** RTP timestamp (32 bits, unsigned). */
export function rtpTimestamp(buf: Buffer): number {
  return buf.readUInt32BE(4);
}

/** Sets the RTP timestamp; the value is taken modulo 2^32. */
export function setRtpTimestamp(buf: Buffer, timestamp: number): void {
  buf.writeUInt32BE(timestamp >>> 0, 4);
}

/** SSRC (32 bits, unsigned). */
export function rtpSsrc(buf: Buffer): number {
  return buf.readUInt32BE(8);
}

/** Sets the SSRC; the value is taken modulo 2^32. */
export function setRtpSsrc(buf: Buffer, ssrc: number): void {
  buf.writeUInt32BE(ssrc >>> 0, 8);
}
