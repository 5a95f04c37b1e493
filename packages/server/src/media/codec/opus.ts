/**
 * Opus encoder and decoder on libopus compiled to WebAssembly, from the `@evan/opus` package (its
 * `wasm/` build: the SIMD module where the engine validates SIMD, else the plain one). The module is
 * loaded on first use (about 8 ms to compile), never at import, so a relay that never transcodes
 * never loads it; then it is warmed up in the background (see `warmUp`). The package's main entry would prefer a prebuilt native addon; Denwa always takes
 * the WebAssembly build, which needs no native build and no download.
 *
 * The package copies every packet and PCM frame through two static buffers in the module's memory
 * and returns a copy of the result (one small allocation per call); nothing else is allocated per
 * frame here. Encoder and decoder states live in the module's heap until {@link OpusEncoder.close}
 * / {@link OpusDecoder.close}.
 * @see https://www.rfc-editor.org/rfc/rfc6716 (Opus) and RFC 7587 (its RTP payload format)
 */
import { createRequire } from 'node:module';

/** The PCM rates libopus takes and gives (the RTP clock of Opus is 48 kHz whatever the PCM rate). */
export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** The audio bandwidths an encoder may be limited to (OPUS_SET_MAX_BANDWIDTH). */
export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

interface WasmEncoder {
  ctl(cmd: number, arg?: number): number;
  encode(pcm: ArrayBufferView): Uint8Array;
  drop(): void;
}

interface WasmDecoder {
  ctl(cmd: number, arg?: number): number;
  decode(packet: ArrayBufferView): Uint8Array;
  drop(): void;
}

interface OpusWasm {
  readonly Encoder: new (options: { channels: 1 | 2; sample_rate: number; application: 'voip' | 'audio' | 'restricted_lowdelay' }) => WasmEncoder;
  readonly Decoder: new (options: { channels: 1 | 2; sample_rate: number }) => WasmDecoder;
}

/** libopus CTL requests and values (opus_defines.h). */
const CTL = {
  setBitrate: 4002,
  setMaxBandwidth: 4004,
  setVbr: 4006,
  setComplexity: 4010,
  setInbandFec: 4012,
  setPacketLossPerc: 4014,
  setDtx: 4016,
  setSignal: 4024,
  signalVoice: 3001,
} as const;

const BANDWIDTH: Readonly<Record<OpusBandwidth, number>> = { narrowband: 1101, mediumband: 1102, wideband: 1103, superwideband: 1104, fullband: 1105 };

/** The largest Opus packet accepted for decoding (the module's packet buffer is 8 KiB). */
export const MAX_OPUS_PACKET = 4000;

let wasm: OpusWasm | null = null;

/** Loads (once) and returns the WebAssembly build of libopus. */
function opusWasm(): OpusWasm {
  if (wasm === null) {
    wasm = createRequire(import.meta.url)('@evan/opus/wasm/index.js') as OpusWasm;
    warmUp(wasm);
  }
  return wasm;
}

/**
 * Runs a second of noise through an encoder and a decoder once after load, five frames per turn of
 * the event loop. V8 compiles WebAssembly lazily with its baseline compiler and optimizes hot
 * functions in the background later; without this, the first calls to transcode run the slow code
 * while their first packets arrive, and the event loop stalls for tens of milliseconds (measured
 * with 50 calls starting at once). About 60 ms of CPU, once per process, in 10 slices.
 */
function warmUp(lib: OpusWasm): void {
  const encoder = new lib.Encoder({ channels: 1, sample_rate: 48000, application: 'voip' });
  const decoder = new lib.Decoder({ channels: 1, sample_rate: 48000 });
  const pcm = new Int16Array(960);
  let seed = 1;
  let frame = 0;
  const slice = (): void => {
    try {
      for (const end = frame + 5; frame < end; frame++) {
        for (let i = 0; i < pcm.length; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          pcm[i] = ((seed >> 16) & 0x3fff) - 0x2000 + Math.round(6000 * Math.sin((frame * 960 + i) / 17));
        }
        decoder.decode(encoder.encode(pcm));
      }
    } catch {
      frame = 50; // only a warm-up: a real failure shows again, with its reason, where it matters
    }
    if (frame < 50) {
      setTimeout(slice, 0).unref();
      return;
    }
    encoder.drop();
    decoder.drop();
  };
  encoder.ctl(CTL.setBitrate, 24_000);
  setTimeout(slice, 0).unref();
}

