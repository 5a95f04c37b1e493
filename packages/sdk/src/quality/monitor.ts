/**
 * Call quality as the Voice SDK 2.x measures it (twilio-signaling.md §8): one sample per second from
 * cumulative WebRTC counters, MOS, and warnings with the official thresholds, windows, start-up grace
 * and minimum raise-to-clear time. Pure: the caller supplies counters, audio levels and the time.
 */
import { mos } from './mos.ts';

/** Packet and byte counters of one audio stream pair. @public */
export interface StreamCounters {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

/** Cumulative counters of one second's `getStats()` (see `media/peer-session.ts`). @public */
export interface RawStats extends StreamCounters {
  readonly timestamp: number;
  /** Milliseconds, or null when unknown. */
  readonly jitter: number | null;
  readonly rtt: number | null;
  readonly codecName: string;
}

/** The `sample` event's payload: the counters are this second's deltas. @public */
export interface QualitySample extends StreamCounters {
  readonly timestamp: number;
  readonly codecName: string;
  readonly rtt: number | null;
  readonly jitter: number | null;
  readonly mos: number | null;
  /** Packets lost in this second, in percent of those expected. */
  readonly packetsLostFraction: number;
  /** Mean of the second's 50 ms level readings, 0–32767 (null without readings). */
  readonly audioInputLevel: number | null;
  readonly audioOutputLevel: number | null;
  /** Cumulative counters, and the loss since the start in percent. */
  readonly totals: StreamCounters & { readonly packetsLostFraction: number };
}

/** @public */
export type QualityWarningName =
  | 'high-rtt' | 'high-jitter' | 'low-mos' | 'high-packet-loss' | 'high-packets-lost-fraction'
  | 'low-bytes-received' | 'low-bytes-sent' | 'constant-audio-input-level' | 'constant-audio-output-level';

type NumericStat = 'rtt' | 'jitter' | 'mos' | 'packetsLostFraction' | 'bytesReceived' | 'bytesSent';

type Rule =
  | { readonly name: QualityWarningName; readonly kind: 'max' | 'min'; readonly stat: NumericStat; readonly value: number; readonly sampleCount: number; readonly raiseCount: number; readonly clearCount: number }
  | { readonly name: QualityWarningName; readonly kind: 'maxAverage'; readonly stat: NumericStat; readonly value: number; readonly sampleCount: number; readonly clearValue: number }
  | { readonly name: QualityWarningName; readonly kind: 'minStandardDeviation'; readonly stat: 'input' | 'output'; readonly value: number; readonly sampleCount: number };

/** The 2.x thresholds (§8.2). */
export const QUALITY_RULES: readonly Rule[] = [
  { name: 'high-rtt', kind: 'max', stat: 'rtt', value: 400, sampleCount: 10, raiseCount: 3, clearCount: 0 },
  { name: 'high-jitter', kind: 'max', stat: 'jitter', value: 30, sampleCount: 10, raiseCount: 3, clearCount: 0 },
  { name: 'low-mos', kind: 'min', stat: 'mos', value: 3, sampleCount: 10, raiseCount: 3, clearCount: 0 },
  { name: 'high-packet-loss', kind: 'max', stat: 'packetsLostFraction', value: 1, sampleCount: 10, raiseCount: 3, clearCount: 0 },
  { name: 'high-packets-lost-fraction', kind: 'maxAverage', stat: 'packetsLostFraction', value: 3, sampleCount: 7, clearValue: 1 },
  { name: 'low-bytes-received', kind: 'min', stat: 'bytesReceived', value: 1, sampleCount: 3, raiseCount: 3, clearCount: 2 },
  { name: 'low-bytes-sent', kind: 'min', stat: 'bytesSent', value: 1, sampleCount: 3, raiseCount: 3, clearCount: 2 },
  { name: 'constant-audio-input-level', kind: 'minStandardDeviation', stat: 'input', value: 327.67, sampleCount: 10 },
  { name: 'constant-audio-output-level', kind: 'minStandardDeviation', stat: 'output', value: 327.67, sampleCount: 10 },
];

/** No warning is raised in a call's first 5 s, and none is cleared within 5 s of being raised. */
export const WARNING_GRACE_MS = 5000;
const BUFFER = 10;

/** A raised or cleared warning, with the values that decided it. @public */
export interface QualityWarningChange {
  readonly name: QualityWarningName;
  readonly raised: boolean;
  readonly values: readonly (number | null)[];
}

interface Entry {
  readonly sample: QualitySample;
  readonly inputLevels: readonly number[];
  readonly outputLevels: readonly number[];
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
}

function stdDev(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}

export class QualityMonitor {
  readonly #startedAt: number;
  readonly #entries: Entry[] = [];
  readonly #raisedAt = new Map<QualityWarningName, number>();
  #previous: RawStats | null = null;

