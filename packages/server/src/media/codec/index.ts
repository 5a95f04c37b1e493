/**
 * `media/codec/`: audio codecs and DSP for transcoding bridges: G.711 μ-law/A-law tables, a
 * polyphase FIR resampler, and Opus on libopus compiled to WebAssembly.
 * @packageDocumentation
 */
export { ALAW_DECODE, ULAW_DECODE, decodeG711, encodeG711, linearToAlaw, linearToUlaw, type G711Law } from './g711.ts';
export { CHUNK, Resampler, kaiserLowPass, type ResamplerOptions } from './resampler.ts';
export { MAX_OPUS_PACKET, OpusDecoder, OpusEncoder, type OpusBandwidth, type OpusEncoderOptions, type OpusSampleRate } from './opus.ts';
export {
  DEFAULT_OPUS_SETTINGS,
  createPcmDecoder,
  createPcmEncoder,
  isTranscodable,
  type OpusSettings,
  type PcmDecoder,
  type PcmEncoder,
  type TranscodableCodec,
} from './frame-codec.ts';
