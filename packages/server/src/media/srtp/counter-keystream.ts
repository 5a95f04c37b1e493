/**
 * Counter-mode keystream for SRTP from ONE reused AES-ECB context per session key.
 *
 * Node has no way to reset the IV of a `Cipher`, and creating one costs microseconds (OpenSSL 3
 * fetches the algorithm on every init). ECB over counter blocks that we write ourselves is the same
 * keystream (NIST SP 800-38A §6.5) with one context for the session's lifetime. Each `update()` call
 * still costs about as much as encrypting hundreds of blocks, so the keystream of the next
 * {@link KeystreamCache} packets of a stream is produced in one call and used as the packets come.
 *
 * Counter block layouts (big-endian words w0‖w1‖w2‖w3, `j` = block number):
 * - `aes-cm` (RFC 3711 §4.1.1): `(k_s·2^16) ⊕ (SSRC·2^64) ⊕ (i·2^16) + j`, the 48-bit index `i` being
 *   ROC‖SEQ for SRTP and the 31-bit SRTCP index for SRTCP (§4.1.1, §3.4).
 * - `gcm-rtp` (RFC 7714 §8.1): `(0x0000‖SSRC‖ROC‖SEQ) ⊕ salt`, then a 32-bit block counter from 1
 *   (block 0 is E(K, J0), the tag mask; data starts at counter 2, NIST SP 800-38D §7.1).
 * - `gcm-rtcp` (RFC 7714 §9.1): `(0x0000‖SSRC‖0x0000‖0‖SRTCP index) ⊕ salt`, counter from 1.
 */
import { createCipheriv, type Cipheriv } from 'node:crypto';
import { KEYSTREAM_CACHE_MAX_BLOCKS, KEYSTREAM_CACHE_MAX_PACKET_BLOCKS, KEYSTREAM_CACHE_PACKETS } from './constants.ts';

/** How the salt, SSRC and index make a counter block. */
export type CounterLayout = 'aes-cm' | 'gcm-rtp' | 'gcm-rtcp';

/** The ECB algorithm matching a session key length. */
export type EcbAlgorithm = 'aes-128-ecb' | 'aes-256-ecb';

const BLOCK = 16;

/** Counter blocks are written here (shared: everything is synchronous), then encrypted in one call. */
let counters = new Uint8Array(KEYSTREAM_CACHE_MAX_BLOCKS * BLOCK);
let counterView = new DataView(counters.buffer);
/** `counterViews[n]` = the first `n` blocks of `counters`, so `update()` needs no new view per call. */
let counterViews: Uint8Array[] = [];

function ensureCounterCapacity(blocks: number): void {
  if (blocks * BLOCK <= counters.length) return;
  counters = new Uint8Array(Math.max(blocks, 2 * counters.length / BLOCK) * BLOCK);
  counterView = new DataView(counters.buffer);
  counterViews = [];
}

function counterPrefix(blocks: number): Uint8Array {
  let view = counterViews[blocks];
  if (view === undefined) {
    view = counters.subarray(0, blocks * BLOCK);
    counterViews[blocks] = view;
  }
  return view;
}

/**
 * The keystream of the next packets of one stream (one SSRC, one direction): packet index `base + p`
 * owns blocks `[p·blocksPerPacket, (p + 1)·blocksPerPacket)` of `data`. Owned by the stream state;
 * only {@link CounterKeystream} reads or writes it.
 */
export class KeystreamCache {
  /** Index of the first cached packet (48-bit SRTP index). */
  base = 0;
  /** Packets cached; 0 when empty. */
  count = 0;
  blocksPerPacket = 0;
  /** The largest number of blocks a packet of this stream needed so far. */
  wanted = 0;
  data: Uint8Array | undefined;
}

/**
 * An AES-ECB context turned into SRTP's counter mode. After {@link CounterKeystream.fetch} the
 * keystream of the requested packet is `keystream[keystreamOffset, keystreamOffset + 16·blocks)`.
 */
export class CounterKeystream {
  readonly #cipher: Cipheriv;
  readonly #layout: CounterLayout;
  readonly #s0: number;
  readonly #s1: number;
  readonly #s2: number;
  readonly #s3: number;
  /** Result of the last {@link fetch}: not copied, valid until the next call. */
  keystream: Uint8Array = counters;
  keystreamOffset = 0;

  /**
   * @param salt the session salt: 14 bytes for AES-CM, 12 for GCM (zero-padded to 16 here).
   */
  constructor(algorithm: EcbAlgorithm, key: Uint8Array, salt: Uint8Array, layout: CounterLayout) {
    const cipher = createCipheriv(algorithm, key, null);
    cipher.setAutoPadding(false);
    this.#cipher = cipher;
    this.#layout = layout;
    const s = new Uint8Array(BLOCK);
    s.set(salt.subarray(0, BLOCK));
    const v = new DataView(s.buffer);
    this.#s0 = v.getInt32(0);
    this.#s1 = v.getInt32(4);
    this.#s2 = v.getInt32(8);
    this.#s3 = v.getInt32(12);
  }

