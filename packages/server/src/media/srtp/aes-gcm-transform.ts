/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714) built from a reused AES-ECB context (the GCTR
 * keystream, {@link CounterKeystream}) and a table-driven GHASH ({@link Ghash}); NIST SP 800-38D §7.
 *
 * - SRTP (RFC 7714 §8): IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt; AAD = the RTP header (CSRCs and
 *   extension included); plaintext = the payload; the 16-byte tag follows the ciphertext.
 * - SRTCP (§9): IV = (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ index) ⊕ salt; with E = 1 the AAD is the first
 *   8 octets ‖ E‖index and the rest is encrypted; with E = 0 the AAD is the whole packet ‖ E‖index.
 *   Wire order: header, ciphertext, tag, E‖index (§9.2, Figure 3).
 */
import { createCipheriv } from 'node:crypto';
import { readUint32, writeUint32 } from './bytes.ts';
import { GCM_TAG_LENGTH, RTCP_CLEAR_HEADER_LENGTH, SRTCP_E_FLAG, SRTCP_INDEX_LENGTH } from './constants.ts';
import { CounterKeystream, xorInto, type EcbAlgorithm, type KeystreamCache } from './counter-keystream.ts';
import { Ghash } from './ghash.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpTransform } from './srtp-transform.ts';

const BLOCK = 16;

/** Holds E=0 SRTCP AAD (packet ‖ E‖index), which is not contiguous on the wire. Rare: may grow. */
let aadScratch = new Uint8Array(256);

/** One GCM key: its GCTR keystream and its GHASH table. */
class GcmKey {
  readonly ctr: CounterKeystream;
  readonly ghash: Ghash;

  constructor(algorithm: EcbAlgorithm, key: Uint8Array, salt: Uint8Array, layout: 'gcm-rtp' | 'gcm-rtcp') {
    this.ctr = new CounterKeystream(algorithm, key, salt, layout);
    const ecb = createCipheriv(algorithm, key, null);
    ecb.setAutoPadding(false);
    this.ghash = new Ghash(ecb.update(new Uint8Array(BLOCK)));
  }

  /** Writes GHASH ⊕ E(K, J0) — the tag — to `out[offset…]`; the keystream's block 0 is E(K, J0). */
  writeTag(out: Uint8Array, offset: number): void {
    const g = this.ghash;
    const ks = this.ctr.keystream;
    const k = this.ctr.keystreamOffset;
    writeUint32(out, offset, (g.y0 ^ readUint32(ks, k)) >>> 0);
    writeUint32(out, offset + 4, (g.y1 ^ readUint32(ks, k + 4)) >>> 0);
    writeUint32(out, offset + 8, (g.y2 ^ readUint32(ks, k + 8)) >>> 0);
    writeUint32(out, offset + 12, (g.y3 ^ readUint32(ks, k + 12)) >>> 0);
  }

  /** Compares the tag at `buf[offset…]` with GHASH ⊕ E(K, J0), without early exit. */
  matchesTag(buf: Uint8Array, offset: number): boolean {
    const g = this.ghash;
    const ks = this.ctr.keystream;
    const k = this.ctr.keystreamOffset;
    const d =
      (readUint32(buf, offset) ^ g.y0 ^ readUint32(ks, k)) |
      (readUint32(buf, offset + 4) ^ g.y1 ^ readUint32(ks, k + 4)) |
      (readUint32(buf, offset + 8) ^ g.y2 ^ readUint32(ks, k + 8)) |
      (readUint32(buf, offset + 12) ^ g.y3 ^ readUint32(ks, k + 12));
    return d === 0;
  }
}

/** The AES-GCM transform of one direction, in TypeScript over one ECB context per key. */
export class AesGcmTransform implements SrtpTransform {
  readonly rtpTagLength = GCM_TAG_LENGTH;
  readonly rtcpTagLength = GCM_TAG_LENGTH;
  readonly rtcpIndexLast = true;
  readonly #rtp: GcmKey;
  readonly #rtcp: GcmKey;

  constructor(keys: SrtpSessionKeys) {
    const algorithm: EcbAlgorithm = keys.rtpEncryptionKey.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb';
    this.#rtp = new GcmKey(algorithm, keys.rtpEncryptionKey, keys.rtpSalt, 'gcm-rtp');
    this.#rtcp = new GcmKey(algorithm, keys.rtcpEncryptionKey, keys.rtcpSalt, 'gcm-rtcp');
  }

