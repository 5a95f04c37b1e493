/**
 * Streams one recording's PCM to its local spool file while the call lasts: a WAV header with a zero
 * length first, then the samples appended in order (one write in flight at a time; chunks that arrive
 * meanwhile go out together), and the header's lengths fixed when the recording ends. A process that
 * dies mid-call leaves a valid prefix whose header `repairWavHeader` fixes at the next start.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { WAV_HEADER_BYTES, wavHeader } from './wav.ts';

export class SpoolWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly #file: FileHandle;
  #pending: Buffer[] = [];
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
    this.#pending.push(Buffer.from(bytes)); // a copy: the caller reuses its buffer
    this.#dataBytes += bytes.length;
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0 && this.#error === null) {
        const chunk = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
        this.#pending = [];
        // Positioned writes: the header was written with one too, which does not move the file offset.
        await this.#file.write(chunk, 0, chunk.length, WAV_HEADER_BYTES + this.#written);
        this.#written += chunk.length;
      }
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
      this.#pending = [];
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
