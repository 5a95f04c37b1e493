/**
 * Leading and trailing silence detection for Twilio's `trim="trim-silence"`. The audio is cut into
 * fixed windows (20 ms by default) counted from the first frame; a window is silent when every
 * channel's RMS in it is below the threshold (−50 dBFS by default, relative to a full-scale
 * square wave, i.e. an RMS of about 104). The kept span runs from the first non-silent window to
 * the end of the last one, widened by a margin (100 ms) on each side so that a soft onset or a
 * decaying word is not clipped; a recording with no non-silent window trims to nothing.
 *
 * Because windows are counted from the start of the audio, feeding {@link SilenceScanner} a long
 * file in chunks of any size (even ones that split a frame) gives exactly the one-shot result.
 */

/** Settings of silence trimming. */
export interface SilenceTrimOptions {
  /** Below this RMS level, in dBFS, a channel is silent (default −50). */
  readonly thresholdDbfs?: number;
  /** Analysis window (default 20). */
  readonly windowMs?: number;
  /** Kept before the first and after the last non-silent window (default 100). */
  readonly marginMs?: number;
}

/** The frames to keep: [startFrame, endFrame); equal when everything is silent. */
export interface TrimBounds {
  readonly startFrame: number;
  readonly endFrame: number;
}

/** Streaming silence scanner: feed it interleaved PCM16 chunks, ask for the bounds at any time. */
export class SilenceScanner {
  readonly channels: number;
  readonly #windowFrames: number;
  readonly #marginFrames: number;
  /** Squared RMS threshold. */
  readonly #threshold2: number;
  /** Sum of squares per channel in the current window. */
  readonly #acc: Float64Array;
  /** Channel of the next sample (a chunk may end mid-frame). */
  #channel = 0;
  /** Whole frames fed. */
  #frames = 0;
  /** Frames of the current window fed so far. */
  #inWindow = 0;
  #firstSound = -1;
  #soundEnd = -1;

  /** @throws RangeError for a channel count or sample rate that is not a positive integer (a programmer error). */
  constructor(channels: number, sampleRate: number, options: SilenceTrimOptions = {}) {
    if (!Number.isInteger(channels) || channels <= 0) throw new RangeError(`invalid channel count ${String(channels)}`);
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${String(sampleRate)}`);
    this.channels = channels;
    this.#windowFrames = Math.max(1, Math.round(((options.windowMs ?? 20) * sampleRate) / 1000));
    this.#marginFrames = Math.max(0, Math.round(((options.marginMs ?? 100) * sampleRate) / 1000));
    const threshold = 32768 * 10 ** ((options.thresholdDbfs ?? -50) / 20);
    this.#threshold2 = threshold * threshold;
    this.#acc = new Float64Array(channels);
  }

  /** Feeds the next interleaved samples (any length; a frame may continue in the next chunk). */
  push(chunk: Int16Array): void {
    const channels = this.channels;
    const acc = this.#acc;
    let ch = this.#channel;
    for (let i = 0; i < chunk.length; i++) {
      const s = chunk[i] ?? 0;
      acc[ch] = (acc[ch] ?? 0) + s * s;
      if (++ch < channels) continue;
      ch = 0;
      this.#frames++;
      if (++this.#inWindow === this.#windowFrames) this.#closeWindow();
    }
    this.#channel = ch;
  }

  #loud(frames: number): boolean {
    const limit = this.#threshold2 * frames;
    for (const sum of this.#acc) if (sum >= limit) return true;
    return false;
  }

  #closeWindow(): void {
    if (this.#loud(this.#inWindow)) {
      if (this.#firstSound < 0) this.#firstSound = this.#frames - this.#inWindow;
      this.#soundEnd = this.#frames;
    }
    this.#acc.fill(0);
    this.#inWindow = 0;
  }

  /** Whole frames fed so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Start of the first non-silent window, or null when none was seen (the open window counts). */
  get firstSoundFrame(): number | null {
    if (this.#firstSound >= 0) return this.#firstSound;
    return this.#openWindowLoud() ? this.#frames - this.#inWindow : null;
  }

  /** End (exclusive) of the last non-silent window, or null when none was seen (the open window counts). */
  get soundEndFrame(): number | null {
    if (this.#openWindowLoud()) return this.#frames;
    return this.#soundEnd >= 0 ? this.#soundEnd : null;
  }

  /** The window still being filled (the last, short one when the audio ends) is not silent. */
  #openWindowLoud(): boolean {
    return this.#inWindow > 0 && this.#loud(this.#inWindow);
  }

  /** The frames to keep, given everything fed so far (callable at any time; feeding more may change it). */
  bounds(): TrimBounds {
    const first = this.firstSoundFrame;
    const end = this.soundEndFrame;
    if (first === null || end === null) return { startFrame: 0, endFrame: 0 };
    return {
      startFrame: Math.max(0, first - this.#marginFrames),
      endFrame: Math.min(this.#frames, end + this.#marginFrames),
    };
  }
}

/** {@link SilenceScanner.bounds} of one interleaved buffer of `channels` channels. */
export function trimSilenceBounds(pcm: Int16Array, channels: number, sampleRate: number, options: SilenceTrimOptions = {}): TrimBounds {
  const scanner = new SilenceScanner(channels, sampleRate, options);
  scanner.push(pcm);
  return scanner.bounds();
}
