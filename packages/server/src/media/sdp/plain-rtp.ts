/**
 * Plain RTP/AVP offer/answer for SIP legs (a carrier, a SIP phone): no ICE, no DTLS, no rtcp-mux
 * requirement, no `a=ssrc`. Reads a SIP peer's SDP (static payload types 0 and 8 need no rtpmap),
 * chooses the codecs, and decides where media goes (`c=` and the m-line port, `a=rtcp`) and which
 * way it flows (RFC 3264 §6.1 and §8.4 hold, `c=0.0.0.0` included). SRTP keyed with SDES (RTP/SAVP,
 * or RTP/AVP with `a=crypto`) follows the leg's {@link SrtpPolicy} (`sdes.ts`); DTLS-SRTP
 * (UDP/TLS/RTP/SAVP) gets a `bad-protocol` refusal. Writing is in `plain-rtp-writer.ts`. Pure: no I/O.
 */
import { VoiceError } from '@denwa/protocol';
import { OFFER_PAYLOAD_TYPES, SUPPORTED_CODECS } from './constants.ts';
import { answerDirection, chooseCodecs, directionOf, negotiatedCodec, reverseDirection, telephoneEventCodec } from './negotiate.ts';
import { NO_COMMON_CODEC, sdpRefusal } from './refusal.ts';
import { answerSdes, parseCryptoAttribute, readSdesAnswer, type SdesKey, type SdesLine, type SdesSuite, type SrtpPolicy } from './sdes.ts';
import { attribute, attributes, printable, readAudioSection, type Section } from './sdp-lines.ts';
import { parseStructured, readCodecs, readDirection } from './sdp-reader.ts';
import { isIpv6 } from './sdp-writer.ts';
import type { AudioCodecName, MediaDirection, MediaLine, NegotiatedCodec, RtpCodec, SdpCodec, TelephoneEventCodec } from './types.ts';

/** Transport protocols read on a SIP leg's audio m-line (AVPF is AVP with RTCP feedback; SAVP needs SDES, see `sdes.ts`). */
export const PLAIN_RTP_PROTOCOLS: readonly string[] = ['RTP/AVP', 'RTP/AVPF', 'RTP/SAVP', 'RTP/SAVPF'];

/** The telephone-event payload type of Denwa's SIP offers (the usual choice of SIP stacks). */
export const PLAIN_RTP_TELEPHONE_EVENT: RtpCodec = { pt: 101, name: 'telephone-event', clockRate: 8000, channels: 1 };

/** The primary codecs a SIP leg accepts when the caller names none: G.711 μ-law, then A-law. */
export const PLAIN_RTP_DEFAULT_CODECS: readonly AudioCodecName[] = ['PCMU', 'PCMA'];

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A SIP peer's SDP (offer or answer) reduced to its audio m-line. */
export interface PlainRtpDescription {
  /** Every m-line, in order (an answer mirrors them, rejecting all but the audio one). */
  readonly media: readonly MediaLine[];
  /** Index of the audio m-line in {@link PlainRtpDescription.media}. */
  readonly audioIndex: number;
  /** `RTP/AVP`, `RTP/AVPF`, `RTP/SAVP` or `RTP/SAVPF`, echoed in an answer. */
  readonly protocol: string;
  /** Where the peer receives RTP: the audio `c=` (else the session's); `0.0.0.0` is an RFC 2543 hold. */
  readonly address: string;
  readonly port: number;
  /** RFC 3605 `a=rtcp:<port> [IN IP4 <address>]`, else null (RTCP then goes to port + 1). */
  readonly rtcp: { readonly port: number; readonly address: string | null } | null;
  /** The peer offered `a=rtcp-mux` (Denwa does not answer it: RTCP stays on its own port). */
  readonly rtcpMux: boolean;
  /** The peer's direction as written (media level, else session level, else sendrecv). */
  readonly direction: MediaDirection;
  /** Supported codecs in m-line order (others, such as G722, CN or opus variants, are left out). */
  readonly codecs: readonly SdpCodec[];
  /** The audio m-line's `a=crypto` lines (RFC 4568), in order. */
  readonly crypto: readonly SdesLine[];
}

