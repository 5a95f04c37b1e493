/**
 * Offer/answer decisions: the primary codec, the telephone-event PTs, the answer's media direction
 * (RFC 3264 §6.1) and the DTLS role (RFC 5763 §5, RFC 8842 §5).
 */
import type {
  AudioCodecName,
  DtlsRole,
  MediaDirection,
  NegotiatedCodec,
  ParsedOffer,
  RtpCodec,
  SetupRole,
  TelephoneEventCodec,
} from './types.ts';

/** The primary codec and telephone-event PTs chosen from a list of codecs. */
export interface CodecChoice<C extends RtpCodec> {
  readonly primary: C & { readonly name: AudioCodecName };
  /** Telephone-event codecs to keep, in the order given. */
  readonly telephoneEvents: readonly C[];
  /** The one Denwa sends DTMF with. */
  readonly dtmfSend: C | null;
}

function isAudio<C extends RtpCodec>(codec: C): codec is C & { readonly name: AudioCodecName } {
  return codec.name !== 'telephone-event';
}

/**
 * Chooses the primary codec: `keep` (same name, rate and channels) when the list still has it,
 * else the first of `preferences` present in `codecs` (the server's order wins, so a relay can pick
 * the codec that avoids transcoding). Then the telephone-events: for PCMU/PCMA the 8000 Hz one; for
 * Opus both 8000 Hz and 48000 Hz (Chrome sends DTMF on 8000 Hz even for Opus); the 8000 Hz one is
 * used for sending. Returns undefined when no preferred codec is in the list.
 */
export function chooseCodecs<C extends RtpCodec>(
  codecs: readonly C[],
  preferences: readonly AudioCodecName[],
  dtmf: boolean,
  keep?: NegotiatedCodec,
): CodecChoice<C> | undefined {
  const audio = codecs.filter(isAudio);
  let primary = keep === undefined ? undefined : audio.find((c) => c.name === keep.name && c.clockRate === keep.clockRate && c.channels === keep.channels);
  for (const name of preferences) {
    primary ??= audio.find((c) => c.name === name);
  }
  if (primary === undefined) return undefined;
  if (!dtmf) return { primary, telephoneEvents: [], dtmfSend: null };
  const rates = primary.name === 'opus' ? [8000, 48000] : [8000];
  const telephoneEvents: C[] = [];
  for (const codec of codecs) {
    if (codec.name !== 'telephone-event' || !rates.includes(codec.clockRate)) continue;
    if (telephoneEvents.some((kept) => kept.clockRate === codec.clockRate)) continue;
    telephoneEvents.push(codec);
  }
  const dtmfSend = telephoneEvents.find((c) => c.clockRate === 8000) ?? telephoneEvents[0] ?? null;
  return { primary, telephoneEvents, dtmfSend };
}

/** The {@link NegotiatedCodec} of a chosen primary codec. */
export function negotiatedCodec(codec: RtpCodec & { readonly name: AudioCodecName }): NegotiatedCodec {
  return { name: codec.name, pt: codec.pt, clockRate: codec.clockRate, channels: codec.channels };
}

/** A {@link TelephoneEventCodec} from a codec entry. */
export function telephoneEventCodec(codec: RtpCodec): TelephoneEventCodec {
  return { pt: codec.pt, clockRate: codec.clockRate };
}

function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/** The direction with the given send and receive flags. */
export function directionOf(send: boolean, receive: boolean): MediaDirection {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/**
 * RFC 3264 §6.1: the answerer sends only what the offerer receives and receives only what it sends
 * (sendrecv → sendrecv, sendonly → recvonly, recvonly → sendonly, inactive → inactive), narrowed by
 * the answerer's own wish.
 */
export function answerDirection(offered: MediaDirection, wish: MediaDirection = 'sendrecv'): MediaDirection {
  return directionOf(sends(wish) && receives(offered), receives(wish) && sends(offered));
}

/** The same stream seen from the other side (sendonly ↔ recvonly). */
export function reverseDirection(direction: MediaDirection): MediaDirection {
  return directionOf(receives(direction), sends(direction));
}

/**
 * The answer's `a=setup` and Denwa's DTLS role, or undefined when the offer needs Denwa to be the
 * DTLS client and `allowClient` is false (Denwa's DTLS stack is server-only today).
 *
 * - `actpass` (every browser offer), `active`, or no attribute (RFC 4145's default is `active`) →
 *   answer `passive`: Denwa is the DTLS server. An ICE-lite agent never starts connectivity checks,
 *   so waiting for the browser's ClientHello (sent once its check succeeds) is the natural fit;
 *   RFC 5763 §5 lets the answerer choose either role.
 * - `passive` → Denwa would have to be the client (RFC 4145 §4.1). RFC 5763 §5 says an offerer
 *   MUST use `actpass`, so this is refused unless `allowClient`, which answers `active`.
 * - With `keep` (a re-offer on a live call) and `allowClient`, an `actpass` offer keeps the client
 *   role (RFC 8842 §5.5: no new DTLS association unless the fingerprint changes).
 */
export function answerSetup(
  offered: SetupRole | null,
  keep?: DtlsRole,
  allowClient = false,
): { setup: 'active' | 'passive'; role: DtlsRole } | undefined {
  if (offered === 'passive' || (offered === 'actpass' && keep === 'client' && allowClient)) {
    return allowClient ? { setup: 'active', role: 'client' } : undefined;
  }
  return { setup: 'passive', role: 'server' };
}

/**
 * Denwa's DTLS role from the browser's answer to Denwa's `actpass` offer: `active` (Chrome's
 * choice) or no attribute (RFC 4145's default) → server; `passive` → client, only if `allowClient`.
 * `actpass` in an answer is invalid. Undefined when refused.
 */
export function roleFromAnswer(answered: SetupRole | null, allowClient = false): DtlsRole | undefined {
  if (answered === 'actpass') return undefined;
  if (answered === 'passive') return allowClient ? 'client' : undefined;
  return 'server';
}

/** The offer's audio codecs Denwa supports, in the offerer's order (its preference). */
export function offeredAudioCodecs(offer: ParsedOffer): AudioCodecName[] {
  const out: AudioCodecName[] = [];
  for (const c of offer.codecs) {
    if (c.name !== 'telephone-event' && !out.includes(c.name)) out.push(c.name);
  }
  return out;
}
