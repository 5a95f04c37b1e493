import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkMp3Frames, writeWav } from './mp3-fixtures.test-helper.ts';
import { Mp3EncoderPool } from './mp3-encoder-pool.ts';
import { Mp3EncodeError } from './mp3-error.ts';

let temp: { path: string; remove(): void };
const pools: Mp3EncoderPool[] = [];
beforeEach(() => {
  temp = makeTempDir('denwa-mp3-pool-');
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  temp.remove();
});

function pool(options: ConstructorParameters<typeof Mp3EncoderPool>[0] = {}): Mp3EncoderPool {
  const p = new Mp3EncoderPool(options);
  pools.push(p);
  return p;
}

const fakeWorker = new URL('./crash-worker.test-helper.ts', import.meta.url);

async function wav(name: string, seconds = 1): Promise<string> {
  const path = join(temp.path, name);
  await writeWav(path, { sampleRate: 8000, channels: 2, frames: seconds * 8000 }, (f, c) => 0.5 * Math.sin((2 * Math.PI * (c === 0 ? 440 : 880) * f) / 8000));
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<Mp3EncodeError> {
  const err: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Mp3EncodeError);
  return err as Mp3EncodeError;
}

/** Nice values of this process's threads, by thread id (Linux). */
function threadNiceValues(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, nice is field 19.
    nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nice;
}

describe('Mp3EncoderPool', () => {
  it('encodes in a worker thread and reports the CPU time spent there', async () => {
    const p = pool();
    expect(p.stats()).toEqual({ workers: 0, busy: 0, queued: 0, started: 0 }); // lazy: no thread yet
    const mp3 = join(temp.path, 'call.mp3');
    const result = await p.encode(await wav('call.wav', 3), mp3);
    expect(result.durationMs).toBe(3000);
    expect(result.bytes).toBe(readFileSync(mp3).length);
    expect(result.cpuMs).toBeGreaterThan(0);
    expect(walkMp3Frames(readFileSync(mp3))[0]).toMatchObject({ sampleRate: 8000, bitrateKbps: 32 });
    expect(p.stats()).toEqual({ workers: 1, busy: 0, queued: 0, started: 1 });
  });

  it('survives a job error and runs the next job on the same worker', async () => {
    const p = pool();
    const failed = p.encode(join(temp.path, 'missing.wav'), join(temp.path, 'missing.mp3'));
    const next = p.encode(await wav('ok.wav'), join(temp.path, 'ok.mp3'));
    const err = await rejection(failed);
    expect(err.kind).toBe('wav-not-found');
    expect(err.message).toMatch(/WAV file not found: .*missing\.wav/);
    expect((await next).durationMs).toBe(1000);
    expect(p.stats().started).toBe(1);
  });

  it('runs up to `size` workers in parallel', async () => {
    const p = pool({ size: 2, workerUrl: fakeWorker });
    const jobs = [p.encode('slow-200-a', 'a.mp3'), p.encode('slow-200-b', 'b.mp3'), p.encode('slow-0-c', 'c.mp3')];
    expect(p.stats()).toEqual({ workers: 2, busy: 2, queued: 1, started: 2 });
    await Promise.all(jobs);
    expect(p.stats()).toMatchObject({ workers: 2, busy: 0, queued: 0 });
  });

  it.each([
    ['throws', 'crash-throw', /MP3 worker died while encoding crash-throw.wav: boom from the test worker/],
    ['exits', 'crash-exit', /MP3 worker died while encoding crash-exit.wav: exit code 7/],
  ])('rejects only the job of a worker that %s, and replaces the worker', async (_how, name, message) => {
    const p = pool({ workerUrl: fakeWorker });
    const crashed = p.encode(`${name}.wav`, 'x.mp3');
    const after = p.encode('fine.wav', 'y.mp3');
    const err = await rejection(crashed);
    expect(err.kind).toBe('worker-crashed');
    expect(err.message).toMatch(message);
    await expect(after).resolves.toEqual({ bytes: 1, durationMs: 1, cpuMs: 0 });
    expect(p.stats()).toEqual({ workers: 1, busy: 0, queued: 0, started: 2 });
  });

  it('bounds its queue', async () => {
    const p = pool({ maxQueue: 1, workerUrl: fakeWorker });
    const running = p.encode('slow-100.wav', 'a.mp3');
    const queued = p.encode('b.wav', 'b.mp3');
    const err = await rejection(p.encode('c.wav', 'c.mp3'));
    expect(err.kind).toBe('queue-full');
    expect(err.message).toMatch(/queue is full \(1 jobs waiting\); c\.wav not queued/);
    await Promise.all([running, queued]);
  });

  it('close() rejects the queued and running jobs, terminates the workers and refuses new jobs', async () => {
    const p = pool();
    const path = await wav('long.wav', 300);
    const jobs = [1, 2, 3].map((i) => rejection(p.encode(path, join(temp.path, `${String(i)}.mp3`))));
    // Close mid-encode, once the first job's temp file exists: it must not be left behind.
    const deadline = Date.now() + 10_000;
    while (!readdirSync(temp.path).some((n) => n.endsWith('.tmp')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(readdirSync(temp.path).some((n) => n.endsWith('.tmp'))).toBe(true);
    await p.close();
    for (const err of await Promise.all(jobs)) {
      expect(err.kind).toBe('closed');
      expect(err.message).toMatch(/MP3 encoder pool closed (before|while encoding) .*long\.wav/);
    }
    expect(readdirSync(temp.path)).toEqual(['long.wav']);
    expect(p.stats()).toEqual({ workers: 0, busy: 0, queued: 0, started: 1 });
    expect((await rejection(p.encode(path, join(temp.path, 'late.mp3')))).kind).toBe('closed');
    await p.close(); // idempotent
  });

  it.runIf(process.platform === 'linux')('lowers the priority of its worker thread only', async () => {
    const before = threadNiceValues();
    const p = pool({ niceness: 7 });
    await p.encode(await wav('n.wav'), join(temp.path, 'n.mp3'));
    const after = threadNiceValues();
    const reniced = [...after].filter(([tid, nice]) => nice === 7 && !before.has(tid));
    expect(reniced).toHaveLength(1);
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
  });

  it('does not keep the process alive once idle', async () => {
    const wavPath = await wav('child.wav', 2);
    const mp3Path = join(temp.path, 'child.mp3');
    const index = pathToFileURL(join(import.meta.dirname, 'index.ts')).href;
    const script = [
      `import { Mp3EncoderPool } from ${JSON.stringify(index)};`,
      'const pool = new Mp3EncoderPool();',
      `const result = await pool.encode(${JSON.stringify(wavPath)}, ${JSON.stringify(mp3Path)});`,
      'console.log(JSON.stringify(result));',
    ].join('\n');
    const started = Date.now();
    const outcome = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        resolve({ code: typeof e?.code === 'number' ? e.code : e ? null : 0, signal: e?.signal ?? null, stdout, stderr });
      });
    });
    expect(outcome.stderr).toBe('');
    expect(outcome).toMatchObject({ code: 0, signal: null });
    expect(JSON.parse(outcome.stdout)).toMatchObject({ durationMs: 2000 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