/** Where Denwa sends a SIP leg's media, from the peer's SDP (comedia may replace it later). */
export interface PlainRtpRemote {
  readonly address: string;
  readonly port: number;
  readonly rtcpAddress: string;
  readonly rtcpPort: number;
}

/** What an offer/answer exchange on a SIP leg agreed on. */
export interface PlainRtpMedia {
  /** The primary codec; Denwa sends it with `primary.pt` (the peer's number for it). */
  readonly primary: NegotiatedCodec;
  /** Payload types on which the primary codec may arrive (Denwa's number and the peer's). */
  readonly primaryIn: readonly number[];
  /** The telephone-event Denwa sends DTMF with, or null when none was agreed. */
  readonly telephoneEvent: TelephoneEventCodec | null;
  /** Every agreed telephone-event, with the peer's numbers (what Denwa sends with). */
  readonly telephoneEvents: readonly TelephoneEventCodec[];
  /** Telephone-events that may arrive (Denwa's numbers and the peer's). */
  readonly telephoneEventsIn: readonly TelephoneEventCodec[];
  /** Denwa's direction: what it may send and receive. */
  readonly direction: MediaDirection;
  /** The peer's direction, with `c=0.0.0.0` taken as "does not receive" (RFC 3264 §8.4). */
  readonly remoteDirection: MediaDirection;
  readonly remote: PlainRtpRemote;
  /** The payload types Denwa lists in its own SDP for this exchange. */
  readonly localCodecs: readonly RtpCodec[];
  /** The peer's SDES key when SRTP was agreed, else null (plain RTP). */
  readonly srtp: SdesKey | null;
}

/** True when `direction` includes sending. */
export function directionSends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

/** True when `direction` includes receiving. */
export function directionReceives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/** True for an unspecified address, the RFC 2543 way of putting a stream on hold. */
export function isHoldAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function pickAudio(media: readonly MediaLine[]): number | VoiceError {
  const index = media.findIndex((m) => m.type === 'audio' && m.port !== 0);
  if (index >= 0) return index;
  if (media.some((m) => m.type === 'audio')) return sdpRefusal('audio-rejected', 'the audio m-line is disabled (port 0)');
  return sdpRefusal('no-audio', media.length === 0 ? 'no m-line' : 'no audio m-line');
}

function protocolRefusal(protocol: string): VoiceError {
  if (protocol.startsWith('UDP/TLS/')) {
    return sdpRefusal('bad-protocol', `the audio m-line uses ${printable(protocol)} (DTLS-SRTP), which SIP legs do not support; offer RTP/AVP`);
  }
  return sdpRefusal('bad-protocol', `the audio m-line uses ${printable(protocol)}; SIP legs need RTP/AVP`);
}

/** `c=IN IP4 <address>` → the address, or a refusal for anything but a unicast IP literal. */
function readConnection(media: Section, session: Section): string | VoiceError {
  const line = media.lines.find((l) => l.startsWith('c=')) ?? session.lines.find((l) => l.startsWith('c='));
  if (line === undefined) return sdpRefusal('no-connection', 'no c= line for the audio m-line');
  const [net, type, address = '', ...rest] = line.slice(2).trim().split(/ +/);
  const ok = net === 'IN' && rest.length === 0 && ((type === 'IP4' && IPV4.test(address)) || (type === 'IP6' && isIpv6(address)));
  if (!ok) return sdpRefusal('no-connection', `c= must be IN IP4 or IN IP6 with a unicast address, not "${printable(line)}"`);
  return address;
}

