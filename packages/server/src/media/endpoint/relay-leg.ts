/**
 * What the relay's bridge needs from a leg, whatever its transport: a WebRTC leg (SRTP) or a SIP
 * leg (plain RTP). A bridged leg hands each received, decrypted RTP packet to its peer's
 * {@link RelayLeg.sendRelayed}, which rewrites it in place for its own stream and sends it.
 */
import type { NegotiatedCodec, TelephoneEventCodec } from '../sdp/index.ts';

/** The payload types of one leg, as the other leg of a bridge maps them. */
export interface RelayCodecs {
  /** The primary codec this leg sends with (its payload type on this leg). */
  readonly primary: NegotiatedCodec;
  /** Payload types on which this leg's primary codec arrives. */
  readonly primaryIn: readonly number[];
  /** Telephone-events this leg sends with. */
  readonly telephoneEvents: readonly TelephoneEventCodec[];
  /** Telephone-events that arrive on this leg. */
  readonly telephoneEventsIn: readonly TelephoneEventCodec[];
}

/** One leg of a bridge. */
export interface RelayLeg {
  readonly id: string;
  /** The leg's negotiated payload types; null until its offer/answer completes. */
  readonly relayCodecs: RelayCodecs | null;
  /** The leg this one forwards its received media to, or null. */
  readonly peer: RelayLeg | null;
  /**
   * Sends a plain (decrypted) RTP packet `buf[0, len)` received on the peer leg: rewritten in place
   * (payload type, SSRC, sequence, timestamp) and sent. False when it is not forwarded.
   */
  sendRelayed(buf: Buffer, len: number, now: number): boolean;
  /** Starts receiving `source`'s media (null: stop): builds this leg's payload type map. */
  attachSource(source: RelayLeg | null): void;
  /** The leg to forward received media to (null: none). */
  setPeer(peer: RelayLeg | null): void;
}

/**
 * The payload type map of a leg's rewriter while it receives `source`'s media: the leg's own
 * primary and telephone-event payload types map to themselves (silence frames and DTMF it sends
 * itself), the source's primary codec maps to this leg's when the names and clock rates match
 * (G.711 passthrough; no transcoding, so Opus to PCMU is not mapped and not forwarded), and each
 * source telephone-event maps to this leg's of the same clock rate.
 */
export function relayPayloadMap(mine: RelayCodecs, source: RelayCodecs | null): Map<number, number> {
  const map = new Map<number, number>([[mine.primary.pt, mine.primary.pt]]);
  for (const te of mine.telephoneEvents) map.set(te.pt, te.pt);
  if (source === null) return map;
  if (source.primary.name === mine.primary.name && source.primary.clockRate === mine.primary.clockRate) {
    for (const pt of source.primaryIn) map.set(pt, mine.primary.pt);
  }
  for (const te of source.telephoneEventsIn) {
    const match = mine.telephoneEvents.find((m) => m.clockRate === te.clockRate);
    if (match !== undefined) map.set(te.pt, match.pt);
  }
  return map;
}
