/**
 * One recording in progress: taps on the call's two legs (channel 1 the parent/caller leg, channel 2
 * the child/dialed leg), a decoder per leg, the mixer that keeps both on one timeline, and the spool
 * file the mixed samples stream to. Audio is placed by RTP timestamp and arrival time and drained to
 * disk a jitter window behind real time, so late and reordered packets still land in place.
 */
import type { MediaEndpoint, MediaTap, PauseBehavior } from '../calls/ports.ts';
import type { RecordingTrackKind } from '../store/ports.ts';
import { LegDecoder } from './leg-decoder.ts';
import { RecordingMixer } from './recording-mixer.ts';
import type { SpoolWriter } from './spool-writer.ts';

/** How far behind real time audio is written: packets later than this are left out. */
export const JITTER_WINDOW_MS = 200;

interface Leg {
  endpoint: MediaEndpoint | null;
  readonly decoder: LegDecoder;
  readonly tap: MediaTap;
}

export interface CallRecorderOptions {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly track: RecordingTrackKind;
  /** Wall-clock start (ms): sample 0 of the timeline. */
  readonly startMs: number;
  readonly writer: SpoolWriter;
}

export class CallRecorder {
  readonly #rate: number;
  readonly #startMs: number;
  readonly #writer: SpoolWriter;
  readonly #mixer: RecordingMixer;
  readonly #legs: readonly [Leg, Leg];
  #drainedTo = 0;
  #paused = false;
  #ended = false;

  constructor(options: CallRecorderOptions) {
    this.#rate = options.sampleRate;
    this.#startMs = options.startMs;
    this.#writer = options.writer;
    this.#mixer = new RecordingMixer({ sampleRate: options.sampleRate, channels: options.channels, track: options.track });
    this.#legs = [this.#leg(0), this.#leg(1)];
  }

  #leg(channel: 0 | 1): Leg {
    const decoder = new LegDecoder(this.#rate);
    const tap: MediaTap = {
      onAudio: (payload, codec, timestamp, ssrc, arrivalMs) => {
        if (this.#ended) return;
        const frame = decoder.decode(payload, codec, timestamp, ssrc);
        if (frame !== null) this.#mixer.push(channel, frame.pcm, frame.timestamp, frame.ssrc, this.#sampleAt(arrivalMs));
      },
    };
    return { endpoint: null, decoder, tap };
  }

  /** Samples of the timeline at wall-clock time `ms`. */
  #sampleAt(ms: number): number {
    return Math.round(((ms - this.#startMs) * this.#rate) / 1000);
  }

  get paused(): boolean {
    return this.#paused;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Taps `parent` (channel 1) and `child` (channel 2); a leg no longer there is untapped. */
  setLegs(parent: MediaEndpoint | null, child: MediaEndpoint | null): void {
    if (this.#ended) return;
    this.#setLeg(this.#legs[0], parent);
    this.#setLeg(this.#legs[1], child);
  }

  #setLeg(leg: Leg, endpoint: MediaEndpoint | null): void {
    if (leg.endpoint === endpoint) return;
    leg.endpoint?.setTap(null);
    leg.endpoint = endpoint;
    endpoint?.setTap(leg.tap);
  }

  /** Writes what is older than the jitter window. Called periodically. */
  tick(nowMs: number): void {
    if (this.#ended) return;
    this.#drainTo(this.#sampleAt(nowMs - JITTER_WINDOW_MS));
  }

  #drainTo(sample: number): void {
    if (sample <= this.#drainedTo) return;
    this.#writer.append(this.#mixer.drain(sample));
    this.#drainedTo = sample;
  }

  pause(nowMs: number, behavior: PauseBehavior): boolean {
    if (this.#ended || this.#paused) return false;
    this.#paused = true;
    this.#mixer.pause(this.#sampleAt(nowMs), behavior);
    return true;
  }

  resume(nowMs: number): boolean {
    if (this.#ended || !this.#paused) return false;
    this.#paused = false;
    this.#mixer.resume(this.#sampleAt(nowMs));
    return true;
  }

  /** Stops tapping, writes everything up to `nowMs` and finishes the file: its data length in bytes. */
  async finish(nowMs: number): Promise<number> {
    if (!this.#ended) {
      this.setLegs(null, null);
      this.#drainTo(this.#sampleAt(nowMs));
      this.#ended = true;
      for (const leg of this.#legs) leg.decoder.close();
    }
    return this.#writer.finish();
  }
}
