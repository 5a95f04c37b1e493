/**
 * One direction of a transcoding bridge: RTP of the source leg's codec in, RTP of the target leg's
 * codec out (Opus ↔ PCMU/PCMA, PCMU ↔ PCMA). Audio is decoded to PCM, resampled when the rates
 * differ (a polyphase FIR: anti-aliased 48 → 8 kHz, interpolated 8 → 48 kHz), queued, and encoded
 * in 20 ms frames. RFC 4733 telephone-events are re-stamped and their durations rescaled to the
 * target's clock rates (8000 Hz events on a SIP leg ↔ 48000 Hz events on a browser leg).
 *
 * Output packets carry the target's payload types, their own sequence numbers (one per packet
 * sent), timestamps at the target's clock rate, and the source SSRC xor a constant (so the target's
 * rewriter sees a new source whenever the source, or passthrough ↔ transcoding, changes). They are
 * built in a small ring of buffers with room for the SRTP tag and handed to the target's
 * `sendRelayed`, which rewrites and (on WebRTC legs) protects them in place: nothing is allocated per
 * packet here.
 *
 * Timing follows the source timestamps: a gap (loss, silence suppression) becomes the same gap in
 * output timestamps, after any partly filled frame is completed with silence; packets older than the
 * stream position (late, reordered, duplicated) are dropped; a jump back by more than a second, or a
 * new SSRC, starts a new stream. There is no jitter buffer and no loss concealment.
 */
import { Resampler, createPcmDecoder, createPcmEncoder, type OpusSettings, type PcmDecoder, type PcmEncoder } from '../codec/index.ts';
import type { RelayCodecs } from '../endpoint/index.ts';
import { createRtpHeaderInfo, rtpHeaderInfo } from '../rtp/index.ts';

/** Sends one packet `buf[0, len)` through the target leg (its `sendRelayed`). */
export type TranscodedSend = (buf: Buffer, len: number, now: number) => boolean;

/** Output buffers per direction: a buffer is rewritten only after this many later packets. */
const RING = 8;
/** Spare bytes after each packet for the SRTP tag the target adds in place. */
const TRAILER_ROOM = 32;
/** Distinguishes transcoded output from the same source's passthrough packets at the rewriter. */
const SSRC_XOR = 0x7472636f;
const AUDIO = 1;
const EVENT = 2;

/** True when `from` → `to` needs transcoding and this module can do it. */
export function needsTranscoding(from: RelayCodecs, to: RelayCodecs): boolean {
  return from.primary.name !== to.primary.name || from.primary.clockRate !== to.primary.clockRate;
}

export class Transcoder {
  readonly #send: TranscodedSend;
  readonly #decoder: PcmDecoder;
  readonly #encoder: PcmEncoder;
  readonly #resampler: Resampler | null;
  readonly #primaryPt: number;
  /** Per incoming payload type: 0 not ours, AUDIO or EVENT. */
  readonly #kind = new Uint8Array(128);
  /** Per incoming telephone-event payload type: the outgoing one, and the duration scale. */
  readonly #eventPt = new Int16Array(128).fill(-1);
  readonly #eventScale = new Float64Array(128);
  /** Target clock ticks per source clock tick. */
  readonly #outPerIn: number;
  /** Target clock ticks per encoder PCM sample. */
  readonly #ticksPerSample: number;
  /** Source clock ticks per decoded PCM sample. */
  readonly #inTicksPerSample: number;
  readonly #frameTicks: number;
  readonly #pcm: Int16Array;
  readonly #fifo: Int16Array;
  #fill = 0;
  readonly #ring: Buffer[];
  #next = 0;
  readonly #info = createRtpHeaderInfo();
  #started = false;
  #ssrc = 0;
  #seq = 0;
  /** A source timestamp and the target timestamp it maps to. */
  #mapIn = 0;
  #mapOut = 0;
  /** Target timestamp of `#fifo[0]`. */
  #fifoTs = 0;
  #marker = 0;
  #closed = false;
  /** Packets dropped as late, undecodable or unmapped (for tests and logs). */
  dropped = 0;

