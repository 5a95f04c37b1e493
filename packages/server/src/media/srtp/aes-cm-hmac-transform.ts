/**
 * AES_CM_128_HMAC_SHA1_80 / _32 (RFC 3711 §4.1.1, §4.2; RFC 5764 §4.1.2): AES-128 counter mode from a
 * reused ECB context ({@link CounterKeystream}) and HMAC-SHA1 with precomputed pad states
 * ({@link HmacSha1}). SRTP authenticates `packet ‖ ROC` (§4.2); SRTCP authenticates the packet
 * including its E‖index word (§3.4).
 */
import { CounterKeystream, xorInto, type KeystreamCache } from './counter-keystream.ts';
import { SRTCP_E_FLAG, SRTCP_INDEX_LENGTH, RTCP_CLEAR_HEADER_LENGTH, SEQ_MOD } from './constants.ts';
import { HmacSha1 } from './hmac-sha1.ts';
import { writeUint32 } from './bytes.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpTransform } from './srtp-transform.ts';

/** The AES-CM + HMAC-SHA1 transform of one direction. */
export class AesCmHmacTransform implements SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  readonly rtcpIndexLast = false;
  readonly #rtpCipher: CounterKeystream;
  readonly #rtcpCipher: CounterKeystream;
  readonly #rtpMac: HmacSha1;
  readonly #rtcpMac: HmacSha1;

  constructor(keys: SrtpSessionKeys, rtpTagLength: number, rtcpTagLength: number) {
    this.rtpTagLength = rtpTagLength;
    this.rtcpTagLength = rtcpTagLength;
    this.#rtpCipher = new CounterKeystream('aes-128-ecb', keys.rtpEncryptionKey, keys.rtpSalt, 'aes-cm');
    this.#rtcpCipher = new CounterKeystream('aes-128-ecb', keys.rtcpEncryptionKey, keys.rtcpSalt, 'aes-cm');
    this.#rtpMac = new HmacSha1(keys.rtpAuthKey);
    this.#rtcpMac = new HmacSha1(keys.rtcpAuthKey);
  }

  protectRtp(buf: Uint8Array, headerLength: number, length: number, ssrc: number, index: number, cache: KeystreamCache | undefined): void {
    this.#crypt(buf, headerLength, length, ssrc, index, cache);
    this.#rtpMac.compute(buf, 0, length, (index / SEQ_MOD) >>> 0);
    this.#rtpMac.writeTag(buf, length, this.rtpTagLength);
  }

  unprotectRtp(buf: Uint8Array, headerLength: number, end: number, ssrc: number, index: number, cache: KeystreamCache | undefined): boolean {
    this.#rtpMac.compute(buf, 0, end, (index / SEQ_MOD) >>> 0);
    if (!this.#rtpMac.matchesTag(buf, end, this.rtpTagLength)) return false;
    this.#crypt(buf, headerLength, end, ssrc, index, cache);
    return true;
  }

  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt: boolean): void {
    if (encrypt) this.#cryptRtcp(buf, length, ssrc, index);
    const word = encrypt ? (SRTCP_E_FLAG | index) >>> 0 : index;
    writeUint32(buf, length, word);
    this.#rtcpMac.compute(buf, 0, length + SRTCP_INDEX_LENGTH);
    this.#rtcpMac.writeTag(buf, length + SRTCP_INDEX_LENGTH, this.rtcpTagLength);
  }

  unprotectRtcp(buf: Uint8Array, end: number, ssrc: number, index: number, encrypted: boolean): boolean {
    this.#rtcpMac.compute(buf, 0, end + SRTCP_INDEX_LENGTH);
    if (!this.#rtcpMac.matchesTag(buf, end + SRTCP_INDEX_LENGTH, this.rtcpTagLength)) return false;
    if (encrypted) this.#cryptRtcp(buf, end, ssrc, index);
    return true;
  }

  #crypt(buf: Uint8Array, from: number, to: number, ssrc: number, index: number, cache: KeystreamCache | undefined): void {
    const length = to - from;
    if (length <= 0) return;
    const ks = this.#rtpCipher;
    ks.fetch(cache, ssrc, index, (length + 15) >>> 4, true);
    xorInto(buf, from, ks.keystream, ks.keystreamOffset, length);
  }

  #cryptRtcp(buf: Uint8Array, end: number, ssrc: number, index: number): void {
    const length = end - RTCP_CLEAR_HEADER_LENGTH;
    if (length <= 0) return;
    const ks = this.#rtcpCipher;
    ks.fetch(undefined, ssrc, index, (length + 15) >>> 4, false);
    xorInto(buf, RTCP_CLEAR_HEADER_LENGTH, ks.keystream, ks.keystreamOffset, length);
  }
}
