/**
 * Streams one recording's PCM to its local spool file while the call lasts: a WAV header with a zero
 * length first, then the samples appended in order (one write in flight at a time; chunks that arrive
 * meanwhile go out together), and the header's lengths fixed when the recording ends. Samples are
 * copied into one fill buffer that is reused once its write is done, so a recording allocates nothing
 * per tick in the steady state (per-tick buffers outlived V8's young generation while their write was
 * in flight and made full collections frequent: `bench/README.md`). A process that
 * dies mid-call leaves a valid prefix whose header `repairWavHeader` fixes at the next start.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { WAV_HEADER_BYTES, wavHeader } from './wav.ts';

/** The smallest fill buffer: one 500 ms write of 8 kHz stereo. */
const MIN_FILL_BYTES = 16_384;

export class SpoolWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly #file: FileHandle;
  /** Samples queued for the next write, in `#fill[0, #fillLength)`; reused after its write. */
  #fill: Buffer | null = null;
  #fillLength = 0;
  #writing: Promise<void> | null = null;
  #error: Error | null = null;
  #dataBytes = 0;
  /** Bytes of samples on disk. */
  #written = 0;
  #finished: Promise<number> | null = null;

  private constructor(path: string, file: FileHandle, sampleRate: number, channels: number) {
    this.path = path;
    this.#file = file;
    this.sampleRate = sampleRate;
    this.channels = channels;
  }

  /** Creates (or truncates) the file and writes the header. */
  static async create(path: string, sampleRate: number, channels: number): Promise<SpoolWriter> {
    const file = await open(path, 'w', 0o600);
    try {
      await file.write(wavHeader({ sampleRate, channels, dataBytes: 0 }), 0, WAV_HEADER_BYTES, 0);
    } catch (err) {
      await file.close();
      throw err;
    }
    return new SpoolWriter(path, file, sampleRate, channels);
  }

  /** Bytes of samples appended so far (written or queued). */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  /** Queues interleaved samples; never throws (a write error is reported by {@link finish}). */
  append(pcm: Int16Array): void {
    if (pcm.length === 0 || this.#finished !== null) return;
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const need = this.#fillLength + bytes.length;
    let fill = this.#fill;
    if (fill === null || fill.length < need) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, MIN_FILL_BYTES, fill === null ? 0 : fill.length * 2));
      if (fill !== null) fill.copy(grown, 0, 0, this.#fillLength);
      fill = grown;
      this.#fill = grown;
    }
    bytes.copy(fill, this.#fillLength); // a copy: the caller reuses its buffer
    this.#fillLength = need;
    this.#dataBytes += bytes.length;
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#fill !== null && this.#fillLength > 0 && this.#error === null) {
        const chunk = this.#fill;
        const length = this.#fillLength;
        this.#fill = null;
        this.#fillLength = 0;
        // Positioned writes: the header was written with one too, which does not move the file offset.
        await this.#file.write(chunk, 0, length, WAV_HEADER_BYTES + this.#written);
        this.#written += length;
        this.#fill ??= chunk; // nothing arrived meanwhile: reuse the buffer
      }
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
      this.#fill = null;
      this.#fillLength = 0;
    } finally {
      this.#writing = null;
    }
  }

  /**
   * Writes what is queued, fixes the header and closes the file: the data length in bytes. Rejects
   * when a write failed (the file then holds a valid prefix). Idempotent.
   */
  finish(): Promise<number> {
    this.#finished ??= (async () => {
      try {
        while (this.#writing !== null) await this.#writing;
        if (this.#error !== null) throw this.#error;
        const written = this.#dataBytes;
        await this.#file.write(wavHeader({ sampleRate: this.sampleRate, channels: this.channels, dataBytes: written }), 0, WAV_HEADER_BYTES, 0);
        await this.#file.sync();
        return written;
      } finally {
        await this.#file.close();
      }
    })();
    return this.#finished;
  }
}