function readRtcp(media: Section): PlainRtpDescription['rtcp'] {
  const value = attribute(media, 'rtcp');
  if (value === undefined) return null;
  const [portText = '', net, type, address] = value.split(/ +/);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 0xffff) return null;
  const valid = net === 'IN' && address !== undefined && ((type === 'IP4' && IPV4.test(address)) || (type === 'IP6' && isIpv6(address)));
  return { port, address: valid ? address : null };
}

/**
 * Parses a SIP peer's SDP (offer or answer). Never throws: every problem is a 31400 `VoiceError`
 * with a reason: not SDP, no enabled audio m-line, SRTP or another non-RTP/AVP protocol
 * (`bad-protocol`), no usable `c=` (`no-connection`), or no codec Denwa knows (`no-common-codec`).
 * `a=ssrc` is not needed; payload types 0 and 8 need no `a=rtpmap`.
 */
export function parsePlainRtp(sdp: string): PlainRtpDescription | VoiceError {
  try {
    const audio = readAudioSection(sdp, pickAudio);
    if (audio instanceof VoiceError) return audio;
    const { media, audioIndex, line, section } = audio;
    if (!PLAIN_RTP_PROTOCOLS.includes(line.protocol)) return protocolRefusal(line.protocol);
    const address = readConnection(section, audio.session);
    if (address instanceof VoiceError) return address;
    const codecs = readCodecs(line.formats, parseStructured(section));
    if (!codecs.some((c) => c.name !== 'telephone-event')) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
    return {
      media,
      audioIndex,
      protocol: line.protocol,
      address,
      port: line.port,
      rtcp: readRtcp(section),
      rtcpMux: attribute(section, 'rtcp-mux') !== undefined,
      direction: readDirection(section) ?? readDirection(audio.session) ?? 'sendrecv',
      codecs,
      crypto: attributes(section, 'crypto').map(parseCryptoAttribute),
    };
  } catch (err) {
    return sdpRefusal('unparseable', 'SDP could not be parsed', err);
  }
}

function remoteOf(d: PlainRtpDescription): PlainRtpRemote {
  return {
    address: d.address,
    port: d.port,
    rtcpAddress: d.rtcp?.address ?? d.address,
    // Denwa never signals rtcp-mux on SIP legs, so the peer's RTCP port is a=rtcp or port + 1 (RFC 3605).
    rtcpPort: d.rtcp?.port ?? Math.min(0xffff, d.port + 1),
  };
}

/** The peer's direction with an RFC 2543 hold address taken as "does not receive". */
function effectiveDirection(d: PlainRtpDescription): MediaDirection {
  return isHoldAddress(d.address) ? directionOf(directionSends(d.direction), false) : d.direction;
}

function sameCodec(a: RtpCodec, b: RtpCodec): boolean {
  return a.name === b.name && a.clockRate === b.clockRate && a.channels === b.channels;
}

/**
 * Answers a SIP peer's offer: the first of `preferences` the offer has (or `keep`, the codec in use,
 * on a re-offer), on the offer's payload type, plus its telephone-event/8000. Denwa's direction is
 * RFC 3264 §6.1's answer to the offer's (`sendonly` → `recvonly`, `inactive` → `inactive`, a
 * `c=0.0.0.0` hold → Denwa does not send). SRTP as {@link answerSdes} decides under `srtp` (default
 * off: an RTP/SAVP offer is refused, `a=crypto` on RTP/AVP ignored). A refusal (31400,
 * `no-common-codec` or `bad-protocol`) when nothing matches.
 */
