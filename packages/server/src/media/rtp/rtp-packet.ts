/**
 * Allocating RTP helpers for tests, diagnostics and rare control-path packets (e.g. DTMF that the
 * server originates): parse a whole packet into an object, read RFC 8285 header extension elements,
 * and build a packet from fields. Not for the per-packet relay path; use `rtp-header.ts` there.
 * @see https://www.rfc-editor.org/rfc/rfc8285
 */
import {
  EXTENSION_PROFILE_ONE_BYTE,
  EXTENSION_PROFILE_TWO_BYTE,
  RTP_FIXED_HEADER_LENGTH,
  RTP_VERSION,
} from './constants.ts';
import { rtpHeaderInfo, type RtpHeaderFailure, type RtpHeaderInfo } from './rtp-header.ts';

/** One RFC 8285 header extension element. */
export interface RtpExtensionElement {
  /** Local identifier (1–14 in the one-byte form, 1–255 in the two-byte form). */
  readonly id: number;
  /** Element data (a copy). */
  readonly data: Buffer;
}

/** The header extension of a packet. */
export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" value. */
  readonly profile: number;
  /** `one-byte` for 0xBEDE, `two-byte` for 0x100X, `other` for any other profile (not decoded). */
  readonly form: 'one-byte' | 'two-byte' | 'other';
  /** Decoded elements, padding skipped; empty for `other`. */
  readonly elements: readonly RtpExtensionElement[];
  /** The raw extension data after the 4-byte header (a copy). */
  readonly data: Buffer;
  /** True when an element ran past the extension data; `elements` holds those before it. */
  readonly malformed: boolean;
}

/** A parsed RTP packet. Buffers are copies, so the input buffer may be reused. */
export interface RtpPacket {
  readonly padding: boolean;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension: RtpHeaderExtension | null;
  readonly payload: Buffer;
  /** Padding bytes including the count octet; 0 when `padding` is false. */
  readonly paddingLength: number;
}

/**
 * Parses `buf[0, len)` into an {@link RtpPacket}, or returns why it is not valid RTP. Never throws.
 */
export function parseRtpPacket(buf: Buffer, len: number = buf.length): RtpPacket | RtpHeaderFailure {
  const info = rtpHeaderInfo(buf, len);
  if (typeof info === 'string') return info;
  const csrcs: number[] = [];
  for (let i = 0; i < info.csrcCount; i++) csrcs.push(buf.readUInt32BE(RTP_FIXED_HEADER_LENGTH + 4 * i));
  const b1 = buf.readUInt8(1);
  return {
    padding: info.paddingLength > 0,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrcs,
    extension: parseHeaderExtension(buf, info),
    payload: Buffer.from(buf.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength)),
    paddingLength: info.paddingLength,
  };
}

/**
 * Decodes the header extension located by {@link rtpHeaderInfo}: RFC 8285 one-byte (0xBEDE) and
 * two-byte (0x100X) elements. Returns null when the packet has no extension.
 */
export function parseHeaderExtension(buf: Buffer, info: RtpHeaderInfo): RtpHeaderExtension | null {
  if (info.extensionOffset < 0) return null;
  const start = info.extensionOffset + 4;
  const end = start + info.extensionLength;
  const data = Buffer.from(buf.subarray(start, end));
  const profile = info.extensionProfile;
  const elements: RtpExtensionElement[] = [];
  if (profile === EXTENSION_PROFILE_ONE_BYTE) {
    const malformed = readOneByteElements(data, elements);
    return { profile, form: 'one-byte', elements, data, malformed };
  }
  if ((profile & 0xfff0) === EXTENSION_PROFILE_TWO_BYTE) {
    const malformed = readTwoByteElements(data, elements);
    return { profile, form: 'two-byte', elements, data, malformed };
  }
  return { profile, form: 'other', elements, data, malformed: false };
}

