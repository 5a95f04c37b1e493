/**
 * Denwa's `one-way-audio` warning: RTP keeps arriving but what it carries is silence, while the
 * server says the far end is sending speech-level audio (`farend {speaking: true}`). Raised after 3
 * such seconds in a row; cleared when 2 of the last 3 seconds are not.
 */
import type { QualitySample } from './monitor.ts';

/** Below this received level (0–32767) a second counts as silent: about −50 dBFS. */
export const ONE_WAY_SILENCE_LEVEL = 100;
const WINDOW = 3;

export class OneWayAudioRule {
  #farEndSpeaking = false;
  #recent: boolean[] = [];
  #raised = false;

  /** The server's latest word on the far end. */
  farEnd(speaking: boolean): void {
    this.#farEndSpeaking = speaking;
  }

  /** One second's sample; returns true (raise), false (clear) or null (no change). */
  push(sample: QualitySample): boolean | null {
    const level = sample.audioOutputLevel;
    const oneWay = this.#farEndSpeaking && sample.bytesReceived > 0 && level !== null && level < ONE_WAY_SILENCE_LEVEL;
    this.#recent.push(oneWay);
    if (this.#recent.length > WINDOW) this.#recent.shift();
    const count = this.#recent.filter(Boolean).length;
    if (!this.#raised && count === WINDOW) {
      this.#raised = true;
      return true;
    }
    if (this.#raised && count <= WINDOW - 2) {
      this.#raised = false;
      return false;
    }
    return null;
  }
}
