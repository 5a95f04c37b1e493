/**
 * A small pool of worker threads that turn finished WAV recordings into MP3s off the event loop.
 *
 * - Workers start lazily, on the first job that finds none idle, up to `size` (default 1: encoding
 *   runs at hundreds of times real time, one core keeps up with many calls).
 * - An idle worker is `unref()`ed, so an idle pool never keeps the process alive; a busy one is
 *   `ref()`ed, so the process stays up until the job it waits for is done.
 * - Jobs wait in a bounded queue: past `maxQueue` waiting jobs `encode()` rejects (`queue-full`)
 *   instead of growing without limit.
 * - A worker that dies fails only its own job (`worker-crashed`); the next job starts a new worker.
 * - `close()` rejects the waiting jobs and the running ones (`closed`) and terminates the workers.
 */
import { Worker } from 'node:worker_threads';
import { isMp3ErrorKind, Mp3EncodeError } from './mp3-error.ts';
import type { Mp3EncodeResult } from './mp3-encode.ts';
import { removeMp3TempFiles } from './mp3-temp.ts';
import type { Mp3Job, Mp3WorkerData, Mp3WorkerReply } from './mp3-worker.ts';

/** Options of {@link Mp3EncoderPool}. */
export interface Mp3EncoderPoolOptions {
  /** Most worker threads at once (default 1). */
  readonly size?: number;
  /** Most jobs waiting for a worker (default 1000); more are rejected with `queue-full`. */
  readonly maxQueue?: number;
  /** Nice value of the worker threads on Linux (default 10; 0 keeps the normal priority). */
  readonly niceness?: number;
  /** The worker script (default `./mp3-worker.ts`); tests pass a stand-in. */
  readonly workerUrl?: URL;
}

/** An encode done by the pool. */
export interface Mp3JobResult extends Mp3EncodeResult {
  /** CPU time the worker thread spent on the job, measured inside it (for metrics and benchmarks). */
  readonly cpuMs: number;
}

/** A snapshot of the pool, for metrics and tests. */
export interface Mp3PoolStats {
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  /** Workers started since the pool was created (more than `size` means some were replaced). */
  readonly started: number;
}

interface PendingJob {
  readonly job: Mp3Job;
  readonly resolve: (result: Mp3JobResult) => void;
  readonly reject: (err: Mp3EncodeError) => void;
}

interface Slot {
  readonly worker: Worker;
  job: PendingJob | undefined;
  /** The uncaught error the worker reported before exiting, if any. */
  crash: Error | undefined;
}

const DEFAULT_MAX_QUEUE = 1000;
const DEFAULT_NICENESS = 10;

/** Options of the parent's command line that take a value in the next argument. */
const EVAL_OPTIONS = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * The parent's Node options minus those about its entry script: a worker inherits `execArgv`, and
 * `--input-type` (from `node --input-type=module -e …`) makes a worker refuse to load a file.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (EVAL_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('--input-type=') && !arg.startsWith('--eval=') && !arg.startsWith('--print=')) out.push(arg);
  }
  return out;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`Mp3EncoderPool: ${name} must be a positive integer`);
  return value;
}

/** Encodes WAV recordings to MP3 in worker threads; see the file comment for its behaviour. */
export class Mp3EncoderPool {
  readonly #size: number;
  readonly #maxQueue: number;
  readonly #workerData: Mp3WorkerData;
  readonly #workerUrl: URL;
  readonly #slots = new Set<Slot>();
  #queue: PendingJob[] = [];
  #nextId = 1;
  #started = 0;
  #closed = false;

  constructor(options: Mp3EncoderPoolOptions = {}) {
    this.#size = positiveInt(options.size, 1, 'size');
    this.#maxQueue = positiveInt(options.maxQueue, DEFAULT_MAX_QUEUE, 'maxQueue');
    this.#workerData = { niceness: options.niceness ?? DEFAULT_NICENESS };
    this.#workerUrl = options.workerUrl ?? new URL('./mp3-worker.ts', import.meta.url);
  }

