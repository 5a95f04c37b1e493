/**
 * A stand-in for mp3-worker.ts in the pool tests: a job whose `wavPath` contains `crash-throw`
 * makes the thread throw an uncaught error, `crash-exit` makes it exit; any other job is answered
 * after `slow-<ms>` milliseconds (0 by default) as if encoded.
 */
import { parentPort } from 'node:worker_threads';
import type { Mp3Job, Mp3WorkerReply } from './mp3-worker.ts';

const port = parentPort;
port?.on('message', (job: Mp3Job) => {
  if (job.wavPath.includes('crash-throw')) {
    setImmediate(() => {
      throw new Error('boom from the test worker');
    });
    return;
  }
  if (job.wavPath.includes('crash-exit')) process.exit(7);
  const delay = Number(/slow-(\d+)/.exec(job.wavPath)?.[1] ?? 0);
  const reply: Mp3WorkerReply = { id: job.id, ok: true, bytes: 1, durationMs: 1, cpuMs: 0 };
  setTimeout(() => {
    port.postMessage(reply);
  }, delay);
});
