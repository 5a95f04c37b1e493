/** Limits and codec tables of the SDP module. */
import type { AudioCodecName, CodecName, RtpCodec } from './types.ts';

/** Longest SDP accepted, in characters (a browser audio offer is ~2–5 KiB). */
export const MAX_SDP_LENGTH = 64 * 1024;

/** Transport protocols accepted for the audio m-line (RFC 8829 §5.1.3 also allows the legacy one). */
export const WEBRTC_PROTOCOLS: readonly string[] = ['UDP/TLS/RTP/SAVPF', 'RTP/SAVPF'];

/** `a=fmtp` Denwa writes for Opus (RFC 7587): 10 ms minimum packets and in-band FEC. */
export const OPUS_FMTP = 'minptime=10;useinbandfec=1';

/** `a=fmtp` Denwa writes for telephone-event: the 16 DTMF events (RFC 4733 §2.4.1). */
export const TELEPHONE_EVENT_FMTP = '0-15';

/** RFC 8445 §5.1.2.2 type preference of a host candidate. */
export const HOST_TYPE_PREFERENCE = 126;

/** RFC 8445 §5.1.2.1 local preference when the agent has a single address. */
export const SINGLE_ADDRESS_LOCAL_PREFERENCE = 65535;

/** Clock rate and channels of each supported codec (Opus is always `/48000/2`, RFC 7587 §7). */
export const SUPPORTED_CODECS: readonly { readonly name: CodecName; readonly clockRate: number; readonly channels: number }[] = [
  { name: 'opus', clockRate: 48000, channels: 2 },
  { name: 'PCMU', clockRate: 8000, channels: 1 },
  { name: 'PCMA', clockRate: 8000, channels: 1 },
  { name: 'telephone-event', clockRate: 8000, channels: 1 },
  { name: 'telephone-event', clockRate: 48000, channels: 1 },
];

/** RFC 3551 static payload types Denwa understands without an `a=rtpmap`. */
export const STATIC_PAYLOAD_TYPES: Readonly<Partial<Record<number, AudioCodecName>>> = { 0: 'PCMU', 8: 'PCMA' };

/** Payload types of Denwa's own offers (the numbers Chrome uses). */
export const OFFER_PAYLOAD_TYPES: Readonly<Record<AudioCodecName, RtpCodec>> = {
  opus: { pt: 111, name: 'opus', clockRate: 48000, channels: 2 },
  PCMU: { pt: 0, name: 'PCMU', clockRate: 8000, channels: 1 },
  PCMA: { pt: 8, name: 'PCMA', clockRate: 8000, channels: 1 },
};

/** telephone-event/8000 in Denwa's offers (Chrome sends DTMF with it for Opus and G.711 alike). */
export const OFFER_TELEPHONE_EVENT_8000: RtpCodec = { pt: 126, name: 'telephone-event', clockRate: 8000, channels: 1 };

/** telephone-event/48000 in Denwa's offers (only next to Opus). */
export const OFFER_TELEPHONE_EVENT_48000: RtpCodec = { pt: 110, name: 'telephone-event', clockRate: 48000, channels: 1 };
