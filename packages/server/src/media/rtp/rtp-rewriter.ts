/**
 * Rewrites RTP packets in place for one outgoing stream of the relay: the outgoing leg's SSRC, its
 * negotiated payload types, and sequence numbers and timestamps that stay continuous when the
 * source changes (another leg bridged in, or the source SSRC changed after a re-INVITE).
 *
 * Within one source the offsets are constant, so gaps and reordering pass through unchanged (the
 * receiver's loss and jitter statistics stay true). On a source change the next outgoing sequence
 * number is one past the highest sent, and the timestamp advances by the time elapsed since the
 * last packet (at least one frame), so the receiver sees a talkspurt boundary, not a jump.
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-5.1 (SSRC, sequence and timestamp rules)
 * @see https://www.rfc-editor.org/rfc/rfc7667#section-3.2.1.1 (RTP translator / relay topologies)
 */
import { DEFAULT_FRAME_MS, RTP_FIXED_HEADER_LENGTH, RTP_VERSION } from './constants.ts';
import { isSeqNewer, isTimestampNewer } from './sequence.ts';

/** Settings of an {@link RtpRewriter}. */
export interface RtpRewriterOptions {
  /** SSRC of this outgoing stream, as signalled to the receiving leg. */
  readonly ssrc: number;
  /** Incoming payload type → outgoing payload type (e.g. `{ 111: 96, 126: 101 }`). Others are dropped. */
  readonly payloadTypes: PayloadTypeMap;
  /** RTP clock rate of the outgoing stream (e.g. 48000 for Opus); converts elapsed time on a source change. */
  readonly clockRate: number;
  /** First outgoing sequence number; default: the first source's own (offset 0). */
  readonly initialSequence?: number;
  /** First outgoing timestamp; default: the first source's own (offset 0). */
  readonly initialTimestamp?: number;
  /** Minimum timestamp advance on a source change, in ms (default 20, one frame). */
  readonly frameMs?: number;
  /** Set the marker bit on the first packet after a source change (default true). */
  readonly markSourceChange?: boolean;
}

/** A payload type mapping, as a `Map` or a plain record keyed by incoming payload type. */
export type PayloadTypeMap = ReadonlyMap<number, number> | Readonly<Record<number, number>>;

/**
 * Per-outgoing-stream RTP rewriter. {@link RtpRewriter.rewrite} is allocation-free and is called
 * for every forwarded packet (after {@link stripHeaderExtensions} if extensions are removed).
 * @public
 */
export class RtpRewriter {
  readonly #ssrc: number;
  readonly #clockRate: number;
  readonly #frameTicks: number;
  readonly #markSourceChange: boolean;
  /** Incoming PT (0–127) → outgoing PT, −1 when unmapped. */
  readonly #ptMap = new Int16Array(128).fill(-1);
  #initialSequence: number | undefined;
  #initialTimestamp: number | undefined;

  #hasSource = false;
  #sourceSsrc = 0;
  #seqOffset = 0;
  #tsOffset = 0;
  #started = false;
  #highestSeq = 0;
  #highestTs = 0;
  #lastArrivalMs = Number.NaN;
  #packets = 0;

  constructor(options: RtpRewriterOptions) {
    this.#ssrc = options.ssrc >>> 0;
    this.#clockRate = options.clockRate;
    this.#frameTicks = Math.max(1, Math.round(((options.frameMs ?? DEFAULT_FRAME_MS) * options.clockRate) / 1000));
    this.#markSourceChange = options.markSourceChange ?? true;
    this.#initialSequence = options.initialSequence;
    this.#initialTimestamp = options.initialTimestamp;
    this.setPayloadTypes(options.payloadTypes);
  }

  /** Replaces the payload type mapping (after renegotiation). Entries outside 0–127 are ignored. */
  setPayloadTypes(map: PayloadTypeMap): void {
    this.#ptMap.fill(-1);
    const entries: Iterable<readonly [number | string, number]> =
      map instanceof Map ? map.entries() : Object.entries(map);
    for (const [from, to] of entries) {
      const incoming = Number(from);
      if (isPayloadType(incoming) && isPayloadType(to)) this.#ptMap[incoming] = to;
    }
  }

