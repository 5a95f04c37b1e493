/**
 * Turns the audio packets of one call leg (as a `MediaTap` hands them over) into PCM at the
 * recording's sample rate: G.711 by table, Opus with libopus (WebAssembly) decoding straight to the
 * recording's rate, and a real polyphase resampler where G.711 (8 kHz) goes into a 16 kHz recording.
 * RTP timestamps are unwrapped and converted to the recording's rate, so the timeline sees one
 * continuous clock per stream. A codec change (re-INVITE) gets a new decoder; a packet a decoder
 * refuses is left out (its span becomes silence on the timeline).
 */
import type { MediaCodec } from '../calls/ports.ts';
import { Resampler, createPcmDecoder, isTranscodable, type PcmDecoder } from '../media/index.ts';

/** A decoded frame: the same object, refilled, on every {@link LegDecoder.decode}; valid until the next. */
export interface DecodedFrame {
  readonly pcm: Int16Array;
  /** The frame's first sample on the stream's clock, in recording-rate samples (unwrapped). */
  readonly timestamp: number;
  readonly ssrc: number;
}

/** The Opus rates libopus decodes to directly. */
const OPUS_RATES = new Set([8000, 12000, 16000, 24000, 48000]);
/** 120 ms at 48 kHz: the longest frame any supported codec decodes to. */
const MAX_FRAME = 5760;

export class LegDecoder {
  readonly #rate: number;
  /** The codec the decoder is for (name and clock rate); a change makes a new decoder. */
  #name = '';
  #clockRate = 0;
  #decoder: PcmDecoder | null = null;
  #resampler: Resampler | null = null;
  readonly #decoded = new Int16Array(MAX_FRAME);
  readonly #resampled = new Int16Array(MAX_FRAME);
  /** Reused for every frame (no allocation per packet on the media path). */
  readonly #frame: { pcm: Int16Array; timestamp: number; ssrc: number } = { pcm: new Int16Array(0), timestamp: 0, ssrc: 0 };
  #ssrc = -1;
  #lastTs = 0;
  #extended = 0;
  /** Packets a decoder refused or of a codec Denwa cannot decode. */
  refused = 0;

  constructor(sampleRate: number) {
    this.#rate = sampleRate;
  }

  /** Decodes one payload; null when it cannot be decoded. */
  decode(payload: Uint8Array, codec: MediaCodec, timestamp: number, ssrc: number): DecodedFrame | null {
    const decoder = this.#decoderFor(codec);
    if (decoder === null) {
      this.refused++;
      return null;
    }
    const samples = decoder.decode(payload, 0, payload.length, this.#decoded, 0);
    if (samples <= 0) {
      this.refused++;
      return null;
    }
    let pcm = this.#decoded.subarray(0, samples);
    const resampler = this.#resampler;
    if (resampler !== null) {
      const out = resampler.process(this.#decoded, 0, samples, this.#resampled, 0);
      pcm = this.#resampled.subarray(0, out);
    }
    const frame = this.#frame;
    frame.pcm = pcm;
    frame.timestamp = this.#unwrap(timestamp, ssrc, codec.clockRate);
    frame.ssrc = ssrc;
    return frame;
  }

  /** The stream's timestamp, unwrapped past 2^32 and converted to the recording's rate. */
  #unwrap(timestamp: number, ssrc: number, clockRate: number): number {
    if (ssrc !== this.#ssrc) {
      this.#ssrc = ssrc;
      this.#extended = timestamp;
    } else {
      this.#extended += (timestamp - this.#lastTs) | 0;
    }
    this.#lastTs = timestamp;
    return Math.floor((this.#extended * this.#rate) / clockRate);
  }

  #decoderFor(codec: MediaCodec): PcmDecoder | null {
    if (codec.name === this.#name && codec.clockRate === this.#clockRate) return this.#decoder;
    this.close();
    this.#name = codec.name;
    this.#clockRate = codec.clockRate;
    const name = codec.name.toLowerCase() === 'opus' ? 'opus' : codec.name.toUpperCase();
    if (!isTranscodable(name)) return null;
    if (name === 'opus') {
      const pcmRate = OPUS_RATES.has(this.#rate) ? this.#rate : 48000;
      this.#decoder = createPcmDecoder('opus', { pcmRate: pcmRate as 8000 | 12000 | 16000 | 24000 | 48000, complexity: 0, bitrate: 0, maxBandwidth: 'fullband' });
    } else {
      this.#decoder = createPcmDecoder(name);
    }
    if (this.#decoder.sampleRate !== this.#rate) this.#resampler = new Resampler(this.#decoder.sampleRate, this.#rate);
    return this.#decoder;
  }

  close(): void {
    this.#decoder?.close();
    this.#decoder = null;
    this.#resampler = null;
    this.#name = '';
    this.#clockRate = 0;
  }
}
