/**
 * PCM16 little-endian WAV files (RIFF/WAVE with a `fmt ` chunk of format 1 and a `data` chunk),
 * the format Twilio serves `.wav` recordings in.
 *
 * A recorder streams its file: it writes a 44-byte header with `dataBytes` 0 first and patches the
 * two size fields when the recording ends. A process that dies in between leaves a file whose header
 * understates (or, after an earlier patch, misstates) its data; {@link repairWavHeader} rebuilds the
 * sizes from the file's length so that the audio written so far is playable. The reader is tolerant
 * of what other writers put around the audio (a `LIST` chunk, `fact`, padding), because files may
 * also be uploaded or imported, but it accepts only 16-bit PCM: everything downstream (trimming,
 * channel conversion, transcoding) works on Int16 samples.
 * @see http://soundfile.sapp.org/doc/WaveFormat/
 */

/** Size of the canonical header {@link wavHeader} writes: RIFF (12) + `fmt ` (8 + 16) + `data` (8). */
export const WAV_HEADER_BYTES = 44;

/** WAVE_FORMAT_PCM. */
const FORMAT_PCM = 1;
/** WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID. */
const FORMAT_EXTENSIBLE = 0xfffe;
/** Largest value of a 32-bit size field. */
const MAX_U32 = 0xffffffff;

/** What a header says about the audio of a PCM16 WAV file. */
export interface WavInfo {
  readonly sampleRate: number;
  readonly channels: number;
  /** Always 16: other sample formats are refused. */
  readonly bitsPerSample: number;
  /** Offset of the first sample byte in the file (44 for a canonical header). */
  readonly dataOffset: number;
  /** The `data` chunk's declared size: 0 or stale for a file whose writer did not finish. */
  readonly dataBytes: number;
}

/** Outcome of {@link parseWavHeader}: never an exception. */
export type WavParseResult = { readonly ok: true; readonly value: WavInfo } | { readonly ok: false; readonly error: string };

/** A corrected header from {@link repairWavHeader}. */
export interface WavRepair {
  /** The header with both size fields fixed: `dataOffset` bytes (44 for a file {@link wavHeader} started). */
  readonly header: Buffer;
  /** The whole frames the file holds after its header, in bytes. */
  readonly dataBytes: number;
  readonly durationMs: number;
  readonly info: WavInfo;
}

/** Outcome of {@link repairWavHeader}. */
export type WavRepairResult = { readonly ok: true; readonly value: WavRepair } | { readonly ok: false; readonly error: string };

/** The format of a header to write. */
export interface WavHeaderFields {
  readonly sampleRate: number;
  readonly channels: number;
  /** Bytes of audio that follow; 0 while the file is still being streamed. */
  readonly dataBytes: number;
}

function isPositiveInt(n: number, max: number): boolean {
  return Number.isInteger(n) && n > 0 && n <= max;
}

/**
 * The canonical 44-byte header of a PCM16 file: RIFF size `36 + dataBytes`, `fmt ` of 16 bytes,
 * then the `data` chunk header; the samples follow.
 * @throws RangeError for a sample rate or channel count that is not a positive integer, or a
 *   `dataBytes` a 32-bit size field cannot hold (a programmer error).
 */
export function wavHeader(fields: WavHeaderFields): Buffer {
  const { sampleRate, channels, dataBytes } = fields;
  if (!isPositiveInt(sampleRate, MAX_U32)) throw new RangeError(`invalid WAV sample rate ${String(sampleRate)}`);
  if (!isPositiveInt(channels, 0xffff)) throw new RangeError(`invalid WAV channel count ${String(channels)}`);
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > MAX_U32 - 36) throw new RangeError(`invalid WAV data size ${String(dataBytes)}`);
  const blockAlign = channels * 2;
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28); // byte rate; may wrap for absurd rates, no reader needs it
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

function u16(buf: Uint8Array, at: number): number {
  return (buf[at] ?? 0) | ((buf[at + 1] ?? 0) << 8);
}

function u32(buf: Uint8Array, at: number): number {
  return ((buf[at] ?? 0) | ((buf[at + 1] ?? 0) << 8) | ((buf[at + 2] ?? 0) << 16) | ((buf[at + 3] ?? 0) << 24)) >>> 0;
}

function fourcc(buf: Uint8Array, at: number): string {
  return String.fromCharCode(buf[at] ?? 0, buf[at + 1] ?? 0, buf[at + 2] ?? 0, buf[at + 3] ?? 0);
}

/** A printable form of a chunk id for an error message. */
function printable(id: string): string {
  return JSON.stringify(id);
}

