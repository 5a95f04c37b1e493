/**
 * The minimal WAV reader of the MP3 encoder: it accepts exactly the canonical 44-byte header that
 * Denwa's recorder writes (RIFF, a 16-byte `fmt ` chunk of PCM, then `data`), 16-bit, mono or stereo,
 * at a rate LAME handles. Anything else (WAVE_FORMAT_EXTENSIBLE, extra chunks before `data`, float or
 * 8/24-bit samples) is refused with a message saying which field is wrong: the encoder then never
 * guesses where the samples start.
 *
 * The recorder streams its file with a data size of 0 and patches it at the end; a process that died
 * in between leaves 0 or a stale size. A size of 0, or one larger than the file, therefore means
 * "everything after the header", rounded down to whole sample frames.
 */
import { Mp3EncodeError } from './mp3-error.ts';
import { SUPPORTED_SAMPLE_RATES } from './mp3-settings.ts';

/** Size of the canonical header. */
export const WAV_HEADER_BYTES = 44;

/** What the canonical header says, with the data size already reconciled with the file's size. */
export interface CanonicalWav {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Bytes per sample frame: 2 × channels. */
  readonly blockAlign: number;
  /** Bytes of whole sample frames to encode, starting at {@link WAV_HEADER_BYTES}. */
  readonly dataBytes: number;
}

function fourcc(buf: Uint8Array, at: number): string {
  return String.fromCharCode(buf[at] ?? 0, buf[at + 1] ?? 0, buf[at + 2] ?? 0, buf[at + 3] ?? 0);
}

/**
 * Checks the first bytes of a WAV file (`header`, up to 44 of them) of `fileBytes` bytes in all.
 * @throws Mp3EncodeError `invalid-wav` naming `path` and the offending field, or `empty-wav`.
 */
export function parseCanonicalWavHeader(header: Uint8Array, fileBytes: number, path: string): CanonicalWav {
  const refuse = (why: string): never => {
    throw new Mp3EncodeError('invalid-wav', `MP3 encode: ${path} is not a canonical PCM16 WAV file: ${why}`);
  };
  if (header.length < WAV_HEADER_BYTES) {
    refuse(`it is ${String(fileBytes)} bytes, shorter than the ${String(WAV_HEADER_BYTES)}-byte header`);
  }
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (fourcc(header, 0) !== 'RIFF' || fourcc(header, 8) !== 'WAVE') {
    refuse(`no RIFF/WAVE signature (starts with ${JSON.stringify(fourcc(header, 0))})`);
  }
  if (fourcc(header, 12) !== 'fmt ') refuse(`expected the "fmt " chunk at byte 12, found ${JSON.stringify(fourcc(header, 12))}`);
  const fmtBytes = view.getUint32(16, true);
  if (fmtBytes !== 16) refuse(`"fmt " chunk of ${String(fmtBytes)} bytes (only the 16-byte PCM form is accepted)`);
  const format = view.getUint16(20, true);
  if (format !== 1) refuse(`audio format ${String(format)} is not PCM (1)`);
  const channels = view.getUint16(22, true);
  if (channels !== 1 && channels !== 2) refuse(`${String(channels)} channels (1 or 2 expected)`);
  const sampleRate = view.getUint32(24, true);
  if (!SUPPORTED_SAMPLE_RATES.includes(sampleRate)) {
    refuse(`sample rate ${String(sampleRate)} Hz (expected one of ${SUPPORTED_SAMPLE_RATES.join(', ')})`);
  }
  const bits = view.getUint16(34, true);
  if (bits !== 16) refuse(`${String(bits)} bits per sample (16 expected)`);
  const blockAlign = channels * 2;
  if (view.getUint16(32, true) !== blockAlign || view.getUint32(28, true) !== sampleRate * blockAlign) {
    refuse('block align or byte rate inconsistent with the channels and sample rate');
  }
  if (fourcc(header, 36) !== 'data') refuse(`expected the "data" chunk at byte 36, found ${JSON.stringify(fourcc(header, 36))}`);
  const available = fileBytes - WAV_HEADER_BYTES;
  const declared = view.getUint32(40, true);
  const usable = declared === 0 || declared > available ? available : declared;
  const dataBytes = usable - (usable % blockAlign);
  if (dataBytes <= 0) throw new Mp3EncodeError('empty-wav', `MP3 encode: ${path} holds no audio samples`);
  return { sampleRate, channels: channels === 1 ? 1 : 2, blockAlign, dataBytes };
}
