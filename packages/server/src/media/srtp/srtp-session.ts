/**
 * One SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for one master key: protect what we send with
 * the local key, unprotect what we receive with the remote key — one `SrtpSession` each. Packets are
 * transformed in place in caller-provided buffers; nothing is allocated per packet on the fast paths
 * (see README for the exact allocation profile).
 *
 * ```text
 * SRTP  (RFC 3711 §3.1):  | RTP header | payload (encrypted) | auth tag (10/4, or 16 for GCM) |
 * SRTCP (RFC 3711 §3.4):  | 8 octets | rest (encrypted if E) | E‖SRTCP index | auth tag (10) |
 * SRTCP (RFC 7714 §9.2):  | 8 octets | rest (encrypted if E) | tag (16) | E‖SRTCP index |
 * ```
 *
 * State is kept per SSRC and per direction: the packet index (ROC estimation, RFC 3711 Appendix A),
 * a 64-packet replay window for SRTP and another for SRTCP (§3.3.2), and the SRTCP send index.
 * Unprotect never throws and never modifies a packet it refuses: every check, the tag included, runs
 * before the first byte is decrypted.
 */
import { readUint32 } from './bytes.ts';
import { AesCmHmacTransform } from './aes-cm-hmac-transform.ts';
import { AesGcmNativeTransform } from './aes-gcm-native-transform.ts';
import { AesGcmTransform } from './aes-gcm-transform.ts';
import {
  DEFAULT_MAX_STREAMS,
  RTCP_CLEAR_HEADER_LENGTH,
  RTP_FIXED_HEADER_LENGTH,
  RTP_VERSION,
  SEQ_MOD,
  SRTCP_INDEX_LENGTH,
  SRTCP_INDEX_MAX,
} from './constants.ts';
import { deriveSrtpSessionKeys, type SrtpMasterSecret, type SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpFailure } from './srtp-failure.ts';
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';
import type { SrtpTransform } from './srtp-transform.ts';
import { StreamState, acceptIndex, checkReplay, estimateIndex, noteSent } from './stream-state.ts';

/** Options of {@link SrtpSession}; every field is optional. */
export interface SrtpSessionOptions {
  /** SSRCs tracked per direction and packet kind (default 64); a new one beyond that is refused. */
  readonly maxStreams?: number;
  /** Refuse replayed and too-old packets (default true; RFC 3711 §3.3.2). */
  readonly replayProtection?: boolean;
  /** Set the E bit and encrypt SRTCP payloads (default true); unprotect accepts both. */
  readonly encryptRtcp?: boolean;
  /** AES-GCM implementation: `js` (reused ECB context + table GHASH, default) or `native` (a new OpenSSL GCM context per packet). */
  readonly gcm?: 'js' | 'native';
  /** Produce keystream for ~32 packets per OpenSSL call (default true). Off: one call per packet. */
  readonly keystreamCache?: boolean;
}

/** Which side of a session {@link SrtpSession.setRolloverCounter} addresses. */
export type SrtpDirection = 'protect' | 'unprotect';

/** Negative results of {@link rtpHeaderLength}. */
const TOO_SHORT = -1;
const BAD_VERSION = -2;
const BAD_HEADER = -3;

/**
 * Length of the RTP header (fixed part, CSRCs, extension) in `packet[0, length)`, or a negative code.
 * The payload, padding included, is what SRTP encrypts (RFC 3711 §3.1).
 */
function rtpHeaderLength(packet: Uint8Array, length: number): number {
  if (length < RTP_FIXED_HEADER_LENGTH) return TOO_SHORT;
  const b0 = packet[0] ?? 0;
  if (b0 >>> 6 !== RTP_VERSION) return BAD_VERSION;
  let n = RTP_FIXED_HEADER_LENGTH + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (n + 4 > length) return BAD_HEADER;
    n += 4 + 4 * (((packet[n + 2] ?? 0) << 8) | (packet[n + 3] ?? 0));
  }
  return n > length ? BAD_HEADER : n;
}

function headerFailure(code: number): SrtpFailure {
  return code === TOO_SHORT ? 'too-short' : code === BAD_VERSION ? 'bad-version' : 'bad-header';
}

function validLength(packet: Uint8Array, length: number): boolean {
  return Number.isInteger(length) && length >= 0 && length <= packet.length;
}

