/** Audio levels for the `volume` and `inputVolume` events. */

/** The level of one stream: mean of the analyser's frequency bins, 0–1 (as the 2.x SDK's `volume`). */
export class LevelMeter {
  readonly #analyser: AnalyserNode;
  readonly #bins: Uint8Array<ArrayBuffer>;

  constructor(context: AudioContext, stream: MediaStream) {
    this.#analyser = context.createAnalyser();
    this.#analyser.fftSize = 32;
    this.#analyser.smoothingTimeConstant = 0.4;
    context.createMediaStreamSource(stream).connect(this.#analyser);
    this.#bins = new Uint8Array(this.#analyser.frequencyBinCount);
  }

  read(): number {
    this.#analyser.getByteFrequencyData(this.#bins);
    let sum = 0;
    for (const b of this.#bins) sum += b;
    return this.#bins.length === 0 ? 0 : sum / this.#bins.length / 255;
  }
}
