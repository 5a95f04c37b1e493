/**
 * `media/`: Denwa's media plane. The rest of the server uses the relay through the call engine's
 * `MediaPort`; `main.ts` constructs it from here.
 * @packageDocumentation
 */
export { MediaRelay, type MediaRelayAddress, type MediaRelayOptions } from './relay/index.ts';
export { nativeUdpFallbackReason } from './net/index.ts';
export type { LegStats, MediaCounters, MediaImpairment, RtpPortRange } from './endpoint/index.ts';
/** The audio codecs, for the recorder (it decodes what a `MediaTap` hands it). */
export { Resampler, createPcmDecoder, isTranscodable, type PcmDecoder, type TranscodableCodec } from './codec/index.ts';
