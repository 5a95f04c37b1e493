/**
 * The browser's offer (outgoing calls, twilio-signaling.md §4.2; `reinvite` ICE restarts, §4.8).
 * The SDK sends it right after `setLocalDescription`, so it normally has no candidates; Denwa
 * answers with its own.
 */
import { VoiceError } from '@denwa/protocol';
import { NO_COMMON_CODEC, sdpRefusal } from './refusal.ts';
import { readDescription } from './sdp-reader.ts';
import type { MediaLine, ParsedOffer } from './types.ts';

/** The first enabled audio m-line; other m-lines are rejected in the answer. */
function pickOfferAudio(media: readonly MediaLine[]): number | VoiceError {
  const index = media.findIndex((m) => m.type === 'audio' && m.port !== 0);
  if (index >= 0) return index;
  if (media.some((m) => m.type === 'audio')) return sdpRefusal('audio-rejected', 'the audio m-line is disabled (port 0)');
  const types = media.map((m) => m.type).join(', ');
  return sdpRefusal('no-audio', types === '' ? 'no m-line' : `no audio m-line (only ${types})`);
}

/**
 * Parses a browser offer. Never throws: every problem is a `VoiceError` 31400 with a precise
 * reason (`details.reason`, see `SdpRefusalReason`): over-size input, not SDP, no (enabled) audio
 * m-line, a non-DTLS-SRTP protocol such as RTP/AVP, missing or malformed ICE credentials, no
 * sha-256 fingerprint, no rtcp-mux, a bad `a=setup`, or none of Opus, PCMU and PCMA ("Not
 * Acceptable Here: no common audio codec").
 */
export function parseOffer(sdp: string): ParsedOffer | VoiceError {
  const parsed = readDescription(sdp, pickOfferAudio);
  if (parsed instanceof VoiceError) return parsed;
  if (!parsed.codecs.some((codec) => codec.name !== 'telephone-event')) return sdpRefusal('no-common-codec', NO_COMMON_CODEC);
  return parsed;
}
