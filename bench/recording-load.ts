/**
 * The synthetic load of `bench/recording.ts`: call legs that are only a tap point (no sockets, no
 * SRTP) and a paced driver that hands every leg one 20 ms PCMU packet per 20 ms, as the media relay
 * hands received packets to a recorder's tap.
 *
 * - {@link SyntheticEndpoint}: a `MediaEndpoint` with PCMU/8000 negotiated, its own SSRC and a tap slot.
 * - {@link ulawLoop}: one second (50 packets) of μ-law, a tone over noise, encoded once; the driver
 *   plays it in a loop, so the load allocates nothing per packet.
 * - {@link PacedDriver}: frame k of every leg is due at `t0 + 20·k` ms (performance.now() time) and
 *   carries RTP timestamp `k·160` (plus the leg's random origin) and `arrivalMs = Date.now()` at
 *   delivery. A late timer delivers the frames it owes at once (bounded by the run's frame count),
 *   as a relay reading a socket after a stall does.
 */
import type { MediaCodec, MediaEndpoint, MediaResult, MediaTap } from '../packages/server/src/calls/index.ts';
import { encodeG711 } from '../packages/server/src/media/codec/index.ts';

export const PCMU: MediaCodec = { name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 };
/** Samples per 20 ms PCMU packet. */
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;
export const FRAMES_PER_SECOND = 1000 / FRAME_MS;

export class SyntheticEndpoint implements MediaEndpoint {
  readonly id: string;
  readonly codec: MediaCodec = PCMU;
  readonly localSdp = '';
  readonly ssrc: number;
  readonly tsOrigin: number;
  tap: MediaTap | null = null;

  constructor(id: string, ssrc: number, tsOrigin: number) {
    this.id = id;
    this.ssrc = ssrc >>> 0;
    this.tsOrigin = tsOrigin >>> 0;
  }

  applyAnswer(): MediaResult<void> {
    return { ok: true, value: undefined };
  }

  reoffer(): MediaResult<string> {
    return { ok: true, value: this.localSdp };
  }

  close(): void {
    this.tap = null;
  }

  setTap(tap: MediaTap | null): void {
    this.tap = tap;
  }
}

/** A deterministic xorshift32 source of integers (seed ≠ 0). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/**
 * One second of μ-law packets: a `frequency` Hz tone at about −16 dBFS over white noise about 30 dB
 * below it (so the decoded audio has no runs of exact zeros, which the bench's gap check relies on).
 */
export function ulawLoop(frequency: number, seed: number): readonly Uint8Array[] {
  const next = xorshift(seed);
  const pcm = new Int16Array(FRAME_SAMPLES);
  const packets: Uint8Array[] = [];
  for (let p = 0; p < FRAMES_PER_SECOND; p++) {
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const n = p * FRAME_SAMPLES + i;
      const noise = (next() / 4_294_967_296 - 0.5) * 400;
      pcm[i] = Math.round(5000 * Math.sin((2 * Math.PI * frequency * n) / 8000) + noise);
    }
    const payload = new Uint8Array(FRAME_SAMPLES);
    encodeG711('ulaw', pcm, 0, FRAME_SAMPLES, payload, 0);
    packets.push(payload);
  }
  return packets;
}

/** One call: its parent and child legs, each with its own packet loop. */
export interface SyntheticCall {
  readonly parent: SyntheticEndpoint;
  readonly child: SyntheticEndpoint;
}

export function syntheticCalls(count: number, seed: number): SyntheticCall[] {
  const next = xorshift(seed);
  return Array.from({ length: count }, (_, i) => ({
    parent: new SyntheticEndpoint(`p${String(i)}`, next(), next()),
    child: new SyntheticEndpoint(`c${String(i)}`, next(), next()),
  }));
}

/** What one {@link PacedDriver.run} did. */
export interface DriveResult {
  /** Packets handed to taps (or to legs without a tap) during the measured window. */
  readonly windowPackets: number;
  /** Lateness of each frame's delivery against its schedule (ms), measured window only. */
  readonly lateMs: readonly number[];
}

export interface DriveOptions {
  /** Seconds played before the measured window starts (JIT, first ticks, file creation settle). */
  readonly warmupSeconds: number;
  /** Seconds of the measured window. */
  readonly seconds: number;
  /** Called right after the last warm-up frame was delivered. */
  readonly onWindowStart: () => void;
  /** Called right after the last frame of the window was delivered. */
  readonly onWindowEnd: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, Math.max(0, ms)); });

/**
 * Plays the calls' packets at real time. The RTP clock keeps running across runs (frame numbers
 * continue), as the media of one call would across phases of the benchmark.
 */
export class PacedDriver {
  readonly #legs: readonly SyntheticEndpoint[];
  readonly #parentLoop: readonly Uint8Array[];
  readonly #childLoop: readonly Uint8Array[];
  readonly #isParent: readonly boolean[];
  #frame = 0;

  constructor(calls: readonly SyntheticCall[]) {
    this.#legs = calls.flatMap((c) => [c.parent, c.child]);
    this.#isParent = calls.flatMap(() => [true, false]);
    this.#parentLoop = ulawLoop(440, 0x2545f491);
    this.#childLoop = ulawLoop(697, 0x9e3779b9);
  }

  /** Packets per frame (two legs per call). */
  get legs(): number {
    return this.#legs.length;
  }

  #deliver(): void {
    const k = this.#frame++;
    const at = Date.now();
    const parentPayload = this.#parentLoop[k % FRAMES_PER_SECOND] as Uint8Array;
    const childPayload = this.#childLoop[k % FRAMES_PER_SECOND] as Uint8Array;
    const legs = this.#legs;
    const isParent = this.#isParent;
    for (let i = 0; i < legs.length; i++) {
      const leg = legs[i] as SyntheticEndpoint;
      leg.tap?.onAudio(isParent[i] === true ? parentPayload : childPayload, PCMU, (leg.tsOrigin + k * FRAME_SAMPLES) >>> 0, leg.ssrc, at);
    }
  }

  async run(o: DriveOptions): Promise<DriveResult> {
    const warmup = Math.round(o.warmupSeconds * FRAMES_PER_SECOND);
    const total = warmup + Math.round(o.seconds * FRAMES_PER_SECOND);
    const lateMs: number[] = [];
    const t0 = performance.now();
    let sent = 0;
    if (warmup === 0) o.onWindowStart();
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / FRAME_MS) + 1);
      while (sent < due) {
        if (sent >= warmup) lateMs.push(performance.now() - (t0 + sent * FRAME_MS));
        this.#deliver();
        sent++;
        if (sent === warmup) o.onWindowStart();
      }
      if (sent >= total) break;
      await sleep(t0 + sent * FRAME_MS - performance.now());
    }
    o.onWindowEnd();
    return { windowPackets: (total - warmup) * this.#legs.length, lateMs };
  }
}
