/**
 * SRTP keyed with SDES (RFC 4568) for one SIP leg: Denwa's keys (random, one per offered suite, kept
 * across re-INVITEs), the peer's key from its `a=crypto`, and the two SRTP contexts of `media/srtp`
 * (protect with Denwa's key, unprotect with the peer's). Packets are transformed in place; a packet
 * without room for the tag (a plain leg's datagram, sized exactly) is copied into one of a few
 * reused buffers first. An MKI on the peer's packets is skipped; Denwa's own packets carry none.
 */
import { randomBytes } from 'node:crypto';
import { SDES_KEY_LENGTH, SDES_OFFER_SUITES, cryptoAttribute, type SdesKey, type SdesSuite, type SrtpPolicy } from '../sdp/index.ts';
import { SRTP_SUITES, SrtpSession } from '../srtp/index.ts';

/** Spare buffers for packets that need a copy to make room for the tag. */
const RING = 8;
/** The longest RTP packet copied (anything longer is not audio). */
const MAX_RTP = 1500;

function session(suite: SdesSuite, keySalt: Uint8Array): SrtpSession {
  const keyLength = SRTP_SUITES[suite].keyLength;
  return new SrtpSession(suite, { key: keySalt.subarray(0, keyLength), salt: keySalt.subarray(keyLength) });
}

function sameKey(a: SdesKey | null, b: SdesKey): boolean {
  return a !== null && a.suite === b.suite && a.mkiLength === b.mkiLength && Buffer.compare(a.keySalt, b.keySalt) === 0;
}

/** What Denwa's offer says about SRTP. */
export interface SdesOffer {
  /** `a=crypto` values (empty when SRTP is off). */
  readonly crypto: readonly string[];
  readonly protocol: 'RTP/AVP' | 'RTP/SAVP';
  /** Offered suites by tag, for reading the answer. */
  readonly offered: ReadonlyMap<number, SdesSuite>;
}

export class SdesSrtp {
  /** How this leg treats SRTP (set by the offer or answer Denwa makes). */
  policy: SrtpPolicy = 'off';
  /** The suites of Denwa's current offer by tag (empty: none offered). */
  offered: ReadonlyMap<number, SdesSuite> = new Map();
  /** Denwa's key per suite (the same key answers every re-INVITE of the call). */
  readonly #keys = new Map<SdesSuite, Uint8Array>();
  #protect: SrtpSession | null = null;
  #unprotect: SrtpSession | null = null;
  #localSuite: SdesSuite | null = null;
  #remote: SdesKey | null = null;
  #ring: Buffer[] = [];
  #next = 0;
  /** Length of the packet the last successful protect returned. */
  length = 0;

  /** True while SRTP is in use (both keys agreed). */
  get active(): boolean {
    return this.#protect !== null;
  }

  /** The suite in use, or null for plain RTP. */
  get suite(): SdesSuite | null {
    return this.#protect === null ? null : this.#localSuite;
  }

