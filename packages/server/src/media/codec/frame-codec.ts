/**
 * One interface over the audio codecs a bridge transcodes between: G.711 μ-law and A-law (8 kHz,
 * table lookups) and Opus (libopus in WebAssembly, PCM at a chosen rate). A decoder turns one RTP
 * payload into 16-bit mono PCM at its `sampleRate`; an encoder turns one 20 ms frame of PCM into
 * one payload.
 */
import { decodeG711, encodeG711, type G711Law } from './g711.ts';
import { OpusDecoder, OpusEncoder, type OpusBandwidth, type OpusSampleRate } from './opus.ts';

/** The codecs a bridge can transcode between (canonical SDP names). */
export type TranscodableCodec = 'opus' | 'PCMU' | 'PCMA';

/** Decodes payloads of one codec into PCM. */
export interface PcmDecoder {
  readonly sampleRate: number;
  /** Largest number of samples one payload may decode to (120 ms). */
  readonly maxSamples: number;
  /** Decodes `data[offset, offset + length)` into `out[outOffset…]`: the sample count, or −1 when refused. */
  decode(data: Uint8Array, offset: number, length: number, out: Int16Array, outOffset: number): number;
  /** A new stream: forget the history. */
  reset(): void;
  close(): void;
}

/** Encodes 20 ms PCM frames of one codec. */
export interface PcmEncoder {
  readonly sampleRate: number;
  /** PCM samples per 20 ms frame. */
  readonly frameSamples: number;
  /** Largest payload one frame may encode to. */
  readonly maxPayload: number;
  /** Encodes `pcm[offset, offset + frameSamples)` into `out[outOffset…]`: the payload length, or −1. */
  encode(pcm: Int16Array, offset: number, out: Uint8Array, outOffset: number): number;
  close(): void;
}

/** How the Opus side of a transcoded bridge runs. */
export interface OpusSettings {
  /** PCM rate at which Opus is decoded and encoded (the resampler converts to and from 8 kHz). */
  readonly pcmRate: OpusSampleRate;
  /** Encoder complexity 0–10. */
  readonly complexity: number;
  /** Encoder bit rate, bit/s. */
  readonly bitrate: number;
  /** Coded bandwidth limit: G.711 audio has nothing above 4 kHz, so narrowband loses nothing. */
  readonly maxBandwidth: OpusBandwidth;
}

/**
 * Opus settings for G.711 sources: 8 kHz PCM (libopus decodes to and encodes from the G.711 rate with
 * its own filtered resampling, about half the cost of 48 kHz plus Denwa's resampler: `bench/README.md`),
 * complexity 5, 20 kbit/s, narrowband.
 */
export const DEFAULT_OPUS_SETTINGS: OpusSettings = { pcmRate: 8000, complexity: 5, bitrate: 20_000, maxBandwidth: 'narrowband' };

/** 120 ms of G.711, the longest payload a decoder takes. */
const G711_MAX = 960;

class G711Decoder implements PcmDecoder {
  readonly sampleRate = 8000;
  readonly maxSamples = G711_MAX;
  readonly #law: G711Law;

  constructor(law: G711Law) {
    this.#law = law;
  }

  decode(data: Uint8Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    if (length <= 0 || length > G711_MAX || outOffset + length > out.length) return -1;
    decodeG711(this.#law, data, offset, length, out, outOffset);
    return length;
  }

  reset(): void {
    // G.711 has no state.
  }

  close(): void {
    // Nothing to free.
  }
}

class G711Encoder implements PcmEncoder {
  readonly sampleRate = 8000;
  readonly frameSamples = 160;
  readonly maxPayload = 160;
  readonly #law: G711Law;

  constructor(law: G711Law) {
    this.#law = law;
  }

  encode(pcm: Int16Array, offset: number, out: Uint8Array, outOffset: number): number {
    if (outOffset + 160 > out.length) return -1;
    encodeG711(this.#law, pcm, offset, 160, out, outOffset);
    return 160;
  }

  close(): void {
    // Nothing to free.
  }
}

class OpusPcmDecoder implements PcmDecoder {
  readonly sampleRate: number;
  readonly maxSamples: number;
  readonly #decoder: OpusDecoder;

  constructor(rate: OpusSampleRate) {
    this.#decoder = new OpusDecoder(rate);
    this.sampleRate = rate;
    this.maxSamples = (rate * 120) / 1000;
  }

  decode(data: Uint8Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    return this.#decoder.decode(data, offset, length, out, outOffset);
  }

  reset(): void {
    this.#decoder.reset();
  }

  close(): void {
    this.#decoder.close();
  }
}

class OpusPcmEncoder implements PcmEncoder {
  readonly sampleRate: number;
  readonly frameSamples: number;
  /** RFC 6716 §3.4: at most 1275 bytes per frame. */
  readonly maxPayload = 1275;
  readonly #encoder: OpusEncoder;

  constructor(settings: OpusSettings) {
    this.#encoder = new OpusEncoder({ sampleRate: settings.pcmRate, complexity: settings.complexity, bitrate: settings.bitrate, maxBandwidth: settings.maxBandwidth });
    this.sampleRate = settings.pcmRate;
    this.frameSamples = this.#encoder.frameSamples;
  }

  encode(pcm: Int16Array, offset: number, out: Uint8Array, outOffset: number): number {
    return this.#encoder.encode(pcm, offset, out, outOffset);
  }

  close(): void {
    this.#encoder.close();
  }
}

/** A decoder for `codec` (Opus at `opus.pcmRate`). */
export function createPcmDecoder(codec: TranscodableCodec, opus: OpusSettings = DEFAULT_OPUS_SETTINGS): PcmDecoder {
  if (codec === 'opus') return new OpusPcmDecoder(opus.pcmRate);
  return new G711Decoder(codec === 'PCMU' ? 'ulaw' : 'alaw');
}

/** An encoder of 20 ms frames for `codec` (Opus with `opus`). */
export function createPcmEncoder(codec: TranscodableCodec, opus: OpusSettings = DEFAULT_OPUS_SETTINGS): PcmEncoder {
  if (codec === 'opus') return new OpusPcmEncoder(opus);
  return new G711Encoder(codec === 'PCMU' ? 'ulaw' : 'alaw');
}

/** True for a codec name this module transcodes. */
export function isTranscodable(name: string): name is TranscodableCodec {
  return name === 'opus' || name === 'PCMU' || name === 'PCMA';
}