interface FmtFields {
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

/** Checks a `fmt ` chunk body at `at` of `size` bytes (all of it inside `buf`). */
function readFmt(buf: Uint8Array, at: number, size: number): { readonly ok: true; readonly value: FmtFields } | { readonly ok: false; readonly error: string } {
  if (size < 16) return { ok: false, error: `WAV fmt chunk is ${String(size)} bytes; at least 16 expected` };
  let format = u16(buf, at);
  if (format === FORMAT_EXTENSIBLE) {
    // cbSize at 16, valid bits at 18, channel mask at 20, the sub-format GUID at 24.
    if (size < 40) return { ok: false, error: 'WAV extensible fmt chunk is too short for its sub-format' };
    format = u16(buf, at + 24);
  }
  if (format !== FORMAT_PCM) return { ok: false, error: `WAV format ${String(format)} is not PCM (1)` };
  const channels = u16(buf, at + 2);
  const sampleRate = u32(buf, at + 4);
  const blockAlign = u16(buf, at + 12);
  const bitsPerSample = u16(buf, at + 14);
  if (bitsPerSample !== 16) return { ok: false, error: `WAV has ${String(bitsPerSample)}-bit samples; only 16-bit PCM is supported` };
  if (channels === 0) return { ok: false, error: 'WAV declares 0 channels' };
  if (sampleRate === 0) return { ok: false, error: 'WAV declares a sample rate of 0' };
  if (blockAlign !== channels * 2) return { ok: false, error: `WAV block align ${String(blockAlign)} does not match ${String(channels)} channels of 16 bits` };
  return { ok: true, value: { channels, sampleRate, bitsPerSample } };
}

/**
 * Reads the header of a PCM16 WAV file from its first bytes (a few hundred are plenty unless a
 * large `LIST` chunk precedes the audio). Walks the chunks after `RIFF…WAVE`, skipping any it does
 * not need, until the `data` chunk; the `data` chunk's declared size is returned as is, not checked
 * against `buf` (a header alone is a valid input). The RIFF size is not checked either: streamed
 * files have it 0 or stale. Refuses with a message, and never throws, for anything else: not RIFF,
 * RIFX (big-endian) or RF64, a format other than 16-bit PCM, a `fmt ` chunk missing before the
 * data, or bytes ending before the `data` chunk header.
 */
export function parseWavHeader(buf: Uint8Array): WavParseResult {
  if (buf.length < 12) return { ok: false, error: `WAV header truncated: ${String(buf.length)} bytes, the RIFF header alone is 12` };
  const riff = fourcc(buf, 0);
  if (riff === 'RIFX') return { ok: false, error: 'big-endian WAV (RIFX) is not supported' };
  if (riff === 'RF64') return { ok: false, error: 'RF64 WAV is not supported' };
  if (riff !== 'RIFF') return { ok: false, error: `not a WAV file: starts with ${printable(riff)}, not "RIFF"` };
  const wave = fourcc(buf, 8);
  if (wave !== 'WAVE') return { ok: false, error: `not a WAV file: RIFF form ${printable(wave)}, not "WAVE"` };
  let fmt: FmtFields | null = null;
  let at = 12;
  // Each step advances at least 8 bytes, so the walk ends within buf.length / 8 steps.
  for (;;) {
    if (at + 8 > buf.length) {
      return { ok: false, error: fmt === null ? 'WAV header truncated before its fmt chunk' : 'WAV header truncated before its data chunk' };
    }
    const id = fourcc(buf, at);
    const size = u32(buf, at + 4);
    const body = at + 8;
    if (id === 'data') {
      if (fmt === null) return { ok: false, error: 'WAV data chunk comes before any fmt chunk' };
      return { ok: true, value: { ...fmt, dataOffset: body, dataBytes: size } };
    }
    if (id === 'fmt ') {
      if (body + size > buf.length) return { ok: false, error: 'WAV header truncated inside its fmt chunk' };
      const read = readFmt(buf, body, size);
      if (!read.ok) return read;
      fmt = read.value;
    }
    // Chunks are padded to an even size (RIFF); the pad byte is not counted in the size.
    at = body + size + (size & 1);
  }
}

/** Duration in ms (rounded) of `dataBytes` of PCM16 audio; a trailing partial frame does not count. */
export function wavDurationMs(dataBytes: number, sampleRate: number, channels: number): number {
  if (!(sampleRate > 0) || !(channels > 0) || !(dataBytes > 0)) return 0;
  const frames = Math.floor(dataBytes / (channels * 2));
  return Math.round((frames * 1000) / sampleRate);
}

/**
 * Fixes the size fields of a WAV file whose writer stopped before patching them (or patched them
 * for an earlier length): `header` is the file's first bytes (at least up to its `data` chunk
 * header), `fileBytes` the file's length. The data size becomes the whole frames after the header,
 * `floor((fileBytes − dataOffset) / blockAlign) × blockAlign` (a frame cut off by the crash is left
 * out; it stays in the file as trailing bytes that players ignore), and the RIFF size covers the
 * header and that data. Returns the header bytes to write back at offset 0 (`dataOffset` bytes,
 * the chunks before the data kept as they are) or why the file cannot be repaired.
 */
export function repairWavHeader(header: Uint8Array, fileBytes: number): WavRepairResult {
  const parsed = parseWavHeader(header);
  if (!parsed.ok) return parsed;
  const info = parsed.value;
  if (header.length < info.dataOffset) return { ok: false, error: 'WAV header bytes end before the data chunk header does' };
  if (!Number.isSafeInteger(fileBytes) || fileBytes < info.dataOffset) {
    return { ok: false, error: `WAV file of ${String(fileBytes)} bytes is shorter than its ${String(info.dataOffset)}-byte header` };
  }
  const blockAlign = info.channels * 2;
  const maxData = MAX_U32 - (info.dataOffset - 8);
  const available = Math.min(fileBytes - info.dataOffset, maxData);
  const dataBytes = Math.floor(available / blockAlign) * blockAlign;
  const fixed = Buffer.from(header.subarray(0, info.dataOffset));
  fixed.writeUInt32LE(info.dataOffset - 8 + dataBytes, 4);
  fixed.writeUInt32LE(dataBytes, info.dataOffset - 4);
  return {
    ok: true,
    value: { header: fixed, dataBytes, durationMs: wavDurationMs(dataBytes, info.sampleRate, info.channels), info: { ...info, dataBytes } },
  };
}