  #key(suite: SdesSuite): Uint8Array {
    let key = this.#keys.get(suite);
    if (key === undefined) {
      key = Uint8Array.from(randomBytes(SDES_KEY_LENGTH[suite]));
      this.#keys.set(suite, key);
    }
    return key;
  }

  /** Denwa's offer under `policy`: `required` → RTP/SAVP, `optional` → RTP/AVP with a=crypto, `off` → plain. */
  offer(policy: SrtpPolicy): SdesOffer {
    this.policy = policy;
    const offered = new Map<number, SdesSuite>();
    this.offered = offered;
    if (policy === 'off') return { crypto: [], protocol: 'RTP/AVP', offered };
    const crypto = SDES_OFFER_SUITES.map((suite, i) => {
      offered.set(i + 1, suite);
      return cryptoAttribute(i + 1, suite, this.#key(suite));
    });
    return { crypto, protocol: policy === 'required' ? 'RTP/SAVP' : 'RTP/AVP', offered };
  }

  /**
   * Applies an agreed exchange: `remote` is the peer's key (null: plain RTP). As the answerer, Denwa
   * answers with its key of the same suite under the peer's tag (the returned `a=crypto` values).
   */
  agree(remote: SdesKey | null): string[] {
    if (remote === null) {
      this.#protect = null;
      this.#unprotect = null;
      this.#remote = null;
      this.#localSuite = null;
      return [];
    }
    const key = this.#key(remote.suite);
    if (this.#protect === null || this.#localSuite !== remote.suite) this.#protect = session(remote.suite, key);
    this.#localSuite = remote.suite;
    if (this.#unprotect === null || !sameKey(this.#remote, remote)) this.#unprotect = session(remote.suite, remote.keySalt);
    this.#remote = remote;
    return [cryptoAttribute(remote.tag, remote.suite, key)];
  }

  /** Authenticates and decrypts an SRTP or SRTCP datagram in place: the plain packet (a view), or null when refused. */
  unprotect(buf: Buffer, rtcp: boolean): Buffer | null {
    const n = rtcp ? this.unprotectRtcp(buf, buf.length) : this.unprotectRtp(buf, buf.length);
    return n < 0 ? null : buf.subarray(0, n);
  }

  /** Authenticates and decrypts the SRTP packet `buf[0, len)` in place: the RTP length, or −1 when refused. */
  unprotectRtp(buf: Buffer, len: number): number {
    const unprotect = this.#unprotect;
    if (unprotect === null) return len;
    const n = unprotect.unprotectRtp(buf, this.#skipMki(buf, len, unprotect.rtpOverhead));
    return typeof n === 'number' ? n : -1;
  }

  /** The same for SRTCP. */
  unprotectRtcp(buf: Buffer, len: number): number {
    const unprotect = this.#unprotect;
    if (unprotect === null) return len;
    const n = unprotect.unprotectRtcp(buf, this.#skipMki(buf, len, unprotect.rtcpOverhead - 4));
    return typeof n === 'number' ? n : -1;
  }

  /** Removes the peer's MKI (between the protected packet and its tag): the new length. */
  #skipMki(buf: Buffer, len: number, tag: number): number {
    const mki = this.#remote?.mkiLength ?? 0;
    if (mki === 0 || len < tag + mki) return len;
    buf.copyWithin(len - tag - mki, len - tag, len);
    return len - mki;
  }

  /**
   * Protects the RTP packet `buf[0, len)`: in place when `buf` has room for the tag, else in a copy.
   * Returns the buffer to send (its length in {@link SdesSrtp.length}), or null when it cannot.
   */
  protectRtp(buf: Buffer, len: number): Buffer | null {
    const protect = this.#protect;
    if (protect === null) {
      this.length = len;
      return buf;
    }
    let out = buf;
    if (len + protect.rtpOverhead > buf.length) {
      if (len > MAX_RTP) return null;
      if (this.#ring.length === 0) this.#ring = Array.from({ length: RING }, () => Buffer.alloc(MAX_RTP + 16));
      out = this.#ring[this.#next] ?? Buffer.alloc(MAX_RTP + 16);
      this.#next = (this.#next + 1) % RING;
      buf.copy(out, 0, 0, len);
    }
    const n = protect.protectRtp(out, len);
    if (typeof n !== 'number') return null;
    this.length = n;
    return out;
  }

  /** An RTCP report, protected as SRTCP in a new buffer (one every few seconds), or as is for plain RTP. */
  protectRtcp(report: Buffer): Buffer | null {
    const protect = this.#protect;
    if (protect === null) return report;
    const out = Buffer.alloc(report.length + protect.rtcpOverhead);
    report.copy(out);
    const n = protect.protectRtcp(out, report.length);
    return typeof n === 'number' ? out.subarray(0, n) : null;
  }
}
