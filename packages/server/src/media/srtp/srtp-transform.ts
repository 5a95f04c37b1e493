/**
 * The cryptographic transform of one direction, as {@link SrtpSession} drives it: the session parses
 * packets, estimates indices and checks replays; a transform only encrypts, authenticates and
 * verifies. Internal to this folder.
 */
import type { KeystreamCache } from './counter-keystream.ts';

/** Encryption and authentication of SRTP and SRTCP packets in place. */
export interface SrtpTransform {
  /** Tag appended to SRTP packets. */
  readonly rtpTagLength: number;
  /** Tag of SRTCP packets (the 4-byte E‖index trailer comes on top). */
  readonly rtcpTagLength: number;
  /** True when the SRTCP E‖index word is the last 4 bytes (GCM, RFC 7714 §9.2), false when it precedes the tag (RFC 3711 §3.4). */
  readonly rtcpIndexLast: boolean;
  /**
   * Encrypts `buf[headerLength, length)` and writes the tag at `buf[length…]`. `index` is the 48-bit
   * packet index ROC·2^16 + SEQ. The buffer has room for the tag.
   */
  protectRtp(buf: Uint8Array, headerLength: number, length: number, ssrc: number, index: number, cache: KeystreamCache | undefined): void;
  /**
   * Verifies the tag at `buf[end, end + rtpTagLength)` over `buf[0, end)` and, only if it matches,
   * decrypts `buf[headerLength, end)`. False (and `buf` untouched) when authentication fails.
   */
  unprotectRtp(buf: Uint8Array, headerLength: number, end: number, ssrc: number, index: number, cache: KeystreamCache | undefined): boolean;
  /** Protects the RTCP compound `buf[0, length)`: payload encryption when `encrypt`, then E‖index and tag. */
  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt: boolean): void;
  /**
   * Verifies an SRTCP packet whose plaintext ends at `end` (E‖index and tag follow, in the suite's
   * order) and decrypts it when `encrypted`. False (and `buf` untouched) when authentication fails.
   */
  unprotectRtcp(buf: Uint8Array, end: number, ssrc: number, index: number, encrypted: boolean): boolean;
}