  /** `startedAt`: when the call was created (ms, same clock as `now` below). */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Warnings currently raised. */
  get active(): readonly QualityWarningName[] {
    return [...this.#raisedAt.keys()];
  }

  /**
   * Adds one second: the counters, that second's 50 ms level readings (0–32767) and the time. Returns
   * the sample and the warnings raised or cleared by it. `muted` suppresses `constant-audio-input-level`.
   */
  push(raw: RawStats, inputLevels: readonly number[], outputLevels: readonly number[], now: number, muted: boolean): { sample: QualitySample; changes: QualityWarningChange[] } {
    const sample = this.#sample(raw, inputLevels, outputLevels);
    this.#entries.push({ sample, inputLevels, outputLevels });
    if (this.#entries.length > BUFFER) this.#entries.shift();
    const changes: QualityWarningChange[] = [];
    for (const rule of QUALITY_RULES) {
      const decision = this.#decide(rule);
      if (decision === null) continue;
      const raisedAt = this.#raisedAt.get(rule.name);
      if (decision.raise && raisedAt === undefined) {
        if (now - this.#startedAt < WARNING_GRACE_MS) continue;
        if (muted && rule.name === 'constant-audio-input-level') continue;
        this.#raisedAt.set(rule.name, now);
        changes.push({ name: rule.name, raised: true, values: decision.values });
      } else if (decision.clear && raisedAt !== undefined && now - raisedAt >= WARNING_GRACE_MS) {
        this.#raisedAt.delete(rule.name);
        changes.push({ name: rule.name, raised: false, values: decision.values });
      }
    }
    return { sample, changes };
  }

  #sample(raw: RawStats, inputLevels: readonly number[], outputLevels: readonly number[]): QualitySample {
    const prev = this.#previous;
    this.#previous = raw;
    const delta = (k: 'packetsSent' | 'packetsReceived' | 'packetsLost' | 'bytesSent' | 'bytesReceived'): number => Math.max(0, raw[k] - (prev?.[k] ?? 0));
    const received = delta('packetsReceived');
    const lost = delta('packetsLost');
    const fraction = received + lost === 0 ? 0 : (lost / (received + lost)) * 100;
    const totalExpected = raw.packetsReceived + raw.packetsLost;
    const rtt = raw.rtt ?? this.#entries.at(-1)?.sample.rtt ?? null;
    return {
      timestamp: raw.timestamp,
      codecName: raw.codecName,
      rtt,
      jitter: raw.jitter,
      mos: prev === null ? null : mos(rtt, raw.jitter, fraction),
      packetsSent: delta('packetsSent'),
      packetsReceived: received,
      packetsLost: lost,
      bytesSent: delta('bytesSent'),
      bytesReceived: delta('bytesReceived'),
      packetsLostFraction: fraction,
      audioInputLevel: mean(inputLevels),
      audioOutputLevel: mean(outputLevels),
      totals: {
        packetsSent: raw.packetsSent,
        packetsReceived: raw.packetsReceived,
        packetsLost: raw.packetsLost,
        bytesSent: raw.bytesSent,
        bytesReceived: raw.bytesReceived,
        packetsLostFraction: totalExpected === 0 ? 100 : (raw.packetsLost / totalExpected) * 100,
      },
    };
  }

  #decide(rule: Rule): { raise: boolean; clear: boolean; values: (number | null)[] } | null {
    const window = this.#entries.slice(-rule.sampleCount);
    if (rule.kind === 'minStandardDeviation') {
      if (window.length < rule.sampleCount) return null;
      const levels = window.flatMap((e) => (rule.stat === 'input' ? e.inputLevels : e.outputLevels));
      if (levels.length === 0) return null;
      const sd = stdDev(levels);
      return { raise: sd < rule.value, clear: sd >= rule.value, values: [sd] };
    }
    const values = window.map((e) => e.sample[rule.stat]);
    if (values.some((v) => v === null)) return null;
    const numbers = values as number[];
    if (rule.kind === 'maxAverage') {
      if (numbers.length < rule.sampleCount) return null;
      const avg = numbers.reduce((a, b) => a + b, 0) / numbers.length;
      return { raise: avg > rule.value, clear: avg <= rule.clearValue, values };
    }
    const count = numbers.filter((v) => (rule.kind === 'max' ? v > rule.value : v < rule.value)).length;
    return { raise: count >= rule.raiseCount, clear: count <= rule.clearCount, values };
  }
}