  /**
   * Makes the keystream of packet (`ssrc`, `index`) available, `blocks` blocks long. `index` is the
   * 48-bit SRTP index (ROC·2^16 + SEQ) or the SRTCP index. With a `cache`, a hit costs nothing; a
   * miss past the cached range refills the cache from `index` on when `mayRefill`, and otherwise
   * produces this packet's keystream alone (before authentication, so that forged packets cannot
   * move the cache). Returns true when the caller should {@link refill} from `index + 1` once the
   * packet has authenticated: after such a miss, or when this was the last cached packet.
   */
  fetch(cache: KeystreamCache | undefined, ssrc: number, index: number, blocks: number, mayRefill: boolean): boolean {
    let refillWanted = false;
    if (cache !== undefined) {
      const data = cache.data;
      const p = index - cache.base;
      if (data !== undefined && p >= 0 && p < cache.count && blocks <= cache.blocksPerPacket) {
        this.keystream = data;
        this.keystreamOffset = p * cache.blocksPerPacket * BLOCK;
        // The last cached packet: ask for the next batch now rather than paying a miss later.
        return !mayRefill && p === cache.count - 1;
      }
      if (blocks > cache.wanted) cache.wanted = blocks;
      // Refill when empty, past the end, or far behind (the stream jumped back); a packet that is
      // merely late gets its keystream alone and leaves the cache for the packets still to come.
      if (blocks <= KEYSTREAM_CACHE_MAX_PACKET_BLOCKS && (data === undefined || p >= cache.count || p < -cache.count)) {
        if (mayRefill) {
          this.refill(cache, ssrc, index);
          this.keystream = cache.data ?? counters;
          this.keystreamOffset = 0;
          return false;
        }
        refillWanted = true;
      }
    }
    ensureCounterCapacity(blocks);
    this.#writeCounters(0, ssrc, index, blocks);
    this.keystream = this.#cipher.update(counterPrefix(blocks));
    this.keystreamOffset = 0;
    return refillWanted;
  }

  /** Fills `cache` with the keystream of packets `index`, `index + 1`, … of `ssrc`. */
  refill(cache: KeystreamCache, ssrc: number, index: number): void {
    const per = Math.min(Math.max(cache.wanted, 1), KEYSTREAM_CACHE_MAX_PACKET_BLOCKS);
    const packets = Math.max(1, Math.min(KEYSTREAM_CACHE_PACKETS, Math.floor(KEYSTREAM_CACHE_MAX_BLOCKS / per)));
    for (let p = 0; p < packets; p++) this.#writeCounters(p * per, ssrc, index + p, per);
    cache.data = this.#cipher.update(counterPrefix(packets * per));
    cache.base = index;
    cache.count = packets;
    cache.blocksPerPacket = per;
  }

  /** Writes the `blocks` counter blocks of one packet at block `at` of the scratch. */
  #writeCounters(at: number, ssrc: number, index: number, blocks: number): void {
    // index < 2^48: the high 32 bits (ROC, or 0 for SRTCP) and the low 16 bits (SEQ).
    const high = (index / 0x1_0000) >>> 0;
    const low = index & 0xffff;
    let w0: number;
    let w1: number;
    let w2: number;
    let w3: number;
    if (this.#layout === 'aes-cm') {
      w0 = this.#s0;
      w1 = this.#s1 ^ ssrc;
      w2 = this.#s2 ^ high;
      w3 = this.#s3 ^ (low << 16);
    } else if (this.#layout === 'gcm-rtp') {
      w0 = this.#s0 ^ (ssrc >>> 16);
      w1 = this.#s1 ^ ((ssrc << 16) | (high >>> 16));
      w2 = this.#s2 ^ ((high << 16) | low);
      w3 = 1;
    } else {
      w0 = this.#s0 ^ (ssrc >>> 16);
      w1 = this.#s1 ^ (ssrc << 16);
      w2 = this.#s2 ^ index;
      w3 = 1;
    }
    const v = counterView;
    for (let j = 0, off = at * BLOCK; j < blocks; j++, off += BLOCK) {
      v.setInt32(off, w0);
      v.setInt32(off + 4, w1);
      v.setInt32(off + 8, w2);
      v.setInt32(off + 12, (w3 + j) | 0);
    }
  }
}

/** `dst[dstOff, dstOff + length) ^= src[srcOff, srcOff + length)`. */
export function xorInto(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, length: number): void {
  for (let i = 0; i < length; i++) dst[dstOff + i] = (dst[dstOff + i] ?? 0) ^ (src[srcOff + i] ?? 0);
}
