/**
 * Places the decoded audio frames of one channel (one call leg's audio) on a recording's timeline,
 * so that the two channels of a recording stay aligned with each other and with wall time through
 * everything RTP does to a stream: loss, jitter, reordering, DTX, SSRC changes, timestamp jumps and
 * sender clock drift.
 *
 * Positions are sample indices since the recording started. Two clocks say where a frame belongs:
 *
 * - arrival: a frame ended, at the latest, when it arrived (`arrivalSample − length`). Honest about
 *   wall time but noisy: network jitter moves it by tens of ms, frame to frame.
 * - the RTP timestamp: exact between frames of one stream (it counts samples at the sender), but
 *   its origin is random and it knows nothing about the other leg.
 *
 * So the timestamp places frames relative to an anchor, and arrival only sets and corrects the
 * anchor. The first frame (and the first after an SSRC change, or after the timestamp and arrival
 * disagree by more than `jumpMs`: a sender restart, a timestamp jump) anchors at its arrival
 * position. Since no packet arrives before it was sent, any later frame that arrives earlier than
 * the anchor predicts proves the anchor late (the anchoring frame was delayed): the anchor moves
 * earlier at once, and converges on the least-delayed frame seen, which is what keeps the two
 * channels within a few ms of each other. A timestamp clock that runs fast is corrected the same
 * way, in small steps. A frame arriving later than predicted is just jitter, unless the whole
 * stream keeps arriving more than `driftMs` late for `driftConfirmMs`: then the sender's clock is
 * slow (or the path got longer) and the anchor moves later by the least delay of that run.
 *
 * Frames land in a sparse list of fixed-size chunks: gaps (loss, DTX) stay zeros (silence), an
 * overlap is resolved by the last writer, and {@link ChannelTimeline.drain} hands out and forgets
 * everything before a point the caller chooses (now minus its jitter window). A frame before that
 * point is dropped (too late); one more than `maxAheadMs` past it is dropped as absurd, which bounds
 * the memory a stream can make the timeline hold.
 */

/** Settings of a {@link ChannelTimeline}; times in ms, converted to samples at `sampleRate`. */
export interface ChannelTimelineOptions {
  /** The recording's sample rate; RTP timestamps and arrival positions are in these units. */
  readonly sampleRate: number;
  /** A frame ending more than this far past the drain point is dropped (default 10 000). */
  readonly maxAheadMs?: number;
  /** Timestamp and arrival disagreeing by more than this re-anchors at once (default 1000). */
  readonly jumpMs?: number;
  /** A stream arriving later than its timestamps say by more than this… (default 120) */
  readonly driftMs?: number;
  /** …for this long (in timestamp time) re-anchors later (default 250). */
  readonly driftConfirmMs?: number;
  /** A frame must arrive at least this much earlier than predicted to move the anchor (default 2; absorbs arrival-clock rounding). */
  readonly earlyToleranceMs?: number;
}

/** Counters of a {@link ChannelTimeline} (a live view). */
export interface ChannelTimelineStats {
  /** Frames written (in whole or in part). */
  placed: number;
  /** Frames that ended before the drain point and were dropped whole. */
  droppedLate: number;
  /** Frames dropped for landing more than `maxAheadMs` past the drain point. */
  droppedFar: number;
  /** Anchor moves other than small early-arrival corrections: SSRC changes, jumps, drift. */
  reanchors: number;
  /** Samples dropped for being before the drain point (whole late frames and cut heads). */
  lateSamples: number;
}

/** Samples per chunk of the sparse store: 128 ms at 8 kHz, 21 ms at 48 kHz. */
const CHUNK_SAMPLES = 1024;
/** Released chunks kept for reuse; a stream in steady state needs only a few at a time. */
const POOL_SIZE = 4;

export class ChannelTimeline {
  readonly sampleRate: number;
  readonly #maxAhead: number;
  readonly #jump: number;
  readonly #drift: number;
  readonly #driftConfirm: number;
  readonly #earlyTolerance: number;
  readonly #stats: ChannelTimelineStats = { placed: 0, droppedLate: 0, droppedFar: 0, reanchors: 0, lateSamples: 0 };
  /** Chunk index (position / CHUNK_SAMPLES) → its samples; missing chunks are silence. */
  readonly #chunks = new Map<number, Int16Array>();
  readonly #pool: Int16Array[] = [];
  /** Everything before this position has been drained (and forgotten). */
  #drained = 0;
  #anchored = false;
  #ssrc = 0;
  /** The anchor: RTP timestamp #anchorTs (uint32) is position #anchorPos. Rebased on every frame to keep differences small. */
  #anchorTs = 0;
  #anchorPos = 0;
  /** Current run of frames arriving more than #drift late: its start (timestamp position) and least lateness. */
  #runActive = false;
  #runStart = 0;
  #runMin = 0;

