/**
 * The quality loop of one call: levels every 50 ms (the `volume` event), counters every second (the
 * `sample` event), warnings from {@link QualityMonitor}, `ice-connectivity-lost` from the ICE state,
 * and Denwa's `one-way-audio` from the server's far-end speech reports.
 */
import type { MediaSession } from '../media/peer-session.ts';
import { QualityMonitor, type QualitySample, type QualityWarningName } from './monitor.ts';
import { OneWayAudioRule } from './one-way-audio.ts';

/** Every warning name a call can raise (`one-way-audio` is Denwa's). @public */
export type CallWarningName = QualityWarningName | 'ice-connectivity-lost' | 'one-way-audio';

export interface CallQualitySink {
  readonly volume: (input: number, output: number) => void;
  readonly sample: (sample: QualitySample) => void;
  readonly warning: (name: CallWarningName, raised: boolean, values: readonly (number | null)[]) => void;
  readonly muted: () => boolean;
}

const VOLUME_MS = 50;
const SAMPLE_MS = 1000;
const LEVEL_SCALE = 32767;

export class CallQuality {
  readonly #media: MediaSession;
  readonly #sink: CallQualitySink;
  readonly #monitor: QualityMonitor;
  #input: number[] = [];
  #output: number[] = [];
  #volumeTimer: ReturnType<typeof setInterval> | null = null;
  #sampleTimer: ReturnType<typeof setInterval> | null = null;
  #iceLost = false;
  readonly #oneWay = new OneWayAudioRule();
  #stopped = false;

  constructor(media: MediaSession, sink: CallQualitySink, createdAt: number) {
    this.#media = media;
    this.#sink = sink;
    this.#monitor = new QualityMonitor(createdAt);
  }

  start(): void {
    if (this.#stopped || this.#sampleTimer !== null) return;
    this.#volumeTimer = setInterval(() => { this.#readLevels(); }, VOLUME_MS);
    this.#sampleTimer = setInterval(() => { void this.#sample(); }, SAMPLE_MS);
  }

  /** An ICE connection state change (the call forwards them). */
  iceState(state: string): void {
    if (!this.#stopped) this.#onIce(state);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#volumeTimer !== null) clearInterval(this.#volumeTimer);
    if (this.#sampleTimer !== null) clearInterval(this.#sampleTimer);
    this.#volumeTimer = null;
    this.#sampleTimer = null;
  }

  #readLevels(): void {
    const levels = this.#media.levels();
    if (levels === null) return;
    const input = this.#sink.muted() ? 0 : levels.input;
    this.#input.push(input * LEVEL_SCALE);
    this.#output.push(levels.output * LEVEL_SCALE);
    this.#sink.volume(input, levels.output);
  }

  async #sample(): Promise<void> {
    const input = this.#input;
    const output = this.#output;
    this.#input = [];
    this.#output = [];
    let raw;
    try {
      raw = await this.#media.getStats();
    } catch {
      return;
    }
    if (raw === null || this.#stopped) return;
    const { sample, changes } = this.#monitor.push(raw, input, output, Date.now(), this.#sink.muted());
    this.#sink.sample(sample);
    for (const c of changes) this.#sink.warning(c.name, c.raised, c.values);
    const oneWay = this.#oneWay.push(sample);
    if (oneWay !== null) this.#sink.warning('one-way-audio', oneWay, [sample.audioOutputLevel]);
  }

  /** The server reported whether the far end is sending speech (`farend`). */
  farEnd(speaking: boolean): void {
    this.#oneWay.farEnd(speaking);
  }

  #onIce(state: string): void {
    if (state === 'disconnected' && !this.#iceLost) {
      this.#iceLost = true;
      this.#sink.warning('ice-connectivity-lost', true, []);
    } else if ((state === 'connected' || state === 'completed') && this.#iceLost) {
      this.#iceLost = false;
      this.#sink.warning('ice-connectivity-lost', false, []);
    }
  }
}
