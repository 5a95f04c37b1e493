/**
 * Whether a leg's sender is talking: the share of last second's audio packets whose level is above
 * the silence floor. G.711 payloads are measured (every 8th sample, decoded through a table); Opus
 * packets count as speech by size, since Opus spends few bytes on silence. Reports changes only,
 * with hysteresis, so the signaling cost is a message when someone starts or stops talking.
 */

/** μ-law and A-law byte → linear magnitude (0–32124), built once. */
const ULAW = new Uint16Array(256);
const ALAW = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const uExp = (u >> 4) & 0x07;
  ULAW[i] = ((((u & 0x0f) << 3) + 0x84) << uExp) - 0x84;
  const a = i ^ 0x55;
  const aExp = (a >> 4) & 0x07;
  const aMant = a & 0x0f;
  ALAW[i] = aExp === 0 ? (aMant << 4) + 8 : ((aMant << 4) + 0x108) << (aExp - 1);
}

export type SpeechCodec = 'PCMU' | 'PCMA' | 'opus';

/** Mean magnitude above which a G.711 packet is speech (about −42 dBov). */
const G711_SPEECH_LEVEL = 260;
/** Opus packets at least this large carry speech (silence and DTX frames are a few bytes). */
const OPUS_SPEECH_BYTES = 40;
const WINDOW_MS = 1000;
/** Speaking when at least this share of the window's packets are speech; silent below the lower mark. */
const START_SHARE = 0.5;
const STOP_SHARE = 0.1;

export class SpeechDetector {
  readonly #codec: SpeechCodec;
  readonly #onChange: (speaking: boolean) => void;
  #windowStart = Number.NEGATIVE_INFINITY;
  #packets = 0;
  #speech = 0;
  #speaking = false;

  constructor(codec: SpeechCodec, onChange: (speaking: boolean) => void) {
    this.#codec = codec;
    this.#onChange = onChange;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** One decrypted RTP packet of the leg's primary codec: skips CSRCs, header extensions and padding. */
  pushRtp(buf: Uint8Array, len: number, now: number): void {
    const first = buf[0] ?? 0;
    let offset = 12 + 4 * (first & 0x0f);
    if ((first & 0x10) !== 0) {
      if (offset + 4 > len) return;
      offset += 4 + 4 * (((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0));
    }
    const padding = (first & 0x20) !== 0 ? (buf[len - 1] ?? 0) : 0;
    const length = len - offset - padding;
    if (length >= 0) this.push(buf, offset, length, now);
  }

  /** Periodic check: a sender that stopped sending altogether is no longer talking. */
  tick(now: number): void {
    if (now - this.#windowStart >= WINDOW_MS) this.#closeWindow(now);
  }

  /** One audio packet's payload (`buf[offset, offset + length)`), received at `now` ms. */
  push(buf: Uint8Array, offset: number, length: number, now: number): void {
    if (now - this.#windowStart >= WINDOW_MS) this.#closeWindow(now);
    this.#packets++;
    if (this.#isSpeech(buf, offset, length)) this.#speech++;
  }

  #isSpeech(buf: Uint8Array, offset: number, length: number): boolean {
    if (this.#codec === 'opus') return length >= OPUS_SPEECH_BYTES;
    const table = this.#codec === 'PCMU' ? ULAW : ALAW;
    let sum = 0;
    let n = 0;
    for (let i = offset; i < offset + length; i += 8) {
      sum += table[buf[i] ?? 0] ?? 0;
      n++;
    }
    return n > 0 && sum / n >= G711_SPEECH_LEVEL;
  }

  #closeWindow(now: number): void {
    const share = this.#packets === 0 ? 0 : this.#speech / this.#packets;
    const next = this.#speaking ? share >= STOP_SHARE : share >= START_SHARE;
    if (next !== this.#speaking) {
      this.#speaking = next;
      this.#onChange(next);
    }
    this.#windowStart = now;
    this.#packets = 0;
    this.#speech = 0;
  }
}
