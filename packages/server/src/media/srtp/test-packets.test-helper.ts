/**
 * Packet builders and keys shared by the SRTP tests and `bench/srtp.ts`.
 */
import { naiveSessionKeys, type NaiveKeys } from './naive-reference.test-helper.ts';
import type { SrtpMasterSecret } from './key-derivation.ts';
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';

/** Fields of {@link rtpPacket}. */
export interface RtpFields {
  readonly ssrc: number;
  readonly seq: number;
  readonly payloadType?: number;
  readonly timestamp?: number;
  readonly csrcs?: readonly number[];
  /** Header extension (profile, data padded by the caller to a multiple of 4). */
  readonly extension?: { readonly profile: number; readonly data: Buffer };
  readonly payload: Buffer;
}

/** An RTP packet (RFC 3550 §5.1), exactly as long as its content. */
export function rtpPacket(f: RtpFields): Buffer {
  const csrcs = f.csrcs ?? [];
  const ext = f.extension;
  const header = Buffer.alloc(12 + 4 * csrcs.length + (ext === undefined ? 0 : 4 + ext.data.length));
  header[0] = 0x80 | (ext === undefined ? 0 : 0x10) | csrcs.length;
  header[1] = f.payloadType ?? 0;
  header.writeUInt16BE(f.seq & 0xffff, 2);
  header.writeUInt32BE((f.timestamp ?? f.seq * 160) >>> 0, 4);
  header.writeUInt32BE(f.ssrc >>> 0, 8);
  csrcs.forEach((c, i) => header.writeUInt32BE(c >>> 0, 12 + 4 * i));
  if (ext !== undefined) {
    const at = 12 + 4 * csrcs.length;
    header.writeUInt16BE(ext.profile, at);
    header.writeUInt16BE(ext.data.length / 4, at + 2);
    ext.data.copy(header, at + 4);
  }
  return Buffer.concat([header, f.payload]);
}

/** A receiver report with one report block (RFC 3550 §6.4.2), 32 bytes. */
export function rtcpReceiverReport(ssrc: number, fill = 0x5a): Buffer {
  const p = Buffer.alloc(32, fill);
  p[0] = 0x81;
  p[1] = 201;
  p.writeUInt16BE(7, 2);
  p.writeUInt32BE(ssrc >>> 0, 4);
  return p;
}

/** `packet` copied into a buffer with `room` spare bytes after it. */
export function withRoom(packet: Buffer, room = 64): Buffer {
  const b = Buffer.alloc(packet.length + room);
  packet.copy(b);
  return b;
}

/** A fixed master secret for `suite` (byte i = seed + i). */
export function testMaster(suite: SrtpSuite, seed = 1): SrtpMasterSecret {
  const { keyLength, saltLength } = SRTP_SUITES[suite];
  const bytes = (n: number, from: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (from + i * 13) & 0xff));
  return { key: bytes(keyLength, seed), salt: bytes(saltLength, seed + 100) };
}

/** The naive reference's SRTP and SRTCP keys for the same master secret. */
export function naiveKeysFor(suite: SrtpSuite, master: SrtpMasterSecret): { rtp: NaiveKeys; rtcp: NaiveKeys } {
  const gcm = SRTP_SUITES[suite].transform === 'aead-aes-gcm';
  const key = Buffer.from(master.key);
  const salt = Buffer.from(master.salt);
  return { rtp: naiveSessionKeys(key, salt, false, gcm), rtcp: naiveSessionKeys(key, salt, true, gcm) };
}