/**
 * The SRTP and SRTCP context of one master key. Use one per direction: a `protect` session with the
 * local key and an `unprotect` session with the remote key (see `srtpSessionsFromDtls`). A single
 * session can do both (the states are separate), which is what the tests do.
 *
 * @example
 * const tx = new SrtpSession('AES_CM_128_HMAC_SHA1_80', local);   // { key, salt }
 * const n = tx.protectRtp(buf, len);            // buf needs rtpOverhead bytes of room after len
 * if (typeof n === 'number') send(buf, n);
 * const m = rx.unprotectRtp(buf, len);
 * if (typeof m === 'string') dropped[m]++;       // 'auth-failed', 'replayed', …
 */
export class SrtpSession {
  readonly suite: SrtpSuite;
  /** Bytes `protectRtp` appends. */
  readonly rtpOverhead: number;
  /** Bytes `protectRtcp` appends (E‖index and tag). */
  readonly rtcpOverhead: number;
  readonly #transform: SrtpTransform;
  readonly #maxStreams: number;
  readonly #replay: boolean;
  readonly #encryptRtcp: boolean;
  readonly #cached: boolean;
  readonly #rtpOut = new Map<number, StreamState>();
  readonly #rtpIn = new Map<number, StreamState>();
  readonly #rtcpOut = new Map<number, StreamState>();
  readonly #rtcpIn = new Map<number, StreamState>();

  /**
   * @param keys a master key and salt (derived here, RFC 3711 §4.3), or already derived session keys.
   * @throws RangeError when the key sizes do not match `suite` (a programmer error).
   */
  constructor(suite: SrtpSuite, keys: SrtpMasterSecret | SrtpSessionKeys, options: SrtpSessionOptions = {}) {
    const p = SRTP_SUITES[suite];
    const session = 'rtpEncryptionKey' in keys ? keys : deriveSrtpSessionKeys(suite, keys);
    if (session.rtpEncryptionKey.length !== p.keyLength || session.rtpSalt.length !== p.saltLength) {
      throw new RangeError(`${suite} session keys have the wrong length`);
    }
    this.suite = suite;
    this.#transform =
      p.transform === 'aes-cm-hmac-sha1'
        ? new AesCmHmacTransform(session, p.rtpTagLength, p.rtcpTagLength)
        : options.gcm === 'native'
          ? new AesGcmNativeTransform(session)
          : new AesGcmTransform(session);
    this.rtpOverhead = p.rtpTagLength;
    this.rtcpOverhead = p.rtcpTagLength + SRTCP_INDEX_LENGTH;
    this.#maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
    this.#replay = options.replayProtection ?? true;
    this.#encryptRtcp = options.encryptRtcp ?? true;
    this.#cached = options.keystreamCache ?? true;
  }

  /**
   * Encrypts and authenticates the RTP packet `packet[0, length)` in place and returns its new length
   * (`length + rtpOverhead`). `packet.length` must leave room for the tag.
   */
  protectRtp(packet: Uint8Array, length: number): number | SrtpFailure {
    if (!validLength(packet, length)) return 'bad-length';
    const header = rtpHeaderLength(packet, length);
    if (header < 0) return headerFailure(header);
    if (length + this.rtpOverhead > packet.length) return 'no-room';
    const ssrc = readUint32(packet, 8);
    const state = this.#stream(this.#rtpOut, ssrc, true);
    if (state === undefined) return 'too-many-streams';
    const index = estimateIndex(state, ((packet[2] ?? 0) << 8) | (packet[3] ?? 0));
    if (index < 0) return 'too-old';
    this.#transform.protectRtp(packet, header, length, ssrc, index, state.cache);
    noteSent(state, index);
    return length + this.rtpOverhead;
  }

