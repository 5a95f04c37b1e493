/**
 * Worker-thread entry of {@link Mp3EncoderPool}: receives `{ id, wavPath, mp3Path }` jobs, runs
 * {@link encodeWavToMp3} and posts back `{ id, ok: true, bytes, durationMs, cpuMs }` or
 * `{ id, ok: false, error, kind }`. Jobs never throw out of here: a rejected encode becomes a reply,
 * so only a real crash (a bug, a WASM abort, memory) ends the thread.
 *
 * The pool loads this file as TypeScript (`new URL('./mp3-worker.ts', import.meta.url)`): Node ≥ 22.18
 * strips the types itself, as for every other `.ts` file of the repo.
 */
import { fileURLToPath } from 'node:url';
import { stat } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeWavToMp3 } from './mp3-encode.ts';
import { Mp3EncodeError, type Mp3ErrorKind } from './mp3-error.ts';

/** A job as the pool posts it. */
export interface Mp3Job {
  readonly id: number;
  readonly wavPath: string;
  readonly mp3Path: string;
}

/** The worker's answer to one {@link Mp3Job}. */
export type Mp3WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly bytes: number;
      readonly durationMs: number;
      /** CPU time this thread spent on the job (user + system), measured here: see {@link threadCpuMs}. */
      readonly cpuMs: number;
    }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly kind: Mp3ErrorKind };

/** What the pool passes as `workerData`. */
export interface Mp3WorkerData {
  /** Nice value for this thread (Linux only, 0 = leave it). */
  readonly niceness: number;
}

type CpuUsage = NodeJS.CpuUsage;
const threadCpuUsage = (process as { threadCpuUsage?: (previous?: CpuUsage) => CpuUsage }).threadCpuUsage;

/**
 * CPU milliseconds of this thread since `start`. `process.cpuUsage()` would count the whole
 * process (the server's main thread included), so this uses `process.threadCpuUsage()` (Node ≥ 22.19
 * / 23.9), and falls back to wall time on an older Node: then the figure is only right on an idle machine.
 */
function threadCpuMs(): () => number {
  if (threadCpuUsage) {
    const start = threadCpuUsage.call(process);
    return () => {
      const used = threadCpuUsage.call(process, start);
      return (used.user + used.system) / 1000;
    };
  }
  const start = performance.now();
  return () => performance.now() - start;
}

function isJob(value: unknown): value is Mp3Job {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'number' && typeof v['wavPath'] === 'string' && typeof v['mp3Path'] === 'string';
}

async function run(job: Mp3Job): Promise<Mp3WorkerReply> {
  const cpu = threadCpuMs();
  try {
    const result = await encodeWavToMp3(job.wavPath, job.mp3Path);
    return { id: job.id, ok: true, bytes: result.bytes, durationMs: result.durationMs, cpuMs: cpu() };
  } catch (err) {
    if (err instanceof Mp3EncodeError) return { id: job.id, ok: false, error: err.message, kind: err.kind };
    return { id: job.id, ok: false, error: `MP3 encode failed: ${err instanceof Error ? err.message : String(err)}`, kind: 'encoder' };
  }
}

/**
 * Lowers this thread's priority so that encoding yields the CPU to live calls. On Linux the nice
 * value is per thread (`setpriority(PRIO_PROCESS, 0)` from a thread affects only that thread), so the
 * server's main thread keeps its priority; elsewhere it would renice the whole process, so this is
 * Linux-only. Threads inherit the nice value of the thread that creates them: libuv's thread pool is
 * created by the first thread that needs it, so one async fs call is made first, so that the pool
 * (shared by the whole process) is never born from this thread with its lowered priority.
 */
async function lowerPriority(niceness: number): Promise<void> {
  if (process.platform !== 'linux' || niceness <= 0) return;
  try {
    await stat(fileURLToPath(import.meta.url));
    setPriority(0, Math.min(19, Math.floor(niceness)));
  } catch {
    // Not permitted (a seccomp profile): encode at normal priority.
  }
}

const port = parentPort;
if (port) {
  const data = workerData as Partial<Mp3WorkerData> | undefined;
  const ready = lowerPriority(data?.niceness ?? 0);
  port.on('message', (message: unknown) => {
    if (!isJob(message)) return;
    void ready.then(() => run(message)).then((reply) => {
      port.postMessage(reply);
    });
  });
}
