/**
 * Sends DTMF digits on one leg as RFC 4733 telephone-events, paced on the relay's clock: per digit
 * a 100 ms event (a packet every 20 ms, the duration growing by 20 ms of timestamp units, the marker
 * on the first, one RTP timestamp for all), its end packet three times, then 50 ms before the next
 * digit; `w` pauses 500 ms. The packets carry their own SSRC and go through the leg's rewriter like
 * silence frames, so sequence numbers and timestamps stay continuous with relayed audio; while a
 * digit is being sent the leg forwards no other media (its timestamp must not move mid-event).
 */
import type { Clock, TimerHandle } from '../../core/index.ts';
import { dtmfEventFromDigit, telephoneEventPackets } from '../rtp/index.ts';
import type { TelephoneEventCodec } from '../sdp/index.ts';

/** The SSRC DTMF packets carry before rewriting (the rewriter gives them the leg's own). */
const DTMF_SSRC = 0x64746d66;
/** Silence between two digits. */
export const DTMF_GAP_MS = 50;
/** The pause a `w` makes (Twilio's `sendDigits`). */
export const DTMF_PAUSE_MS = 500;
/** Tone length of each digit. */
export const DTMF_TONE_MS = 100;
/** Digits queued at most; more are ignored. */
const MAX_QUEUED = 256;

/** Sends one packet (`packet[0, length)`, `room` spare bytes after it) on the leg; false when it could not. */
export type DtmfPacketSink = (packet: Buffer, length: number, now: number) => boolean;

export class DtmfSender {
  readonly #clock: Clock;
  readonly #sink: DtmfPacketSink;
  readonly #room: number;
  #queue = '';
  #te: TelephoneEventCodec | null = null;
  #timer: TimerHandle | null = null;
  #active = false;
  #seq = 0;
  #closed = false;

  /** `room`: spare bytes after each packet (the SRTP tag on WebRTC legs). */
  constructor(clock: Clock, sink: DtmfPacketSink, room: number) {
    this.#clock = clock;
    this.#sink = sink;
    this.#room = room;
  }

  /** True while a digit's packets are going out (the leg then holds back other media). */
  get active(): boolean {
    return this.#active;
  }

  /** True while digits or pauses are queued or being sent. */
  get busy(): boolean {
    return this.#active || this.#timer !== null || this.#queue !== '';
  }

  /**
   * Queues `digits` (0-9 * # A-D, `w` for a 500 ms pause; other characters are skipped) to be sent
   * with `te`, after any digits still queued.
   */
  send(digits: string, te: TelephoneEventCodec): void {
    if (this.#closed) return;
    this.#te = te;
    this.#queue = (this.#queue + digits).slice(0, MAX_QUEUED);
    if (this.#timer === null && !this.#active) this.#next();
  }

  #next(): void {
    this.#timer = null;
    const te = this.#te;
    while (!this.#closed && te !== null && this.#queue !== '') {
      const c = this.#queue.charAt(0);
      this.#queue = this.#queue.slice(1);
      if (c === 'w' || c === 'W') {
        this.#timer = this.#clock.setTimeout(() => { this.#next(); }, DTMF_PAUSE_MS);
        return;
      }
      const event = dtmfEventFromDigit(c);
      if (event !== undefined) {
        this.#digit(event, te);
        return;
      }
    }
  }

  #digit(event: number, te: TelephoneEventCodec): void {
    const plan = telephoneEventPackets(event, { clockRate: te.clockRate, durationMs: DTMF_TONE_MS });
    const start = this.#clock.now();
    // The event's timestamp follows the wall clock, so consecutive digits on this source are spaced as sent.
    const timestamp = Math.floor((start * te.clockRate) / 1000) >>> 0;
    this.#active = true;
    let i = 0;
    const step = (): void => {
      this.#timer = null;
      if (this.#closed) return;
      const p = plan[i];
      if (p === undefined) return;
      const packet = Buffer.alloc(12 + p.payload.length + this.#room);
      packet[0] = 0x80;
      packet[1] = (p.marker ? 0x80 : 0) | (te.pt & 0x7f);
      this.#seq = (this.#seq + 1) & 0xffff;
      packet.writeUInt16BE(this.#seq, 2);
      packet.writeUInt32BE(timestamp, 4);
      packet.writeUInt32BE(DTMF_SSRC, 8);
      p.payload.copy(packet, 12);
      this.#sink(packet, 12 + p.payload.length, this.#clock.now());
      i++;
      const next = plan[i];
      if (next === undefined) {
        this.#active = false;
        this.#timer = this.#clock.setTimeout(() => { this.#next(); }, DTMF_GAP_MS);
        return;
      }
      this.#timer = this.#clock.setTimeout(step, Math.max(0, start + next.offsetMs - this.#clock.now()));
    };
    step();
  }

  /** Stops sending and forgets queued digits. */
  close(): void {
    this.#closed = true;
    this.#active = false;
    this.#queue = '';
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