/** Settings of an {@link OpusEncoder}. */
export interface OpusEncoderOptions {
  /** Rate of the PCM given to {@link OpusEncoder.encode}. */
  readonly sampleRate: OpusSampleRate;
  /** Target bit rate in bit/s (default 24 000). */
  readonly bitrate?: number;
  /** 0–10 (default 5): CPU against quality. */
  readonly complexity?: number;
  /** Upper limit of the coded bandwidth (default none: libopus decides from the bit rate). */
  readonly maxBandwidth?: OpusBandwidth;
  /** In-band FEC for the receiver (default false). */
  readonly fec?: boolean;
}

/** A mono Opus encoder (VoIP application, voice signal, VBR, no DTX) of 20 ms frames. */
export class OpusEncoder {
  readonly sampleRate: OpusSampleRate;
  /** PCM samples per 20 ms frame. */
  readonly frameSamples: number;
  #encoder: WasmEncoder | null;

  /** @throws Error when libopus refuses the settings (a programmer error). */
  constructor(options: OpusEncoderOptions) {
    this.sampleRate = options.sampleRate;
    this.frameSamples = options.sampleRate / 50;
    const encoder = new (opusWasm().Encoder)({ channels: 1, sample_rate: options.sampleRate, application: 'voip' });
    this.#encoder = encoder;
    try {
      encoder.ctl(CTL.setBitrate, options.bitrate ?? 24_000);
      encoder.ctl(CTL.setComplexity, options.complexity ?? 5);
      encoder.ctl(CTL.setSignal, CTL.signalVoice);
      encoder.ctl(CTL.setVbr, 1);
      encoder.ctl(CTL.setDtx, 0);
      encoder.ctl(CTL.setInbandFec, options.fec === true ? 1 : 0);
      if (options.fec === true) encoder.ctl(CTL.setPacketLossPerc, 5);
      if (options.maxBandwidth !== undefined) encoder.ctl(CTL.setMaxBandwidth, BANDWIDTH[options.maxBandwidth]);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * Encodes one 20 ms frame, `pcm[offset, offset + frameSamples)`, into `out[outOffset…]`. Returns
   * the packet length, or −1 when libopus fails or `out` has no room.
   */
  encode(pcm: Int16Array, offset: number, out: Uint8Array, outOffset: number): number {
    const encoder = this.#encoder;
    if (encoder === null) return -1;
    let packet: Uint8Array;
    try {
      packet = encoder.encode(pcm.subarray(offset, offset + this.frameSamples));
    } catch {
      return -1;
    }
    if (outOffset + packet.length > out.length) return -1;
    out.set(packet, outOffset);
    return packet.length;
  }

  /** Frees the encoder's state; later calls encode nothing. Idempotent. */
  close(): void {
    this.#encoder?.drop();
    this.#encoder = null;
  }
}

/** A mono Opus decoder (stereo packets are mixed down by libopus). */
export class OpusDecoder {
  readonly sampleRate: OpusSampleRate;
  #decoder: WasmDecoder | null;

  constructor(sampleRate: OpusSampleRate) {
    this.sampleRate = sampleRate;
    this.#decoder = new (opusWasm().Decoder)({ channels: 1, sample_rate: sampleRate });
  }

  /**
   * Decodes the packet `data[offset, offset + length)` into `out[outOffset…]`. Returns the number of
   * samples, or −1 for a packet libopus refuses (corrupt, empty, too long) or no room in `out`.
   */
  decode(data: Uint8Array, offset: number, length: number, out: Int16Array, outOffset: number): number {
    const decoder = this.#decoder;
    if (decoder === null || length <= 0 || length > MAX_OPUS_PACKET) return -1;
    let pcm: Uint8Array;
    try {
      pcm = decoder.decode(data.subarray(offset, offset + length));
    } catch {
      return -1;
    }
    const samples = pcm.byteLength >> 1;
    if (outOffset + samples > out.length) return -1;
    out.set(new Int16Array(pcm.buffer, pcm.byteOffset, samples), outOffset);
    return samples;
  }

  /** Forgets the decoder's history (a new stream). */
  reset(): void {
    this.#decoder?.ctl(4028); // OPUS_RESET_STATE
  }

  /** Frees the decoder's state; later calls decode nothing. Idempotent. */
  close(): void {
    this.#decoder?.drop();
    this.#decoder = null;
  }
}
