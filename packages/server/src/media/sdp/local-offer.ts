/**
 * Denwa's offer to a browser (incoming calls, twilio-signaling.md §4.4) and the reading of the
 * browser's answer. The offer is complete and non-trickle: ICE-lite, Denwa's host candidate,
 * `a=end-of-candidates`, `a=setup:actpass`, rtcp-mux, `a=mid` and BUNDLE.
 */
import { VoiceError } from '@denwa/protocol';
import { OFFER_PAYLOAD_TYPES, OFFER_TELEPHONE_EVENT_48000, OFFER_TELEPHONE_EVENT_8000, SUPPORTED_CODECS } from './constants.ts';
import { chooseCodecs, negotiatedCodec, reverseDirection, roleFromAnswer, telephoneEventCodec } from './negotiate.ts';
import { NO_COMMON_CODEC, sdpRefusal } from './refusal.ts';
import { TOKEN } from './sdp-lines.ts';
import { readDescription } from './sdp-reader.ts';
import { validateLocal, writeSdp } from './sdp-writer.ts';
import type { AudioCodecName, MediaLine, NegotiatedMedia, OfferParams, RtpCodec } from './types.ts';

/**
 * The default payload types of Denwa's offer: the preferred codecs in order (Opus 111, PCMU 0,
 * PCMA 8), then, with `dtmf`, telephone-event 126/8000 and (when Opus is offered) 110/48000.
 */
export function defaultOfferCodecs(preferences: readonly AudioCodecName[], dtmf: boolean): RtpCodec[] {
  const primaries = [...new Set(preferences)].map((name) => OFFER_PAYLOAD_TYPES[name]);
  if (!dtmf) return primaries;
  const withOpus = primaries.some((codec) => codec.name === 'opus');
  return [...primaries, OFFER_TELEPHONE_EVENT_8000, ...(withOpus ? [OFFER_TELEPHONE_EVENT_48000] : [])];
}

function offeredCodecs(params: OfferParams): readonly RtpCodec[] {
  return params.codecs ?? defaultOfferCodecs(params.codecPreferences, params.dtmf);
}

function validateCodecs(codecs: readonly RtpCodec[]): void {
  const pts = new Set<number>();
  for (const codec of codecs) {
    const known = SUPPORTED_CODECS.some(
      (s) => s.name === codec.name && s.clockRate === codec.clockRate && s.channels === codec.channels,
    );
    if (!known || !Number.isInteger(codec.pt) || codec.pt < 0 || codec.pt > 127 || pts.has(codec.pt)) {
      throw new TypeError(`invalid offer codec ${codec.name}/${codec.clockRate}/${codec.channels} on PT ${codec.pt}`);
    }
    pts.add(codec.pt);
  }
  if (!codecs.some((codec) => codec.name !== 'telephone-event')) throw new TypeError('the offer needs an audio codec');
}

/**
 * Builds Denwa's offer for an incoming call to a browser.
 * @throws TypeError when a local parameter, the mid or an explicit codec is malformed.
 */
export function buildOffer(params: OfferParams): string {
  validateLocal(params);
  if (!TOKEN.test(params.mid)) throw new TypeError('invalid local media parameter: mid must be 1-64 token chars');
  const codecs = offeredCodecs(params);
  validateCodecs(codecs);
  const audio = {
    protocol: 'UDP/TLS/RTP/SAVPF',
    mid: params.mid,
    setup: 'actpass' as const,
    direction: params.direction ?? 'sendrecv',
    codecs,
  };
  return writeSdp(params, [{ kind: 'audio', audio }], [params.mid]);
}

function pickAnswerAudio(media: readonly MediaLine[], mid: string): number | VoiceError {
  let index = media.findIndex((m) => m.type === 'audio' && m.mid === mid);
  if (index < 0) index = media.findIndex((m) => m.type === 'audio');
  const line = media[index];
  if (line === undefined) return sdpRefusal('no-audio', 'the answer has no audio m-line');
  if (line.port === 0) return sdpRefusal('audio-rejected', 'the browser rejected the audio m-line (port 0)');
  return index;
}

/**
 * Reads the browser's answer to {@link buildOffer}'s offer (`offered` is the same parameter object).
 * The answer normally has no candidates (Denwa learns the browser's address from its STUN checks)
 * and `a=setup:active`, which makes Denwa the DTLS server (`passive` is refused unless
 * `offered.dtlsClient`). The primary codec is the answer's first
 * codec that Denwa offered on the same PT. Never throws.
 */
export function parseAnswer(sdp: string, offered: OfferParams): NegotiatedMedia | VoiceError {
  const parsed = readDescription(sdp, (media) => pickAnswerAudio(media, offered.mid));
  if (parsed instanceof VoiceError) return parsed;
  try {
    const ours = offeredCodecs(offered);
    const agreed = parsed.codecs.filter((c) =>
      ours.some((o) => o.pt === c.pt && o.name === c.name && o.clockRate === c.clockRate && o.channels === c.channels),
    );
    const order = agreed.flatMap((c) => (c.name === 'telephone-event' ? [] : [c.name]));
    const choice = chooseCodecs(agreed, order, offered.dtmf);
    if (choice === undefined) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
    const role = roleFromAnswer(parsed.setup, offered.dtlsClient ?? false);
    if (role === undefined) {
      return sdpRefusal(
        'bad-setup',
        parsed.setup === 'actpass'
          ? 'a=setup:actpass is not valid in an answer'
          : 'a=setup:passive would make Denwa the DTLS client, which is not enabled',
      );
    }
    return {
      mid: parsed.mid,
      primary: negotiatedCodec(choice.primary),
      telephoneEvent: choice.dtmfSend === null ? null : telephoneEventCodec(choice.dtmfSend),
      telephoneEvents: choice.telephoneEvents.map(telephoneEventCodec),
      remoteSsrcs: parsed.ssrcs.map((s) => s.ssrc),
      remoteIce: parsed.ice,
      localIce: { ufrag: offered.iceUfrag, pwd: offered.icePwd },
      remoteFingerprint: parsed.fingerprint,
      remoteFingerprints: parsed.fingerprints,
      dtlsRole: role,
      direction: reverseDirection(parsed.direction),
    };
  } catch (err) {
    return sdpRefusal('unparseable', 'SDP answer could not be negotiated', err);
  }
}
