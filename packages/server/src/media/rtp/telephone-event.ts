/**
 * RFC 4733 telephone-event payloads: parse one, serialize one, map DTMF events to digits, and plan
 * the packets that send a digit.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |     event     |E|R| volume    |          duration             |
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc4733#section-2.3
 */
import {
  DEFAULT_DTMF_DURATION_MS,
  DEFAULT_DTMF_INTERVAL_MS,
  DEFAULT_DTMF_VOLUME,
  DEFAULT_TELEPHONE_EVENT_CLOCK_RATE,
  DTMF_DIGITS,
  TELEPHONE_EVENT_END_REPEATS,
  TELEPHONE_EVENT_LENGTH,
} from './constants.ts';

/** A DTMF digit: events 0–15 (RFC 4733 §3.2). */
export type DtmfChar = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** A decoded telephone-event payload. */
export interface TelephoneEvent {
  /** Event code (0–255); 0–15 are DTMF digits. */
  readonly event: number;
  /** E bit: this packet ends the event. */
  readonly end: boolean;
  /** Power level in −dBm0 (0–63). */
  readonly volume: number;
  /** Duration so far, in RTP timestamp units of the telephone-event clock. */
  readonly duration: number;
}

/**
 * Decodes the first telephone-event in `buf[offset, offset + length)`; undefined when fewer than
 * 4 bytes are there. Never throws.
 */
export function parseTelephoneEvent(
  buf: Buffer,
  offset = 0,
  length: number = buf.length - offset,
): TelephoneEvent | undefined {
  if (!(offset >= 0 && length >= TELEPHONE_EVENT_LENGTH && offset + length <= buf.length)) return undefined;
  const flags = buf.readUInt8(offset + 1);
  return {
    event: buf.readUInt8(offset),
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: buf.readUInt16BE(offset + 2),
  };
}

/** Encodes a telephone-event payload (4 bytes, R bit zero). Fields are reduced to their widths. */
export function serializeTelephoneEvent(event: TelephoneEvent): Buffer {
  const buf = Buffer.alloc(TELEPHONE_EVENT_LENGTH);
  buf.writeUInt8(event.event & 0xff, 0);
  buf.writeUInt8((event.end ? 0x80 : 0) | (event.volume & 0x3f), 1);
  buf.writeUInt16BE(Math.min(0xffff, Math.max(0, Math.round(event.duration))), 2);
  return buf;
}

/** The digit of a DTMF event code, or undefined for codes other than 0–15. */
export function dtmfDigitFromEvent(event: number): DtmfChar | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? (DTMF_DIGITS[event] as DtmfChar) : undefined;
}

/** The event code of a digit (`a`–`d` accepted too), or undefined for anything else. */
export function dtmfEventFromDigit(digit: string): number | undefined {
  if (digit.length !== 1) return undefined;
  const index = DTMF_DIGITS.indexOf(digit.toUpperCase());
  return index < 0 ? undefined : index;
}

/** Settings of {@link telephoneEventPackets}. */
export interface TelephoneEventPacketsOptions {
  /** Clock rate of the negotiated telephone-event (default 8000). */
  readonly clockRate?: number;
  /** Tone length in ms (default 100). At most 65535 timestamp units. */
  readonly durationMs?: number;
  /** Power level, −dBm0 (default 10). */
  readonly volume?: number;
  /** Interval between updates in ms (default 20). */
  readonly intervalMs?: number;
}

/** One packet to send for a digit. All packets of a digit share one RTP timestamp: the event start. */
export interface TelephoneEventPacket {
  /** The 4-byte telephone-event payload. */
  readonly payload: Buffer;
  /** Marker bit: set on the first packet only (RFC 4733 §2.5.1.3). */
  readonly marker: boolean;
  /** E bit. */
  readonly end: boolean;
  /** Duration field, in timestamp units. */
  readonly duration: number;
  /** When to send it, in ms after the first packet. */
  readonly offsetMs: number;
}

/**
 * Plans the packets that send one DTMF digit (RFC 4733 §2.5.1): a start packet with the marker
 * bit, an update every interval with the growing duration, and the final packet (E bit, full
 * duration) three times at the update interval (§2.5.1.4). The caller gives every packet the same
 * RTP timestamp, consecutive sequence numbers, and the negotiated telephone-event payload type.
 * @throws RangeError for an unknown digit or a duration over 65535 timestamp units (programmer
 *   errors).
 */
export function telephoneEventPackets(
  digit: DtmfChar | number,
  options: TelephoneEventPacketsOptions = {},
): TelephoneEventPacket[] {
  const event = typeof digit === 'number' ? digit : dtmfEventFromDigit(digit);
  if (event === undefined || !Number.isInteger(event) || event < 0 || event > 255) {
    throw new RangeError(`not a telephone-event: ${String(digit)}`);
  }
  const clockRate = options.clockRate ?? DEFAULT_TELEPHONE_EVENT_CLOCK_RATE;
  const intervalMs = options.intervalMs ?? DEFAULT_DTMF_INTERVAL_MS;
  const volume = options.volume ?? DEFAULT_DTMF_VOLUME;
  const total = Math.round(((options.durationMs ?? DEFAULT_DTMF_DURATION_MS) * clockRate) / 1000);
  const step = Math.max(1, Math.round((intervalMs * clockRate) / 1000));
  if (!(total >= 1 && total <= 0xffff)) {
    throw new RangeError(`DTMF duration must be 1–65535 timestamp units, got ${total}`);
  }
  const packets: TelephoneEventPacket[] = [];
  const updates = Math.ceil(total / step);
  for (let i = 1; i <= updates; i++) {
    const end = i === updates;
    const duration = end ? total : i * step;
    const repeats = end ? TELEPHONE_EVENT_END_REPEATS : 1;
    for (let r = 0; r < repeats; r++) {
      packets.push({
        payload: serializeTelephoneEvent({ event, end, volume, duration }),
        marker: i === 1 && r === 0,
        end,
        duration,
        offsetMs: (i - 1 + r) * intervalMs,
      });
    }
  }
  return packets;
}