export function answerPlainRtp(offer: PlainRtpDescription, preferences: readonly AudioCodecName[], keep?: NegotiatedCodec, srtp: SrtpPolicy = 'off'): PlainRtpMedia | VoiceError {
  const key = answerSdes(offer.protocol, offer.crypto, srtp);
  if (key instanceof Error) return key;
  const choice = chooseCodecs(offer.codecs, preferences, true, keep);
  if (choice === undefined) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
  const telephoneEvents = choice.telephoneEvents.map(telephoneEventCodec);
  const remoteDirection = effectiveDirection(offer);
  return {
    primary: negotiatedCodec(choice.primary),
    primaryIn: [choice.primary.pt],
    telephoneEvent: choice.dtmfSend === null ? null : telephoneEventCodec(choice.dtmfSend),
    telephoneEvents,
    telephoneEventsIn: telephoneEvents,
    direction: answerDirection(remoteDirection),
    remoteDirection,
    remote: remoteOf(offer),
    localCodecs: [choice.primary, ...choice.telephoneEvents].map((c) => ({ pt: c.pt, name: c.name, clockRate: c.clockRate, channels: c.channels })),
    srtp: key,
  };
}

/** The payload types of Denwa's offer to a SIP peer: the named codecs (PCMU 0, PCMA 8, opus 111), then telephone-event 101/8000. */
export function plainRtpOfferCodecs(preferences: readonly AudioCodecName[]): RtpCodec[] {
  const primaries = [...new Set(preferences.length > 0 ? preferences : PLAIN_RTP_DEFAULT_CODECS)].map((name) => OFFER_PAYLOAD_TYPES[name]);
  return [...primaries, PLAIN_RTP_TELEPHONE_EVENT];
}

/**
 * Reads a SIP peer's answer to Denwa's offer of `offered`. The primary codec is the answer's first
 * codec that was offered (matched by name and rate: a dynamic payload type may be renumbered, and
 * Denwa then sends with the answer's number and accepts both). `crypto`: the SDES suites Denwa
 * offered by tag (none: plain RTP) and its policy ({@link readSdesAnswer}). Never throws.
 */
export function readPlainRtpAnswer(
  sdp: string,
  offered: readonly RtpCodec[],
  crypto: { readonly offered: ReadonlyMap<number, SdesSuite>; readonly policy: SrtpPolicy } = { offered: new Map(), policy: 'off' },
): PlainRtpMedia | VoiceError {
  const answer = parsePlainRtp(sdp);
  if (answer instanceof VoiceError) return answer;
  const key = readSdesAnswer(answer.protocol, answer.crypto, crypto.offered, crypto.policy);
  if (key instanceof Error) return key;
  const agreed = answer.codecs.filter((c) => offered.some((o) => sameCodec(o, c)));
  const order = agreed.flatMap((c) => (c.name === 'telephone-event' ? [] : [c.name]));
  const choice = chooseCodecs(agreed, order, true);
  if (choice === undefined) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
  const ours = (c: RtpCodec): number => offered.find((o) => sameCodec(o, c))?.pt ?? c.pt;
  const telephoneEvents = choice.telephoneEvents.map(telephoneEventCodec);
  const telephoneEventsIn = [...telephoneEvents];
  for (const te of choice.telephoneEvents) {
    const pt = ours(te);
    if (pt !== te.pt) telephoneEventsIn.push({ pt, clockRate: te.clockRate });
  }
  const remoteDirection = effectiveDirection(answer);
  const primaryPt = ours(choice.primary);
  return {
    primary: negotiatedCodec(choice.primary),
    primaryIn: primaryPt === choice.primary.pt ? [primaryPt] : [primaryPt, choice.primary.pt],
    telephoneEvent: choice.dtmfSend === null ? null : telephoneEventCodec(choice.dtmfSend),
    telephoneEvents,
    telephoneEventsIn,
    direction: reverseDirection(remoteDirection),
    remoteDirection,
    remote: remoteOf(answer),
    localCodecs: offered,
    srtp: key,
  };
}

/** The canonical name of a primary codec (`pcmu` → `PCMU`), or undefined for one Denwa does not know. */
export function audioCodecName(name: string): AudioCodecName | undefined {
  const lower = name.toLowerCase();
  const found = SUPPORTED_CODECS.find((c) => c.name !== 'telephone-event' && c.name.toLowerCase() === lower);
  return found === undefined || found.name === 'telephone-event' ? undefined : found.name;
}