  /** The outgoing payload type for an incoming one, or −1 when it is not forwarded. */
  outgoingPayloadType(incoming: number): number {
    return this.#ptMap[incoming & 0x7f] ?? -1;
  }

  /**
   * Rewrites SSRC, payload type, sequence number and timestamp of `buf[0, len)` in place.
   * Writes only bytes 1–11. Never throws.
   * @param arrivalMs - arrival time of the packet on any ms clock; used only to size the timestamp
   *   gap on a source change. Without it, the gap is one frame.
   * @returns false when the packet must be dropped: shorter than 12 bytes, not version 2, or its
   *   payload type is not mapped. The buffer is then untouched.
   */
  rewrite(buf: Buffer, len: number, arrivalMs?: number): boolean {
    if (!(len >= RTP_FIXED_HEADER_LENGTH && len <= buf.length)) return false;
    if (buf.readUInt8(0) >> 6 !== RTP_VERSION) return false;
    const b1 = buf.readUInt8(1);
    const outPt = this.#ptMap[b1 & 0x7f] ?? -1;
    if (outPt < 0) return false;
    const ssrc = buf.readUInt32BE(8);
    const seq = buf.readUInt16BE(2);
    const ts = buf.readUInt32BE(4);
    let marker = b1 & 0x80;
    if (!this.#hasSource || ssrc !== this.#sourceSsrc) {
      this.#switchSource(ssrc, seq, ts, arrivalMs);
      if (this.#markSourceChange && this.#packets > 0) marker = 0x80;
    }
    const outSeq = (seq + this.#seqOffset) & 0xffff;
    const outTs = (ts + this.#tsOffset) >>> 0;
    if (!this.#started || isSeqNewer(outSeq, this.#highestSeq)) this.#highestSeq = outSeq;
    if (!this.#started || isTimestampNewer(outTs, this.#highestTs)) this.#highestTs = outTs;
    this.#started = true;
    if (arrivalMs !== undefined) this.#lastArrivalMs = arrivalMs;
    this.#packets++;
    buf.writeUInt8(marker | outPt, 1);
    buf.writeUInt16BE(outSeq, 2);
    buf.writeUInt32BE(outTs, 4);
    buf.writeUInt32BE(this.#ssrc, 8);
    return true;
  }

  /** Treats the next packet as coming from a new source, even if its SSRC is unchanged. */
  resync(): void {
    this.#hasSource = false;
  }

  /** The outgoing SSRC. */
  get ssrc(): number {
    return this.#ssrc;
  }

  /** Highest outgoing sequence number so far (wrap-aware); meaningful once a packet was rewritten. */
  get highestSequence(): number {
    return this.#highestSeq;
  }

  /** Highest outgoing RTP timestamp so far (wrap-aware). */
  get highestTimestamp(): number {
    return this.#highestTs;
  }

  /** Packets rewritten so far. */
  get packets(): number {
    return this.#packets;
  }

  #switchSource(ssrc: number, seq: number, ts: number, arrivalMs: number | undefined): void {
    this.#hasSource = true;
    this.#sourceSsrc = ssrc;
    let nextSeq: number;
    let nextTs: number;
    if (this.#started) {
      nextSeq = this.#highestSeq + 1;
      let gap = this.#frameTicks;
      if (arrivalMs !== undefined && Number.isFinite(this.#lastArrivalMs)) {
        gap = Math.max(gap, Math.round(((arrivalMs - this.#lastArrivalMs) * this.#clockRate) / 1000));
      }
      nextTs = this.#highestTs + gap;
    } else {
      nextSeq = this.#initialSequence ?? seq;
      nextTs = this.#initialTimestamp ?? ts;
      this.#initialSequence = undefined;
      this.#initialTimestamp = undefined;
    }
    this.#seqOffset = (nextSeq - seq) & 0xffff;
    this.#tsOffset = (nextTs - ts) >>> 0;
  }
}

function isPayloadType(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 128;
}