/** RFC 8285 §4.2: ID (4 bits) | L (4 bits, length − 1); ID 0 is a padding byte, ID 15 stops. */
function readOneByteElements(data: Buffer, elements: RtpExtensionElement[]): boolean {
  let i = 0;
  while (i < data.length) {
    const b = data.readUInt8(i);
    const id = b >> 4;
    if (id === 0) {
      i++;
      continue;
    }
    if (id === 15) return false;
    const length = (b & 0x0f) + 1;
    if (i + 1 + length > data.length) return true;
    elements.push({ id, data: Buffer.from(data.subarray(i + 1, i + 1 + length)) });
    i += 1 + length;
  }
  return false;
}

/** RFC 8285 §4.3: ID (8 bits) | length (8 bits) | data; a zero byte is padding. */
function readTwoByteElements(data: Buffer, elements: RtpExtensionElement[]): boolean {
  let i = 0;
  while (i < data.length) {
    const id = data.readUInt8(i);
    if (id === 0) {
      i++;
      continue;
    }
    if (i + 2 > data.length) return true;
    const length = data.readUInt8(i + 1);
    if (i + 2 + length > data.length) return true;
    elements.push({ id, data: Buffer.from(data.subarray(i + 2, i + 2 + length)) });
    i += 2 + length;
  }
  return false;
}

/** Fields for {@link buildRtpPacket}. */
export interface BuildRtpPacketOptions {
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker?: boolean;
  /** Up to 15 contributing sources. */
  readonly csrcs?: readonly number[];
  /** Raw extension: `data` is zero-padded to a multiple of 4 bytes. */
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  readonly payload?: Uint8Array;
  /** Padding bytes to append, count octet included (1–255); 0 or absent for none. */
  readonly padding?: number;
}

/**
 * Builds an RTP packet (allocates). Values are reduced to their field widths.
 * @throws RangeError for more than 15 CSRCs, an extension over 2^16 − 1 words, or padding over 255
 *   (programmer errors).
 */
export function buildRtpPacket(options: BuildRtpPacketOptions): Buffer {
  const csrcs = options.csrcs ?? [];
  if (csrcs.length > 15) throw new RangeError(`at most 15 CSRCs, got ${csrcs.length}`);
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0 || padding > 255) {
    throw new RangeError(`padding must be 0–255, got ${padding}`);
  }
  const ext = options.extension;
  const extWords = ext === undefined ? 0 : Math.ceil(ext.data.length / 4);
  if (extWords > 0xffff) throw new RangeError('header extension too long');
  const payload = options.payload ?? new Uint8Array(0);
  const headerLength = RTP_FIXED_HEADER_LENGTH + 4 * csrcs.length + (ext === undefined ? 0 : 4 + 4 * extWords);
  const buf = Buffer.alloc(headerLength + payload.length + padding);
  buf.writeUInt8(
    (RTP_VERSION << 6) | (padding > 0 ? 0x20 : 0) | (ext === undefined ? 0 : 0x10) | csrcs.length,
    0,
  );
  buf.writeUInt8(((options.marker ?? false) ? 0x80 : 0) | (options.payloadType & 0x7f), 1);
  buf.writeUInt16BE(options.sequence & 0xffff, 2);
  buf.writeUInt32BE(options.timestamp >>> 0, 4);
  buf.writeUInt32BE(options.ssrc >>> 0, 8);
  let offset = RTP_FIXED_HEADER_LENGTH;
  for (const csrc of csrcs) {
    buf.writeUInt32BE(csrc >>> 0, offset);
    offset += 4;
  }
  if (ext !== undefined) {
    buf.writeUInt16BE(ext.profile & 0xffff, offset);
    buf.writeUInt16BE(extWords, offset + 2);
    buf.set(ext.data, offset + 4);
    offset += 4 + 4 * extWords;
  }
  buf.set(payload, offset);
  if (padding > 0) buf.writeUInt8(padding, buf.length - 1);
  return buf;
}
