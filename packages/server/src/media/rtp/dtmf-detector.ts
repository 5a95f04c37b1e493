/**
 * Turns a stream of RFC 4733 telephone-event packets into DTMF digits, each exactly once.
 *
 * An event is identified by its RTP timestamp (RFC 4733 §2.5.1.1: every packet of one event
 * carries the event's start timestamp). Browsers send the end packet three times (§2.5.1.4), so a
 * digit is reported on the first end packet and later packets with that timestamp are ignored. If
 * every end packet of an event is lost, the digit is still reported once, with `endLost: true`,
 * when a packet of a newer event arrives (or on {@link DtmfDetector.flush}). Packets of an event
 * older than the latest one (reordered, late) are ignored.
 * @see https://www.rfc-editor.org/rfc/rfc4733#section-2.5.1
 */
import { DEFAULT_TELEPHONE_EVENT_CLOCK_RATE, TELEPHONE_EVENT_LENGTH } from './constants.ts';
import { timestampDelta } from './sequence.ts';
import { dtmfDigitFromEvent, type DtmfChar } from './telephone-event.ts';

/** A detected digit. */
export interface DtmfDigit {
  readonly digit: DtmfChar;
  /** RTP timestamp of the event start. */
  readonly rtpTimestamp: number;
  /** Longest duration seen, in timestamp units. */
  readonly duration: number;
  /** {@link DtmfDigit.duration} in ms at the detector's clock rate. */
  readonly durationMs: number;
  /** Power level, −dBm0. */
  readonly volume: number;
  /** True when no end packet arrived and the digit was reported because a newer event started. */
  readonly endLost: boolean;
}

/** Settings of a {@link DtmfDetector}. */
export interface DtmfDetectorOptions {
  /** Clock rate of the telephone-event payload type (default 8000). */
  readonly clockRate?: number;
  /**
   * How far back, in seconds, a timestamp counts as a late packet of an old event (default 4).
   * Anything older is taken as a new event (the sender restarted its timestamps).
   */
  readonly lateWindowSeconds?: number;
}

/**
 * Per-incoming-stream DTMF detector. Feed it the telephone-event packets of one SSRC.
 * `push` allocates only when it reports a digit.
 * @public
 */
export class DtmfDetector {
  readonly #onDigit: (digit: DtmfDigit) => void;
  readonly #clockRate: number;
  readonly #lateWindow: number;
  /** An event has been seen (its timestamp is #timestamp). */
  #seen = false;
  /** The latest event's timestamp. */
  #timestamp = 0;
  /** The latest event was already reported (or is not a DTMF digit). */
  #done = true;
  #event = 0;
  #duration = 0;
  #volume = 0;

  constructor(onDigit: (digit: DtmfDigit) => void, options: DtmfDetectorOptions = {}) {
    this.#onDigit = onDigit;
    this.#clockRate = options.clockRate ?? DEFAULT_TELEPHONE_EVENT_CLOCK_RATE;
    this.#lateWindow = Math.round((options.lateWindowSeconds ?? 4) * this.#clockRate);
  }

  /**
   * Feeds one telephone-event packet: its RTP timestamp and payload `buf[offset, offset + length)`.
   * Payloads shorter than 4 bytes are ignored. Never throws (unless the callback does).
   */
  push(rtpTimestamp: number, buf: Buffer, offset = 0, length: number = buf.length - offset): void {
    if (!(offset >= 0 && length >= TELEPHONE_EVENT_LENGTH && offset + length <= buf.length)) return;
    const ts = rtpTimestamp >>> 0;
    const event = buf.readUInt8(offset);
    const flags = buf.readUInt8(offset + 1);
    const end = (flags & 0x80) !== 0;
    const duration = buf.readUInt16BE(offset + 2);
    if (this.#seen && ts === this.#timestamp) {
      if (this.#done) return; // a repeated end packet, or a late update of a reported digit
      if (duration > this.#duration) this.#duration = duration;
      if (end) this.#report(false);
      return;
    }
    if (this.#seen) {
      const delta = timestampDelta(ts, this.#timestamp);
      if (delta < 0 && delta >= -this.#lateWindow) return; // a late packet of an older event
      if (!this.#done) this.#report(true);
    }
    this.#seen = true;
    this.#timestamp = ts;
    this.#event = event;
    this.#duration = duration;
    this.#volume = flags & 0x3f;
    this.#done = dtmfDigitFromEvent(event) === undefined;
    if (end && !this.#done) this.#report(false);
  }

  /** Reports the current event if it never ended (call when the stream stops). */
  flush(): void {
    if (this.#seen && !this.#done) this.#report(true);
  }

  /** Forgets all events (e.g. when the source SSRC changes). Does not report anything. */
  reset(): void {
    this.#seen = false;
    this.#done = true;
  }

  #report(endLost: boolean): void {
    this.#done = true;
    const digit = dtmfDigitFromEvent(this.#event);
    if (digit === undefined) return;
    this.#onDigit({
      digit,
      rtpTimestamp: this.#timestamp,
      duration: this.#duration,
      durationMs: (this.#duration * 1000) / this.#clockRate,
      volume: this.#volume,
      endLost,
    });
  }
}