  /**
   * @param from the source leg's codecs (what arrives); `from.primary.name` must be transcodable.
   * @param to the target leg's codecs (what it sends with).
   */
  constructor(from: RelayCodecs, to: RelayCodecs, send: TranscodedSend, opus: OpusSettings) {
    this.#send = send;
    this.#decoder = createPcmDecoder(from.primary.name, opus);
    this.#encoder = createPcmEncoder(to.primary.name, opus);
    const decodeRate = this.#decoder.sampleRate;
    const encodeRate = this.#encoder.sampleRate;
    this.#resampler = decodeRate === encodeRate ? null : new Resampler(decodeRate, encodeRate);
    this.#primaryPt = to.primary.pt;
    this.#outPerIn = to.primary.clockRate / from.primary.clockRate;
    this.#ticksPerSample = to.primary.clockRate / encodeRate;
    this.#inTicksPerSample = from.primary.clockRate / decodeRate;
    this.#frameTicks = this.#encoder.frameSamples * this.#ticksPerSample;
    for (const pt of from.primaryIn) this.#kind[pt & 0x7f] = AUDIO;
    for (const te of from.telephoneEventsIn) {
      const out =
        to.telephoneEvents.find((t) => t.clockRate === to.primary.clockRate) ??
        to.telephoneEvents.find((t) => t.clockRate === te.clockRate) ??
        to.telephoneEvents[0];
      if (out === undefined || this.#kind[te.pt & 0x7f] === AUDIO) continue;
      this.#kind[te.pt & 0x7f] = EVENT;
      this.#eventPt[te.pt & 0x7f] = out.pt;
      this.#eventScale[te.pt & 0x7f] = out.clockRate / te.clockRate;
    }
    this.#pcm = new Int16Array(this.#decoder.maxSamples);
    const resampled = Math.ceil((this.#decoder.maxSamples * encodeRate) / decodeRate) + 2;
    this.#fifo = new Int16Array(this.#encoder.frameSamples + resampled);
    this.#ring = Array.from({ length: RING }, () => Buffer.alloc(12 + Math.max(this.#encoder.maxPayload, 64) + TRAILER_ROOM));
  }

  /**
   * Takes one plain RTP packet of the source leg. Returns false when it is not used (not audio or
   * telephone-event of the source, late, undecodable, or this transcoder is closed).
   */
  push(buf: Buffer, len: number, now: number): boolean {
    if (this.#closed) return false;
    const info = rtpHeaderInfo(buf, len, this.#info);
    if (typeof info === 'string') return this.#drop();
    const b1 = buf[1] ?? 0;
    const pt = b1 & 0x7f;
    const kind = this.#kind[pt] ?? 0;
    if (kind === 0) return this.#drop();
    const ts = buf.readUInt32BE(4);
    const ssrc = buf.readUInt32BE(8);
    if (!this.#started || ssrc !== this.#ssrc) this.#restart(ssrc, ts);
    if (kind === EVENT) return this.#event(buf, info.payloadOffset, info.payloadLength, pt, ts, b1 & 0x80, now);
    const at = this.#position(ts);
    const end = (this.#fifoTs + this.#fill * this.#ticksPerSample) >>> 0;
    const late = (at - end) | 0;
    if (late < -2 * this.#ticksPerSample) {
      // Older than the stream position: a late or duplicated packet, or the source started over.
      if (late > -this.#oneSecond()) return this.#drop();
      this.#flush(now);
      this.#mapIn = ts;
      this.#mapOut = this.#fifoTs;
    } else if (late > 2 * this.#ticksPerSample) {
      // A gap: finish the partial frame with silence, then continue at the packet's own time.
      this.#flush(now);
      if (((at - this.#fifoTs) | 0) > 0) this.#fifoTs = at;
    }
    if ((b1 & 0x80) !== 0) this.#marker = 0x80;
    const samples = this.#decoder.decode(buf, info.payloadOffset, info.payloadLength, this.#pcm, 0);
    if (samples <= 0) return this.#drop();
    const resampler = this.#resampler;
    if (resampler === null) {
      const fifo = this.#fifo;
      const pcm = this.#pcm;
      const fill = this.#fill;
      for (let i = 0; i < samples; i++) fifo[fill + i] = pcm[i] ?? 0;
      this.#fill = fill + samples;
    } else {
      this.#fill += resampler.process(this.#pcm, 0, samples, this.#fifo, this.#fill);
    }
    // Keep the map on the source clock: this packet's samples span samples × ticks of the source.
    this.#mapIn = (ts + samples * this.#inTicksPerSample) >>> 0;
    this.#mapOut = (this.#fifoTs + this.#fill * this.#ticksPerSample) >>> 0;
    const frame = this.#encoder.frameSamples;
    while (this.#fill >= frame) this.#emitFrame(now);
    return true;
  }

  /** Frees the codec states. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#decoder.close();
    this.#encoder.close();
  }

  #drop(): false {
    this.dropped++;
    return false;
  }

  #oneSecond(): number {
    return this.#frameTicks * 50;
  }

  /** The target timestamp of source timestamp `ts`. */
  #position(ts: number): number {
    return (this.#mapOut + Math.round(((ts - this.#mapIn) | 0) * this.#outPerIn)) >>> 0;
  }

  /** A new source stream (first packet or a new SSRC): codec histories and the partial frame go. */
  #restart(ssrc: number, ts: number): void {
    this.#started = true;
    this.#ssrc = ssrc;
    this.#fill = 0;
    this.#decoder.reset();
    this.#resampler?.reset();
    this.#fifoTs = (this.#fifoTs + this.#frameTicks) >>> 0;
    this.#mapIn = ts;
    this.#mapOut = this.#fifoTs;
  }

  /** Completes a partly filled frame with silence and sends it. */
  #flush(now: number): void {
    if (this.#fill === 0) return;
    this.#fifo.fill(0, this.#fill, this.#encoder.frameSamples);
    this.#fill = this.#encoder.frameSamples;
    this.#emitFrame(now);
  }

  #header(out: Buffer, b1: number, ts: number): void {
    out[0] = 0x80;
    out[1] = b1;
    this.#seq = (this.#seq + 1) & 0xffff;
    out.writeUInt16BE(this.#seq, 2);
    out.writeUInt32BE(ts >>> 0, 4);
    out.writeUInt32BE((this.#ssrc ^ SSRC_XOR) >>> 0, 8);
  }

  #nextBuffer(): Buffer {
    const out = this.#ring[this.#next] ?? Buffer.alloc(12 + 1275 + TRAILER_ROOM);
    this.#next = (this.#next + 1) % RING;
    return out;
  }

  #emitFrame(now: number): void {
    const frame = this.#encoder.frameSamples;
    const out = this.#nextBuffer();
    const payload = this.#encoder.encode(this.#fifo, 0, out, 12);
    const ts = this.#fifoTs;
    this.#fifo.copyWithin(0, frame, this.#fill);
    this.#fill -= frame;
    this.#fifoTs = (this.#fifoTs + this.#frameTicks) >>> 0;
    if (payload < 0) return;
    this.#header(out, this.#marker | this.#primaryPt, ts);
    this.#marker = 0;
    this.#send(out, 12 + payload, now);
  }

  /** An RFC 4733 packet: the target's payload type, the mapped timestamp, durations rescaled. */
  #event(buf: Buffer, offset: number, length: number, pt: number, ts: number, marker: number, now: number): boolean {
    if (length < 4 || length > 64) return this.#drop();
    const out = this.#nextBuffer();
    buf.copy(out, 12, offset, offset + length);
    const scale = this.#eventScale[pt] ?? 1;
    for (let o = 12; o + 4 <= 12 + length; o += 4) {
      out.writeUInt16BE(Math.min(0xffff, Math.round(out.readUInt16BE(o + 2) * scale)), o + 2);
    }
    this.#header(out, marker | (this.#eventPt[pt] ?? 0), this.#position(ts));
    return this.#send(out, 12 + length, now);
  }
}
