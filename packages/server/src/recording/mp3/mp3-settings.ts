/**
 * LAME settings per input rate, chosen for recorded speech.
 *
 * | input rate (Hz)        | stereo  | mono    | MP3 rate (Hz)          | MPEG version |
 * |------------------------|---------|---------|------------------------|--------------|
 * | 8000, 11025, 12000     | 32 kbps | 16 kbps | same as input          | 2.5          |
 * | 16000, 22050, 24000    | 48 kbps | 24 kbps | same as input          | 2            |
 * | 32000, 44100, 48000    | 64 kbps | 32 kbps | half the input (24000) | 2            |
 *
 * Why these:
 * - CBR, not VBR. The WASM build turns LAME's Xing/Info header off (`lame_set_bWriteVbrTag(0)`), so a
 *   VBR file would carry no frame count and browsers would guess its duration (and seek) from the first
 *   frame's bitrate. With CBR every frame has the same size: duration and seek positions follow from the
 *   file size, and so does the storage a recording takes (bitrate × duration). Measured on this build,
 *   VBR (`-V 5..7`) is not meaningfully faster at 8 kHz, and slower at 48 kHz.
 * - 16 kbps per channel at 8 kHz is what narrowband (G.711) call audio needs: the source has no content
 *   above 4 kHz. 24 kbps per channel at 16 kHz keeps wideband (Opus/G.722) speech clean.
 * - 48 kHz input (Opus from browsers) is encoded at 24 kHz: speech carries next to nothing above the
 *   ~10 kHz that a 24 kHz MP3 keeps, the 2:1 ratio is the cheapest resample, and at 64 kbps stereo MPEG-1
 *   at 48 kHz would spend its bits on side information and a lowpass anyway. Left to itself LAME picks
 *   22.05 kHz for 32 kbps mono, a fractional resample; stating the rate keeps mono and stereo alike.
 * - Mono is half the stereo bitrate: a dual-channel recording is two mono voices, one per call leg.
 * - LAME's algorithm quality is its default: the WASM build exposes no `-q` knob.
 *
 * Speed (this build, one core, 2-vCPU VM): ≈ 500× real time for 8 kHz stereo, ≈ 1000× for 8 kHz mono,
 * ≈ 250× for 16 kHz stereo, ≈ 130× for 48 kHz stereo (the resampler and 6× the samples); see
 * `bench/recording-mp3.ts`.
 */

/** Constant bitrates used here (kbit/s), all valid for MPEG-2 and 2.5 layer III. */
export type Mp3Bitrate = 16 | 24 | 32 | 48 | 64;

/** MP3 sample rates used here: the MPEG-2 and MPEG-2.5 ones. */
export type Mp3SampleRate = 8000 | 11025 | 12000 | 16000 | 22050 | 24000;

/** Input sample rates accepted: those LAME handles, from telephony's 8 kHz to WebRTC's 48 kHz. */
export const SUPPORTED_SAMPLE_RATES: readonly number[] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/** The encoder settings for one recording. */
export interface Mp3Settings {
  readonly bitrateKbps: Mp3Bitrate;
  readonly outputSampleRate: Mp3SampleRate;
}

function mp3Rate(rate: number): Mp3SampleRate {
  switch (rate) {
    case 8000:
    case 11025:
    case 12000:
    case 16000:
    case 22050:
    case 24000:
      return rate;
    default:
      throw new RangeError(`no MPEG-2/2.5 sample rate ${String(rate)}`);
  }
}

/**
 * The settings for a recording at `sampleRate` with `channels` channels (see the table above).
 * @throws RangeError for a rate outside {@link SUPPORTED_SAMPLE_RATES} (the WAV reader refuses those first).
 */
export function mp3SettingsFor(sampleRate: number, channels: 1 | 2): Mp3Settings {
  if (!SUPPORTED_SAMPLE_RATES.includes(sampleRate)) throw new RangeError(`unsupported sample rate ${String(sampleRate)}`);
  const stereo = channels === 2;
  if (sampleRate <= 12_000) return { bitrateKbps: stereo ? 32 : 16, outputSampleRate: mp3Rate(sampleRate) };
  if (sampleRate <= 24_000) return { bitrateKbps: stereo ? 48 : 24, outputSampleRate: mp3Rate(sampleRate) };
  return { bitrateKbps: stereo ? 64 : 32, outputSampleRate: mp3Rate(sampleRate / 2) };
}