  protectRtp(buf: Uint8Array, headerLength: number, length: number, ssrc: number, index: number, cache: KeystreamCache | undefined): void {
    const k = this.#rtp;
    const payload = length - headerLength;
    k.ctr.fetch(cache, ssrc, index, 1 + ((payload + 15) >>> 4), true);
    xorInto(buf, headerLength, k.ctr.keystream, k.ctr.keystreamOffset + BLOCK, payload);
    const g = k.ghash;
    g.reset();
    g.update(buf, 0, headerLength);
    g.update(buf, headerLength, payload);
    g.updateLengths(headerLength, payload);
    k.writeTag(buf, length);
  }

  unprotectRtp(buf: Uint8Array, headerLength: number, end: number, ssrc: number, index: number, cache: KeystreamCache | undefined): boolean {
    const k = this.#rtp;
    const payload = end - headerLength;
    const refill = k.ctr.fetch(cache, ssrc, index, 1 + ((payload + 15) >>> 4), false);
    const g = k.ghash;
    g.reset();
    g.update(buf, 0, headerLength);
    g.update(buf, headerLength, payload);
    g.updateLengths(headerLength, payload);
    if (!k.matchesTag(buf, end)) return false;
    xorInto(buf, headerLength, k.ctr.keystream, k.ctr.keystreamOffset + BLOCK, payload);
    if (refill && cache !== undefined) k.ctr.refill(cache, ssrc, index + 1);
    return true;
  }

  protectRtcp(buf: Uint8Array, length: number, ssrc: number, index: number, encrypt: boolean): void {
    const k = this.#rtcp;
    const word = encrypt ? (SRTCP_E_FLAG | index) >>> 0 : index;
    const body = encrypt ? length - RTCP_CLEAR_HEADER_LENGTH : 0;
    k.ctr.fetch(undefined, ssrc, index, 1 + ((body + 15) >>> 4), false);
    if (encrypt) xorInto(buf, RTCP_CLEAR_HEADER_LENGTH, k.ctr.keystream, k.ctr.keystreamOffset + BLOCK, body);
    this.#rtcpHash(buf, length, word, encrypt);
    k.writeTag(buf, length);
    writeUint32(buf, length + GCM_TAG_LENGTH, word);
  }

  unprotectRtcp(buf: Uint8Array, end: number, ssrc: number, index: number, encrypted: boolean): boolean {
    const k = this.#rtcp;
    const word = readUint32(buf, end + GCM_TAG_LENGTH);
    const body = encrypted ? end - RTCP_CLEAR_HEADER_LENGTH : 0;
    k.ctr.fetch(undefined, ssrc, index, 1 + ((body + 15) >>> 4), false);
    this.#rtcpHash(buf, end, word, encrypted);
    if (!k.matchesTag(buf, end)) return false;
    if (encrypted) xorInto(buf, RTCP_CLEAR_HEADER_LENGTH, k.ctr.keystream, k.ctr.keystreamOffset + BLOCK, body);
    return true;
  }

  /** GHASH of an SRTCP packet whose (cipher)text ends at `end`, with E‖index `word` (RFC 7714 §9.3). */
  #rtcpHash(buf: Uint8Array, end: number, word: number, encrypted: boolean): void {
    const g = this.#rtcp.ghash;
    g.reset();
    if (encrypted) {
      // AAD = first 8 octets ‖ E‖index: exactly one (padded) block.
      g.updateWords(readUint32(buf, 0) | 0, readUint32(buf, 4) | 0, word | 0, 0);
      g.update(buf, RTCP_CLEAR_HEADER_LENGTH, end - RTCP_CLEAR_HEADER_LENGTH);
      g.updateLengths(RTCP_CLEAR_HEADER_LENGTH + SRTCP_INDEX_LENGTH, end - RTCP_CLEAR_HEADER_LENGTH);
    } else {
      const aadLength = end + SRTCP_INDEX_LENGTH;
      if (aadScratch.length < aadLength) aadScratch = new Uint8Array(2 * aadLength);
      aadScratch.set(buf.subarray(0, end));
      writeUint32(aadScratch, end, word);
      g.update(aadScratch, 0, aadLength);
      g.updateLengths(aadLength, 0);
    }
  }
}