  /**
   * Encodes the WAV at `wavPath` to `mp3Path` in a worker. Rejects with an {@link Mp3EncodeError}:
   * the encoder's own kinds (see `encodeWavToMp3`), or `queue-full`, `worker-crashed`, `closed`.
   */
  encode(wavPath: string, mp3Path: string): Promise<Mp3JobResult> {
    if (this.#closed) return Promise.reject(new Mp3EncodeError('closed', 'MP3 encoder pool is closed'));
    if (this.#queue.length >= this.#maxQueue) {
      return Promise.reject(
        new Mp3EncodeError('queue-full', `MP3 encoder pool queue is full (${String(this.#maxQueue)} jobs waiting); ${wavPath} not queued`),
      );
    }
    return new Promise<Mp3JobResult>((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, wavPath, mp3Path }, resolve, reject });
      this.#pump();
    });
  }

  /** Counts of workers and jobs right now. */
  stats(): Mp3PoolStats {
    let busy = 0;
    for (const slot of this.#slots) if (slot.job) busy++;
    return { workers: this.#slots.size, busy, queued: this.#queue.length, started: this.#started };
  }

  /** Rejects waiting and running jobs with `closed` and terminates the workers. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const pending of queued) pending.reject(new Mp3EncodeError('closed', `MP3 encoder pool closed before ${pending.job.wavPath} was encoded`));
    const slots = [...this.#slots];
    const interrupted: string[] = [];
    for (const slot of slots) {
      const job = this.#finish(slot, new Mp3EncodeError('closed', `MP3 encoder pool closed while encoding ${slot.job?.job.wavPath ?? ''}`));
      if (job) interrupted.push(job.mp3Path);
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    await Promise.all(interrupted.map((mp3Path) => removeMp3TempFiles(mp3Path)));
  }

  /** Hands waiting jobs to idle workers, starting workers up to `size`. */
  #pump(): void {
    while (!this.#closed && this.#queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.#slots) {
        if (!s.job) {
          slot = s;
          break;
        }
      }
      if (!slot) {
        if (this.#slots.size >= this.#size) return;
        slot = this.#spawn();
        if (!slot) return;
      }
      const pending = this.#queue.shift();
      if (!pending) return;
      slot.job = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  #spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.#workerUrl, { name: 'denwa-mp3', workerData: this.#workerData, execArgv: workerExecArgv() });
    } catch (err) {
      // Could not even start a thread (resources): fail the job at the head rather than stall the queue.
      const pending = this.#queue.shift();
      pending?.reject(new Mp3EncodeError('worker-crashed', `MP3 worker could not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      return undefined;
    }
    this.#started++;
    worker.unref();
    const slot: Slot = { worker, job: undefined, crash: undefined };
    this.#slots.add(slot);
    worker.on('message', (reply: Mp3WorkerReply) => {
      this.#onReply(slot, reply);
    });
    worker.on('error', (err: Error) => {
      slot.crash = err;
    });
    worker.on('messageerror', (err: Error) => {
      slot.crash = err;
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      this.#slots.delete(slot);
      const reason = slot.crash ? slot.crash.message : `exit code ${String(code)}`;
      const file = slot.job?.job.wavPath ?? '';
      const job = this.#finish(slot, new Mp3EncodeError('worker-crashed', `MP3 worker died while encoding ${file}: ${reason}`, { cause: slot.crash }));
      // The thread is gone: its half-written temp file stays unless removed here.
      if (job) void removeMp3TempFiles(job.mp3Path);
      this.#pump();
    });
    return slot;
  }

  #onReply(slot: Slot, reply: Mp3WorkerReply): void {
    const pending = slot.job;
    if (pending?.job.id !== reply.id) return;
    slot.job = undefined;
    slot.worker.unref();
    if (reply.ok) {
      pending.resolve({ bytes: reply.bytes, durationMs: reply.durationMs, cpuMs: reply.cpuMs });
    } else {
      pending.reject(new Mp3EncodeError(isMp3ErrorKind(reply.kind) ? reply.kind : 'encoder', reply.error));
    }
    this.#pump();
  }

  /** Rejects the slot's running job, if any, with `err`; returns that job. */
  #finish(slot: Slot, err: Mp3EncodeError): Mp3Job | undefined {
    const pending = slot.job;
    slot.job = undefined;
    pending?.reject(err);
    return pending?.job;
  }
}
