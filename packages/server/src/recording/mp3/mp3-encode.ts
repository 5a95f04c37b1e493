/**
 * WAV → MP3 for finished recordings: reads a PCM16 WAV in bounded chunks, encodes it with LAME
 * (`wasm-media-encoders`, LAME compiled to WebAssembly) and writes the MP3 to a temp file that is
 * renamed into place, so a reader never sees half an MP3 and a crash leaves no truncated file under
 * the final name.
 *
 * LAME is CPU-bound (hundreds of ms per hour of audio): this runs in the worker of
 * {@link Mp3EncoderPool}, never on the server's event loop. It only uses async I/O, so it is also safe
 * (just slower to finish) when called directly, as the tests do.
 *
 * Memory is bounded whatever the recording's length: one chunk of {@link CHUNK_FRAMES} sample frames
 * of PCM, its Float32 copy, and {@link OUT_BUFFER_BYTES} of pending MP3, plus LAME's own few MB.
 */
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { createEncoder, createMp3Encoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import { Mp3EncodeError } from './mp3-error.ts';
import { mp3SettingsFor } from './mp3-settings.ts';
import { mp3TempPath } from './mp3-temp.ts';
import { parseCanonicalWavHeader, WAV_HEADER_BYTES, type CanonicalWav } from './wav-header.ts';

/** What an encode produced. */
export interface Mp3EncodeResult {
  /** Size of the MP3 file written. */
  readonly bytes: number;
  /**
   * Duration of the audio encoded, from the WAV's sample count. The MP3 plays ~0.1 s longer:
   * LAME adds its encoder delay and pads the last frame.
   */
  readonly durationMs: number;
}

/**
 * Sample frames per `encode()` call: 16384 frames is 64 KiB of stereo PCM, large enough that the
 * per-call overhead (a JS → WASM copy, one read, one loop) is noise next to LAME's work, small enough
 * to keep the worker's memory flat.
 */
const CHUNK_FRAMES = 16_384;
/** MP3 bytes gathered before a write: a few seconds of audio per write() at these bitrates. */
const OUT_BUFFER_BYTES = 256 * 1024;
const INT16_SCALE = 1 / 32_768;

type Mp3Encoder = WasmMediaEncoder<'audio/mpeg'>;

let wasmFile: Promise<Uint8Array | undefined> | undefined;
/** The module compiled from {@link wasmFile}, handed back by the first encoder created from it. */
let compiledModule: WebAssembly.Module | undefined;

/**
 * The package's `wasm/mp3.wasm`, read once per thread. The subpath is `wasm-media-encoders/wasm/mp3`:
 * the package's `./wasm/mp3.wasm` export points at a file that does not exist (`./wasm.mp3.wasm`, a
 * typo in 0.7.0). Undefined when the file cannot be read (e.g. in a bundle): then the copy inlined
 * in the package's JS as a base64 data URL is used. No network either way.
 */
function readWasmFile(): Promise<Uint8Array | undefined> {
  wasmFile ??= (async () => {
    try {
      return await readFile(createRequire(import.meta.url).resolve('wasm-media-encoders/wasm/mp3'));
    } catch {
      return undefined;
    }
  })();
  return wasmFile;
}

/**
 * A new encoder. The first compiles the WASM and, through the package's module callback, leaves the
 * compiled module here; later ones only instantiate it, and share V8's optimized code for it.
 */
async function newEncoder(): Promise<Mp3Encoder> {
  if (compiledModule) return createEncoder('audio/mpeg', compiledModule);
  const bytes = await readWasmFile();
  if (!bytes) return createMp3Encoder();
  return createEncoder('audio/mpeg', bytes, (module) => {
    compiledModule ??= module;
  });
}

/**
 * Encoders left by finished encodes, reused by the next: `configure()` resets one completely. Only
 * an encoder whose encode succeeded comes back here; one that threw (a WASM trap may leave LAME's
 * heap inconsistent) is dropped for the GC.
 */
const idleEncoders: Mp3Encoder[] = [];
const MAX_IDLE_ENCODERS = 2;

function takeEncoder(): Promise<Mp3Encoder> {
  const idle = idleEncoders.pop();
  return idle ? Promise.resolve(idle) : newEncoder();
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function ioError(action: string, path: string, err: unknown): Mp3EncodeError {
  return new Mp3EncodeError('io', `MP3 encode: cannot ${action} ${path}: ${reason(err)}`, { cause: err });
}

/** Reads until `length` bytes are in `buf` or the file ends; returns the bytes read. */
async function readFully(handle: FileHandle, buf: Uint8Array, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Gathers the encoder's output (a view LAME owns and reuses) and writes it in large pieces. */
class Mp3Sink {
  readonly #handle: FileHandle;
  readonly #path: string;
  readonly #pending = Buffer.allocUnsafeSlow(OUT_BUFFER_BYTES);
  #used = 0;
  #written = 0;

  constructor(handle: FileHandle, path: string) {
    this.#handle = handle;
    this.#path = path;
  }

  get bytes(): number {
    return this.#written + this.#used;
  }

  /** Takes a copy of `data` before the encoder is called again. */
  async push(data: Uint8Array): Promise<void> {
    if (this.#used + data.length > this.#pending.length) await this.flush();
    if (data.length > this.#pending.length) {
      await this.#write(Buffer.from(data));
      return;
    }
    this.#pending.set(data, this.#used);
    this.#used += data.length;
  }

  async flush(): Promise<void> {
    if (this.#used === 0) return;
    const used = this.#used;
    this.#used = 0;
    await this.#write(this.#pending.subarray(0, used));
  }

  async #write(data: Uint8Array): Promise<void> {
    let off = 0;
    try {
      while (off < data.length) {
        const { bytesWritten } = await this.#handle.write(data, off, data.length - off);
        off += bytesWritten;
      }
    } catch (err) {
      throw ioError('write', this.#path, err);
    }
    this.#written += data.length;
  }
}

/**
 * Encodes the canonical PCM16 WAV at `wavPath` to an MP3 at `mp3Path` (replacing any file there),
 * with the settings of {@link mp3SettingsFor}. A header whose data size is 0 or larger than the file
 * (a recorder that died before patching it) is taken to mean "everything after the header".
 *
 * Rejects with an {@link Mp3EncodeError}, never throws synchronously: `wav-not-found`,
 * `invalid-wav` (not the canonical 44-byte PCM16 header), `empty-wav`, `io` (read, write, rename)
 * or `encoder` (LAME failed). On failure no file is left at `mp3Path` or beside it.
 */
export async function encodeWavToMp3(wavPath: string, mp3Path: string): Promise<Mp3EncodeResult> {
  let input: FileHandle;
  try {
    input = await open(wavPath, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new Mp3EncodeError('wav-not-found', `MP3 encode: WAV file not found: ${wavPath}`, { cause: err });
    }
    throw ioError('open', wavPath, err);
  }
  try {
    return await encodeOpened(input, wavPath, mp3Path);
  } finally {
    await input.close().catch(() => undefined);
  }
}

async function encodeOpened(input: FileHandle, wavPath: string, mp3Path: string): Promise<Mp3EncodeResult> {
  let fileBytes: number;
  const header = new Uint8Array(WAV_HEADER_BYTES);
  let headerBytes: number;
  try {
    fileBytes = (await input.stat()).size;
    headerBytes = await readFully(input, header, WAV_HEADER_BYTES, 0);
  } catch (err) {
    throw ioError('read', wavPath, err);
  }
  const wav = parseCanonicalWavHeader(header.subarray(0, headerBytes), fileBytes, wavPath);
  const settings = mp3SettingsFor(wav.sampleRate, wav.channels);

  const tmpPath = mp3TempPath(mp3Path);
  let output: FileHandle;
  try {
    output = await open(tmpPath, 'wx');
  } catch (err) {
    throw ioError('create', tmpPath, err);
  }
  let done = false;
  try {
    const encoder = await takeEncoder();
    try {
      encoder.configure({
        channels: wav.channels,
        sampleRate: wav.sampleRate,
        bitrate: settings.bitrateKbps,
        outputSampleRate: settings.outputSampleRate,
      });
    } catch (err) {
      throw new Mp3EncodeError('encoder', `MP3 encode: LAME refused ${describe(wav)}: ${reason(err)}`, { cause: err });
    }
    const sink = new Mp3Sink(output, tmpPath);
    const frames = await pump(input, wavPath, wav, encoder, sink);
    await sink.push(encoderCall(() => encoder.finalize()));
    await sink.flush();
    try {
      await output.datasync();
      await output.close();
      await rename(tmpPath, mp3Path);
    } catch (err) {
      throw ioError('finish', mp3Path, err);
    }
    done = true;
    if (idleEncoders.length < MAX_IDLE_ENCODERS) idleEncoders.push(encoder);
    return { bytes: sink.bytes, durationMs: Math.round((frames * 1000) / wav.sampleRate) };
  } finally {
    if (!done) {
      await output.close().catch(() => undefined);
      await unlink(tmpPath).catch(() => undefined);
    }
  }
}

function describe(wav: { readonly sampleRate: number; readonly channels: number }): string {
  return `${String(wav.sampleRate)} Hz ${wav.channels === 1 ? 'mono' : 'stereo'}`;
}

function encoderCall(call: () => Uint8Array): Uint8Array {
  try {
    return call();
  } catch (err) {
    throw new Mp3EncodeError('encoder', `MP3 encode: LAME failed: ${reason(err)}`, { cause: err });
  }
}

/** Streams the samples through the encoder; returns the sample frames encoded. */
async function pump(
  input: FileHandle,
  wavPath: string,
  wav: CanonicalWav,
  encoder: Mp3Encoder,
  sink: Mp3Sink,
): Promise<number> {
  const { channels, blockAlign } = wav;
  // An ArrayBuffer of its own: Int16Array needs an even byteOffset, which a pooled Buffer lacks.
  const raw = new Uint8Array(new ArrayBuffer(CHUNK_FRAMES * blockAlign));
  const samples = new Int16Array(raw.buffer);
  const left = new Float32Array(CHUNK_FRAMES);
  const right = new Float32Array(channels === 2 ? CHUNK_FRAMES : 0);
  const bigEndianHost = endianness() === 'BE';
  let position = WAV_HEADER_BYTES;
  const end = WAV_HEADER_BYTES + wav.dataBytes;
  let frames = 0;
  while (position < end) {
    const want = Math.min(raw.length, end - position);
    let got: number;
    try {
      got = await readFully(input, raw, want, position);
    } catch (err) {
      throw ioError('read', wavPath, err);
    }
    const n = Math.floor(got / blockAlign);
    if (n === 0) break; // the file shrank under us: encode what was there
    position += got;
    if (bigEndianHost) Buffer.from(raw.buffer, 0, n * blockAlign).swap16();
    if (channels === 1) {
      for (let i = 0; i < n; i++) left[i] = (samples[i] ?? 0) * INT16_SCALE;
    } else {
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        left[i] = (samples[j] ?? 0) * INT16_SCALE;
        right[i] = (samples[j + 1] ?? 0) * INT16_SCALE;
      }
    }
    const pcm = channels === 1 ? [left.subarray(0, n)] : [left.subarray(0, n), right.subarray(0, n)];
    await sink.push(encoderCall(() => encoder.encode(pcm)));
    frames += n;
    if (got < want) break;
  }
  if (frames === 0) {
    throw new Mp3EncodeError('empty-wav', `MP3 encode: ${wavPath} holds no audio samples`);
  }
  return frames;
}