  /** @throws RangeError for a sample rate that is not a positive integer (a programmer error). */
  constructor(options: ChannelTimelineOptions) {
    const rate = options.sampleRate;
    if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`invalid sample rate ${String(rate)}`);
    this.sampleRate = rate;
    const samples = (ms: number): number => Math.max(0, Math.round((ms * rate) / 1000));
    this.#maxAhead = Math.max(1, samples(options.maxAheadMs ?? 10_000));
    this.#jump = samples(options.jumpMs ?? 1000);
    this.#drift = samples(options.driftMs ?? 120);
    this.#driftConfirm = samples(options.driftConfirmMs ?? 250);
    this.#earlyTolerance = samples(options.earlyToleranceMs ?? 2);
  }

  /** Counters since construction (a live view). */
  get stats(): Readonly<ChannelTimelineStats> {
    return this.#stats;
  }

  /** The position drained up to: the next {@link ChannelTimeline.drain} starts here. */
  get drainedTo(): number {
    return this.#drained;
  }

  /**
   * Places one decoded frame. `rtpTimestamp` is in the recording's sample-rate units (uint32, may
   * wrap), `arrivalSample` the arrival time in samples since the recording started. Never throws.
   */
  push(pcm: Int16Array, rtpTimestamp: number, ssrc: number, arrivalSample: number): void {
    const length = pcm.length;
    if (length === 0 || !Number.isFinite(arrivalSample)) return;
    const ts = rtpTimestamp >>> 0;
    const arrivalPos = Math.round(arrivalSample) - length;
    const position = this.#place(ts, ssrc >>> 0, arrivalPos);
    this.#write(pcm, position);
  }

  /** Where the frame with timestamp `ts` goes, updating the anchor from its arrival position. */
  #place(ts: number, ssrc: number, arrivalPos: number): number {
    if (!this.#anchored || ssrc !== this.#ssrc) return this.#reanchor(ts, ssrc, arrivalPos);
    // Signed 32-bit difference: correct across the uint32 wrap for frames within ±2^31 samples.
    const tsPos = this.#anchorPos + ((ts - this.#anchorTs) | 0);
    const lateness = arrivalPos - tsPos;
    if (lateness > this.#jump || lateness < -this.#jump) return this.#reanchor(ts, ssrc, arrivalPos);
    if (lateness < -this.#earlyTolerance) {
      // Arrived before it could have been sent, per the anchor: the anchor was late. Move it earlier.
      if (-lateness > this.#drift) this.#stats.reanchors++;
      this.#runActive = false;
      return this.#rebase(ts, arrivalPos);
    }
    if (lateness <= this.#drift) {
      this.#runActive = false;
      return this.#rebase(ts, tsPos);
    }
    // Later than the drift bound: jitter, or the stream's clock falling behind ours. Only a run
    // that lasts says which.
    if (!this.#runActive) {
      this.#runActive = true;
      this.#runStart = tsPos;
      this.#runMin = lateness;
    } else if (lateness < this.#runMin) {
      this.#runMin = lateness;
    }
    if (tsPos - this.#runStart < this.#driftConfirm) return this.#rebase(ts, tsPos);
    const shift = this.#runMin;
    this.#runActive = false;
    this.#stats.reanchors++;
    return this.#rebase(ts, tsPos + shift);
  }

  #reanchor(ts: number, ssrc: number, arrivalPos: number): number {
    if (this.#anchored) this.#stats.reanchors++;
    this.#anchored = true;
    this.#ssrc = ssrc;
    this.#runActive = false;
    return this.#rebase(ts, arrivalPos);
  }

  #rebase(ts: number, position: number): number {
    this.#anchorTs = ts;
    this.#anchorPos = position;
    return position;
  }

  /** Writes `pcm` at `position`, cutting what is before the drain point. */
  #write(pcm: Int16Array, position: number): void {
    const end = position + pcm.length;
    const stats = this.#stats;
    if (end <= this.#drained) {
      stats.droppedLate++;
      stats.lateSamples += pcm.length;
      return;
    }
    if (end > this.#drained + this.#maxAhead) {
      stats.droppedFar++;
      return;
    }
    let from = 0;
    if (position < this.#drained) {
      from = this.#drained - position;
      stats.lateSamples += from;
    }
    stats.placed++;
    let at = position + from;
    while (at < end) {
      const index = Math.floor(at / CHUNK_SAMPLES);
      const chunkStart = index * CHUNK_SAMPLES;
      const count = Math.min(end, chunkStart + CHUNK_SAMPLES) - at;
      const src = at - position;
      this.#chunk(index).set(pcm.subarray(src, src + count), at - chunkStart);
      at += count;
    }
  }

  #chunk(index: number): Int16Array {
    let chunk = this.#chunks.get(index);
    if (chunk === undefined) {
      chunk = this.#pool.pop() ?? new Int16Array(CHUNK_SAMPLES);
      this.#chunks.set(index, chunk);
    }
    return chunk;
  }

  /**
   * The samples from the previous drain point up to `upToSample` (exclusive), zeros where nothing
   * was placed; they are forgotten, and frames for them that arrive later are dropped. Empty when
   * `upToSample` is not past the previous drain point.
   */
  drain(upToSample: number): Int16Array {
    const start = this.#drained;
    const end = Math.floor(upToSample);
    if (!(end > start)) return new Int16Array(0);
    const out = new Int16Array(end - start);
    for (const [index, chunk] of this.#chunks) {
      const chunkStart = index * CHUNK_SAMPLES;
      const chunkEnd = chunkStart + CHUNK_SAMPLES;
      const from = Math.max(start, chunkStart);
      const to = Math.min(end, chunkEnd);
      if (from < to) out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - start);
      if (chunkEnd <= end) {
        this.#chunks.delete(index);
        if (this.#pool.length < POOL_SIZE) {
          chunk.fill(0);
          this.#pool.push(chunk);
        }
      }
    }
    this.#drained = end;
    return out;
  }

  /** Chunks currently held (for tests of the memory bound). */
  get heldChunks(): number {
    return this.#chunks.size;
  }
}