  /**
   * Authenticates, replay-checks and decrypts the SRTP packet `packet[0, length)` in place; returns
   * the RTP length, or why it was refused (the packet is then unchanged).
   */
  unprotectRtp(packet: Uint8Array, length: number): number | SrtpFailure {
    if (!validLength(packet, length)) return 'bad-length';
    const header = rtpHeaderLength(packet, length);
    if (header < 0) return headerFailure(header);
    const end = length - this.rtpOverhead;
    if (end < header) return 'too-short';
    const ssrc = readUint32(packet, 8);
    let state = this.#stream(this.#rtpIn, ssrc, false);
    if (state === undefined && this.#rtpIn.size >= this.#maxStreams) return 'too-many-streams';
    const index = estimateIndex(state, ((packet[2] ?? 0) << 8) | (packet[3] ?? 0));
    if (index < 0) return 'too-old';
    if (state !== undefined && this.#replay) {
      const replay = checkReplay(state, index);
      if (replay !== undefined) return replay;
    }
    if (!this.#transform.unprotectRtp(packet, header, end, ssrc, index, state?.cache)) return 'auth-failed';
    state ??= this.#stream(this.#rtpIn, ssrc, true);
    if (state !== undefined) acceptIndex(state, index);
    return end;
  }

  /**
   * Protects the RTCP compound packet `packet[0, length)` in place (the first 8 octets stay clear)
   * with the next SRTCP index of its sender SSRC; returns `length + rtcpOverhead`.
   */
  protectRtcp(packet: Uint8Array, length: number): number | SrtpFailure {
    if (!validLength(packet, length)) return 'bad-length';
    if (length < RTCP_CLEAR_HEADER_LENGTH) return 'too-short';
    if ((packet[0] ?? 0) >>> 6 !== RTP_VERSION) return 'bad-version';
    if (length + this.rtcpOverhead > packet.length) return 'no-room';
    const ssrc = readUint32(packet, 4);
    const state = this.#stream(this.#rtcpOut, ssrc, true);
    if (state === undefined) return 'too-many-streams';
    const index = state.nextRtcpIndex;
    if (index > SRTCP_INDEX_MAX) return 'index-exhausted';
    this.#transform.protectRtcp(packet, length, ssrc, index, this.#encryptRtcp);
    state.nextRtcpIndex = index + 1;
    return length + this.rtcpOverhead;
  }

  /**
   * Authenticates, replay-checks (on the SRTCP index) and, when the E bit is set, decrypts the SRTCP
   * packet `packet[0, length)` in place; returns the RTCP length or why it was refused (unchanged).
   */
  unprotectRtcp(packet: Uint8Array, length: number): number | SrtpFailure {
    if (!validLength(packet, length)) return 'bad-length';
    const end = length - this.rtcpOverhead;
    if (end < RTCP_CLEAR_HEADER_LENGTH) return 'too-short';
    if ((packet[0] ?? 0) >>> 6 !== RTP_VERSION) return 'bad-version';
    const word = readUint32(packet, this.#transform.rtcpIndexLast ? length - SRTCP_INDEX_LENGTH : end);
    const index = word & SRTCP_INDEX_MAX;
    const ssrc = readUint32(packet, 4);
    let state = this.#stream(this.#rtcpIn, ssrc, false);
    if (state === undefined && this.#rtcpIn.size >= this.#maxStreams) return 'too-many-streams';
    if (state !== undefined && this.#replay) {
      const replay = checkReplay(state, index);
      if (replay !== undefined) return replay;
    }
    if (!this.#transform.unprotectRtcp(packet, end, ssrc, index, word >>> 31 === 1)) return 'auth-failed';
    state ??= this.#stream(this.#rtcpIn, ssrc, true);
    if (state !== undefined) acceptIndex(state, index);
    return end;
  }

  /**
   * Starts the SRTP stream of `ssrc` in `direction` afresh with rollover counter `roc` (RFC 3711
   * §3.3.1), for a stream joined after its first 65,536 packets. Clears that stream's replay window.
   */
  setRolloverCounter(direction: SrtpDirection, ssrc: number, roc: number): void {
    const map = direction === 'protect' ? this.#rtpOut : this.#rtpIn;
    const state = new StreamState(ssrc >>> 0, this.#cached);
    state.initialRoc = roc >>> 0;
    map.set(ssrc >>> 0, state);
  }

  /** The current ROC of the SRTP stream of `ssrc` in `direction`, or `undefined` if there is none. */
  rolloverCounter(direction: SrtpDirection, ssrc: number): number | undefined {
    const state = (direction === 'protect' ? this.#rtpOut : this.#rtpIn).get(ssrc >>> 0);
    if (state === undefined) return undefined;
    return state.highest < 0 ? state.initialRoc : Math.floor(state.highest / SEQ_MOD);
  }

  /** Forgets the SRTP and SRTCP state of `ssrc` in both directions (e.g. after an RTCP BYE). */
  removeStream(ssrc: number): void {
    const key = ssrc >>> 0;
    this.#rtpOut.delete(key);
    this.#rtpIn.delete(key);
    this.#rtcpOut.delete(key);
    this.#rtcpIn.delete(key);
  }

  #stream(map: Map<number, StreamState>, ssrc: number, create: boolean): StreamState | undefined {
    let state = map.get(ssrc);
    if (state === undefined && create && map.size < this.#maxStreams) {
      state = new StreamState(ssrc, this.#cached && map !== this.#rtcpOut && map !== this.#rtcpIn);
      map.set(ssrc, state);
    }
    return state;
  }
}
