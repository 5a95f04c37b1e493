/**
 * AEAD_AES_*_GCM (RFC 7714) with one `createCipheriv('aes-*-gcm')` per packet: the straightforward
 * implementation on OpenSSL. Node cannot re-key or re-IV a GCM context, so every packet pays for a
 * new one (several µs; see README) and allocates its output; {@link AesGcmTransform} is the fast path.
 * Kept as the fallback and as the reference the fast path is checked against.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { readUint32, writeUint32 } from './bytes.ts';
import { GCM_TAG_LENGTH, RTCP_CLEAR_HEADER_LENGTH, SRTCP_E_FLAG, SRTCP_INDEX_LENGTH } from './constants.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpTransform } from './srtp-transform.ts';

const IV_LENGTH = 12;
const iv = Buffer.alloc(IV_LENGTH);
const rtcpAad = Buffer.alloc(RTCP_CLEAR_HEADER_LENGTH + SRTCP_INDEX_LENGTH);

/** The per-packet-`createCipheriv` AES-GCM transform of one direction. */
export class AesGcmNativeTransform implements SrtpTransform {
  readonly rtpTagLength = GCM_TAG_LENGTH;
  readonly rtcpTagLength = GCM_TAG_LENGTH;
  readonly rtcpIndexLast = true;
  readonly #algorithm: 'aes-128-gcm' | 'aes-256-gcm';
  readonly #rtpKey: KeyObject;
  readonly #rtcpKey: KeyObject;
  readonly #rtpSalt: Buffer;
  readonly #rtcpSalt: Buffer;

  constructor(keys: SrtpSessionKeys) {
    this.#algorithm = keys.rtpEncryptionKey.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    // A KeyObject makes each createCipheriv cheaper than a raw Buffer key.
    this.#rtpKey = createSecretKey(keys.rtpEncryptionKey);
    this.#rtcpKey = createSecretKey(keys.rtcpEncryptionKey);
    this.#rtpSalt = keys.rtpSalt;
    this.#rtcpSalt = keys.rtcpSalt;
  }

  protectRtp(buf: Uint8Array, headerLength: number, length: number, ssrc: number, index: number): void {
    rtpIv(this.#rtpSalt, ssrc, index);
    const c = createCipheriv(this.#algorithm, this.#rtpKey, iv, { authTagLength: GCM_TAG_LENGTH });
    c.setAAD(buf.subarray(0, headerLength));
    buf.set(c.update(buf.subarray(headerLength, length)), headerLength);
    c.final();
    buf.set(c.getAuthTag(), length);
  }

  unprotectRtp(buf: Uint8Array, headerLength: number, end: number, ssrc: number, index: number): boolean {
    rtpIv(this.#rtpSalt, ssrc, index);
    return this.#open(this.#rtpKey, buf, buf.subarray(0, headerLength), headerLength, end);
  }

  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt: boolean): void {
    rtcpIv(this.#rtcpSalt, ssrc, index);
    const word = encrypt ? (SRTCP_E_FLAG | index) >>> 0 : index;
    const c = createCipheriv(this.#algorithm, this.#rtcpKey, iv, { authTagLength: GCM_TAG_LENGTH });
    if (encrypt) {
      c.setAAD(rtcpAadOf(buf, word));
      buf.set(c.update(buf.subarray(RTCP_CLEAR_HEADER_LENGTH, length)), RTCP_CLEAR_HEADER_LENGTH);
    } else {
      writeUint32(rtcpAad, RTCP_CLEAR_HEADER_LENGTH, word);
      c.setAAD(Buffer.concat([buf.subarray(0, length), rtcpAad.subarray(RTCP_CLEAR_HEADER_LENGTH)]));
    }
    c.final();
    buf.set(c.getAuthTag(), length);
    writeUint32(buf, length + GCM_TAG_LENGTH, word);
  }

  unprotectRtcp(buf: Uint8Array, end: number, ssrc: number, index: number, encrypted: boolean): boolean {
    rtcpIv(this.#rtcpSalt, ssrc, index);
    const word = readUint32(buf, end + GCM_TAG_LENGTH);
    if (encrypted) return this.#open(this.#rtcpKey, buf, rtcpAadOf(buf, word), RTCP_CLEAR_HEADER_LENGTH, end);
    writeUint32(rtcpAad, RTCP_CLEAR_HEADER_LENGTH, word);
    const aad = Buffer.concat([buf.subarray(0, end), rtcpAad.subarray(RTCP_CLEAR_HEADER_LENGTH)]);
    return this.#open(this.#rtcpKey, buf, aad, end, end);
  }

  /** Decrypts `buf[from, end)` with the tag at `buf[end…]`; writes the plaintext back only if it authenticates. */
  #open(key: KeyObject, buf: Uint8Array, aad: Uint8Array, from: number, end: number): boolean {
    try {
      const d = createDecipheriv(this.#algorithm, key, iv, { authTagLength: GCM_TAG_LENGTH });
      d.setAuthTag(buf.subarray(end, end + GCM_TAG_LENGTH));
      d.setAAD(aad);
      const plain = d.update(buf.subarray(from, end));
      d.final();
      buf.set(plain, from);
      return true;
    } catch {
      return false;
    }
  }
}

/** RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt, into the shared `iv`. */
function rtpIv(salt: Buffer, ssrc: number, index: number): void {
  const roc = (index / 0x1_0000) >>> 0;
  iv[0] = 0;
  iv[1] = 0;
  writeUint32(iv, 2, ssrc);
  writeUint32(iv, 6, roc);
  iv[10] = (index >>> 8) & 0xff;
  iv[11] = index & 0xff;
  for (let i = 0; i < IV_LENGTH; i++) iv[i] = (iv[i] ?? 0) ^ (salt[i] ?? 0);
}

/** RFC 7714 §9.1: IV = (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ SRTCP index) ⊕ salt. */
function rtcpIv(salt: Buffer, ssrc: number, index: number): void {
  iv.fill(0);
  writeUint32(iv, 2, ssrc);
  writeUint32(iv, 8, index);
  for (let i = 0; i < IV_LENGTH; i++) iv[i] = (iv[i] ?? 0) ^ (salt[i] ?? 0);
}

/** RFC 7714 §9.3 AAD of an encrypted SRTCP packet: the first 8 octets ‖ E‖index. */
function rtcpAadOf(buf: Uint8Array, word: number): Buffer {
  rtcpAad.set(buf.subarray(0, RTCP_CLEAR_HEADER_LENGTH));
  writeUint32(rtcpAad, RTCP_CLEAR_HEADER_LENGTH, word);
  return rtcpAad;
}
