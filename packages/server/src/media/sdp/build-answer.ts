/**
 * Denwa's answer to a browser offer (outgoing calls, and `reinvite` ICE restarts): ICE-lite, one host
 * candidate, `a=end-of-candidates` (the SDK has no trickle ICE), the offer's PT numbers, and port-0
 * m-lines for every stream other than the audio one (RFC 3264 §6).
 */
import type { VoiceError } from '@denwa/protocol';
import { answerDirection, answerSetup, chooseCodecs, negotiatedCodec, telephoneEventCodec } from './negotiate.ts';
import { NO_COMMON_CODEC, sdpRefusal } from './refusal.ts';
import { validateLocal, writeSdp, type OutputSection } from './sdp-writer.ts';
import type { BuiltAnswer, LocalMediaParams, NegotiatedMedia, ParsedOffer } from './types.ts';

/**
 * Builds the answer to a parsed offer.
 *
 * Codec: the first of `local.codecPreferences` that the offer has, with the offer's PT (Opus gets
 * `minptime=10;useinbandfec=1`), plus telephone-event when `local.dtmf` (8000 Hz for PCMU/PCMA,
 * 8000 Hz and 48000 Hz for Opus). DTLS: `a=setup:passive` (Denwa is the DTLS server); an offer
 * with `passive` is refused unless `local.dtlsClient`; see {@link answerSetup}.
 *
 * @returns the SDP and the negotiated media, or a 31400 refusal: `no-common-codec` when the offer
 *   has none of the preferred codecs, `bad-setup` for a refused `passive` offer.
 * @throws TypeError when a local parameter is malformed (programmer error).
 */
export function buildAnswer(offer: ParsedOffer, local: LocalMediaParams): BuiltAnswer | VoiceError {
  return answer(offer, local);
}

/**
 * True when the offer restarts ICE (RFC 8445 §9): its ufrag or pwd differs from the credentials
 * negotiated before.
 */
export function isIceRestart(previous: NegotiatedMedia, offer: ParsedOffer): boolean {
  return previous.remoteIce.ufrag !== offer.ice.ufrag || previous.remoteIce.pwd !== offer.ice.pwd;
}

/**
 * True when the offer's sha-256 fingerprint differs from the negotiated one: the browser wants a
 * new DTLS association (RFC 8842 §5.5), not just new ICE credentials.
 */
export function isDtlsRestart(previous: NegotiatedMedia, offer: ParsedOffer): boolean {
  return previous.remoteFingerprint.value !== offer.fingerprint.value;
}

/**
 * Answers a re-offer on a live call (`reinvite`, usually an ICE restart): keeps the primary codec
 * when the offer still has it (else chooses again as {@link buildAnswer} does) and keeps Denwa's
 * DTLS role for an `actpass` offer (the client role only with `local.dtlsClient`). `local` carries Denwa's ICE credentials for this answer: new ones
 * when {@link isIceRestart} (RFC 8445 §9.3.1.1), the previous ones otherwise; `sessionVersion`
 * must be higher than in Denwa's previous SDP.
 *
 * @throws TypeError when the offer restarts ICE but `local` reuses the previous ufrag or pwd, or a
 *   local parameter is malformed.
 */
export function buildReinviteAnswer(
  offer: ParsedOffer,
  local: LocalMediaParams,
  previous: NegotiatedMedia,
): BuiltAnswer | VoiceError {
  const reused = local.iceUfrag === previous.localIce.ufrag || local.icePwd === previous.localIce.pwd;
  if (isIceRestart(previous, offer) && reused) {
    throw new TypeError('an ICE restart needs new local ICE credentials');
  }
  return answer(offer, local, previous);
}

function answer(offer: ParsedOffer, local: LocalMediaParams, previous?: NegotiatedMedia): BuiltAnswer | VoiceError {
  validateLocal(local);
  const choice = chooseCodecs(offer.codecs, local.codecPreferences, local.dtmf, previous?.primary);
  if (choice === undefined) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
  const dtls = answerSetup(offer.setup, previous?.dtlsRole, local.dtlsClient ?? false);
  if (dtls === undefined) {
    return sdpRefusal('bad-setup', 'a=setup:passive would make Denwa the DTLS client; offers must use actpass (RFC 5763)');
  }
  const { setup, role } = dtls;
  const direction = answerDirection(offer.direction, local.direction);
  const sections: OutputSection[] = offer.media.map((line, index) =>
    index === offer.audioIndex
      ? {
          kind: 'audio',
          audio: { protocol: offer.protocol, mid: offer.mid, setup, direction, codecs: [choice.primary, ...choice.telephoneEvents] },
        }
      : { kind: 'rejected', line },
  );
  const bundled = offer.mid !== null && offer.bundle !== null && offer.bundle.includes(offer.mid);
  const sdp = writeSdp(local, sections, bundled ? [offer.mid] : null);
  const negotiated: NegotiatedMedia = {
    mid: offer.mid,
    primary: negotiatedCodec(choice.primary),
    telephoneEvent: choice.dtmfSend === null ? null : telephoneEventCodec(choice.dtmfSend),
    telephoneEvents: choice.telephoneEvents.map(telephoneEventCodec),
    remoteSsrcs: offer.ssrcs.map((s) => s.ssrc),
    remoteIce: offer.ice,
    localIce: { ufrag: local.iceUfrag, pwd: local.icePwd },
    remoteFingerprint: offer.fingerprint,
    remoteFingerprints: offer.fingerprints,
    dtlsRole: role,
    direction,
  };
  return { sdp, negotiated };
}
