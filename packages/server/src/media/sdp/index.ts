/**
 * `media/sdp/`: pure SDP codec for the WebRTC legs of the media relay. Parses browser offers and
 * answers (Twilio Voice SDK 1.x/2.x on Chrome, Firefox, Safari) and writes Denwa's ICE-lite,
 * DTLS-SRTP, rtcp-mux, non-trickle answers and offers. No I/O, no clock, no randomness: ids, ICE
 * credentials, fingerprint, SSRC, address and port come in as parameters. SIP legs use plain RTP/AVP
 * (`plain-rtp.ts`, `plain-rtp-writer.ts`).
 * @packageDocumentation
 */
export * from './constants.ts';
export type * from './types.ts';
export { parseOffer } from './parse-offer.ts';
export { buildAnswer, buildReinviteAnswer, isDtlsRestart, isIceRestart } from './build-answer.ts';
export { buildOffer, defaultOfferCodecs, parseAnswer } from './local-offer.ts';
export { answerDirection, answerSetup, offeredAudioCodecs, reverseDirection, roleFromAnswer } from './negotiate.ts';
export { hostCandidateLine, hostCandidatePriority, isIpv6 } from './sdp-writer.ts';
export { NO_COMMON_CODEC, sdpRefusal, sdpRefusalReason, type SdpRefusalReason } from './refusal.ts';
export {
  PLAIN_RTP_DEFAULT_CODECS,
  PLAIN_RTP_PROTOCOLS,
  PLAIN_RTP_TELEPHONE_EVENT,
  answerPlainRtp,
  audioCodecName,
  directionReceives,
  directionSends,
  isHoldAddress,
  parsePlainRtp,
  plainRtpOfferCodecs,
  readPlainRtpAnswer,
  type PlainRtpDescription,
  type PlainRtpMedia,
  type PlainRtpRemote,
} from './plain-rtp.ts';
export {
  SDES_KEY_LENGTH,
  SDES_OFFER_SUITES,
  answerSdes,
  cryptoAttribute,
  isSavp,
  parseCryptoAttribute,
  readSdesAnswer,
  type SdesKey,
  type SdesLine,
  type SdesSuite,
  type SrtpPolicy,
} from './sdes.ts';
export { SIP_PTIME_MS, SIP_TELEPHONE_EVENT_FMTP, writePlainRtp, type PlainRtpLocal, type PlainRtpMirror } from './plain-rtp-writer.ts';
