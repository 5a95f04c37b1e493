/**
 * Turns the two legs' decoded audio into a recording's PCM: channel 0 is the parent (caller) leg,
 * channel 1 the child (dialed) leg, each placed on the wall timeline by its own
 * {@link ChannelTimeline}. The mode is Twilio's: `RecordingChannels` (`mono` sums the recorded
 * tracks, clipped to 16 bits; `dual` keeps one leg per channel, interleaved L/R) and
 * `RecordingTrack` (`inbound` is channel 0's audio only, `outbound` channel 1's, `both` both; a
 * track not recorded is silence in its channel, or left out of the mono sum).
 *
 * Pause and resume work on the wall timeline, at the positions they were called at, and are
 * applied when that span is drained: audio that arrives late for a paused span is discarded like
 * audio that arrived during it. A `silence` pause keeps the span as silence (the recording stays as
 * long as the call); a `skip` pause leaves it out, so the output runs behind the wall timeline by
 * the paused time ({@link RecordingMixer.samplesWritten} counts output frames, not wall time).
 */
import { ChannelTimeline, type ChannelTimelineOptions, type ChannelTimelineStats } from './channel-timeline.ts';

/** Which legs a recording keeps (Twilio's `RecordingTrack`). */
export type RecordingTrack = 'both' | 'inbound' | 'outbound';

/** What a pause does to the output: leave the span out, or keep it as silence. */
export type PauseBehavior = 'skip' | 'silence';

/** Settings of a {@link RecordingMixer}. */
export interface RecordingMixerOptions {
  readonly sampleRate: number;
  /** 1: the recorded tracks summed; 2: channel 0 left, channel 1 right. */
  readonly channels: 1 | 2;
  readonly track: RecordingTrack;
  /** Placement settings for both channels' timelines. */
  readonly timeline?: Omit<ChannelTimelineOptions, 'sampleRate'>;
}

/** A pause on the wall timeline: [start, end), end Infinity while it lasts. */
interface PauseSpan {
  readonly start: number;
  end: number;
  readonly behavior: PauseBehavior;
}

function clamp16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

export class RecordingMixer {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly track: RecordingTrack;
  readonly #timelines: readonly [ChannelTimeline, ChannelTimeline];
  readonly #recorded: readonly [boolean, boolean];
  /** Pauses not yet fully drained, in order; only the last may be open. */
  #pauses: PauseSpan[] = [];
  /** Wall position drained up to. */
  #drained = 0;
  #samplesWritten = 0;

  constructor(options: RecordingMixerOptions) {
    this.sampleRate = options.sampleRate;
    this.channels = options.channels;
    this.track = options.track;
    const timelineOptions: ChannelTimelineOptions = { ...options.timeline, sampleRate: options.sampleRate };
    this.#timelines = [new ChannelTimeline(timelineOptions), new ChannelTimeline(timelineOptions)];
    this.#recorded = [options.track !== 'outbound', options.track !== 'inbound'];
  }

  /** Feeds one decoded frame of `channel` (see {@link ChannelTimeline.push}); a track not recorded is ignored. */
  push(channel: 0 | 1, pcm: Int16Array, rtpTimestamp: number, ssrc: number, arrivalSample: number): void {
    if (!this.#recorded[channel]) return;
    this.#timelines[channel].push(pcm, rtpTimestamp, ssrc, arrivalSample);
  }

  /** Counters of one channel's timeline. */
  stats(channel: 0 | 1): Readonly<ChannelTimelineStats> {
    return this.#timelines[channel].stats;
  }

  /** Whether a pause is open. */
  get paused(): boolean {
    return this.#pauses.at(-1)?.end === Infinity;
  }

  /**
   * Starts a pause at wall position `atSample` (no earlier than what was already drained). Returns
   * false, changing nothing, when already paused.
   */
  pause(atSample: number, behavior: PauseBehavior): boolean {
    if (this.paused) return false;
    const last = this.#pauses.at(-1);
    const start = Math.max(Math.floor(atSample), this.#drained, last?.end ?? 0);
    this.#pauses.push({ start, end: Infinity, behavior });
    return true;
  }

  /** Ends the open pause at wall position `atSample`. Returns false when not paused. */
  resume(atSample: number): boolean {
    const open = this.#pauses.at(-1);
    if (open?.end !== Infinity) return false;
    open.end = Math.max(Math.floor(atSample), open.start, this.#drained);
    return true;
  }

  /** Output frames produced so far (paused `skip` spans not counted). */
  get samplesWritten(): number {
    return this.#samplesWritten;
  }

  /** Duration of the output so far, in ms (rounded). */
  get durationMs(): number {
    return Math.round((this.#samplesWritten * 1000) / this.sampleRate);
  }

  /** The wall position drained up to. */
  get drainedTo(): number {
    return this.#drained;
  }

  /**
   * The output frames for the wall span from the previous drain up to `upToSample` (exclusive):
   * interleaved L/R for two channels. Paused spans are zeros or left out, per their behavior.
   */
  drain(upToSample: number): Int16Array {
    const start = this.#drained;
    const end = Math.floor(upToSample);
    if (!(end > start)) return new Int16Array(0);
    const a = this.#timelines[0].drain(end);
    const b = this.#timelines[1].drain(end);
    this.#drained = end;
    // Wall segments [from, to) of this span, each kept, silenced or skipped.
    const segments: { from: number; to: number; keep: boolean }[] = [];
    let skipped = 0;
    let at = start;
    for (const p of this.#pauses) {
      const from = Math.max(p.start, start);
      const to = Math.min(p.end, end);
      if (from >= to) continue;
      if (from > at) segments.push({ from: at, to: from, keep: true });
      if (p.behavior === 'silence') segments.push({ from, to, keep: false });
      else skipped += to - from;
      at = to;
    }
    if (at < end) segments.push({ from: at, to: end, keep: true });
    this.#pauses = this.#pauses.filter((p) => p.end > end);
    const channels = this.channels;
    const out = new Int16Array((end - start - skipped) * channels);
    let frame = 0;
    for (const s of segments) {
      const n = s.to - s.from;
      if (s.keep) this.#mix(a, b, s.from - start, n, out, frame);
      frame += n;
    }
    this.#samplesWritten += frame;
    return out;
  }

  /** Writes `n` frames from `a[i…]` and `b[i…]` to `out` at frame `frame`. */
  #mix(a: Int16Array, b: Int16Array, i: number, n: number, out: Int16Array, frame: number): void {
    if (this.channels === 2) {
      let o = frame * 2;
      for (let k = i; k < i + n; k++) {
        out[o++] = a[k] ?? 0;
        out[o++] = b[k] ?? 0;
      }
      return;
    }
    // Mono: an unrecorded track's timeline holds only zeros, so the sum is the recorded tracks'.
    for (let k = 0; k < n; k++) out[frame + k] = clamp16((a[i + k] ?? 0) + (b[i + k] ?? 0));
  }
}
