/**
 * The call recorder benchmark: N concurrent dual-channel recordings streamed to disk from synthetic
 * RTP, then the post-call MP3 encoding.
 *
 *   npm run bench:recording -- --calls 200 --seconds 20 [--runs 3] [--mp3-seconds 300] [--profile rec.cpuprofile]
 *
 * One process, per run:
 *   1. Baseline: N synthetic call pairs (bench/recording-load.ts) with taps that do nothing, driven at
 *      real time (one 20 ms PCMU packet per leg per 20 ms), 1 s warm-up then `seconds` measured.
 *   2. Recording: the same calls, each recorded by a real `RecordingService` (SystemClock, memory
 *      store, FilesystemStorage and spool in a temp dir on the local disk, `mp3: null`), driven the
 *      same way: 1 s warm-up, then `seconds` measured.
 *   `cpu_ms_per_call_second` = (process CPU per wall second while recording − the same for the
 *   baseline) / N: the recorder's own cost (taps, decoding, timelines, the 50 ms tick (a tenth of the recordings each), spool writes
 *   in libuv's threadpool, GC), without the driver's loop. `process.cpuUsage()` covers every thread.
 *   3. All recordings stopped (WAV headers fixed, fsync, moved into the storage); the stored WAVs'
 *      bytes per call-minute of recorded audio; a few WAVs checked for holes (dropped packets).
 *   4. MP3: `measureMp3RealtimeFactor` (bench/recording-mp3.ts: speech-like 8 kHz stereo, worker
 *      thread CPU) and a few of this run's WAVs encoded in an `Mp3EncoderPool` worker.
 *
 * Also per run: the shared tick's duration (the real SystemClock, its callbacks timed), each spool
 * `FileHandle.write` from call to completion, V8 GCs in the window, memory still referenced per
 * recording after a forced full GC (`live_kb_per_recording`; RSS growth is printed too but means
 * something only in the first run of a process), the driver's lateness (what the recorder's work
 * does to a media path on the same event loop) and the 1-minute load average.
 * `--profile <file>` writes a CPU profile (main thread) of the last run's recording phase.
 *
 * One JSON line per run, then a `summary` line with medians. Synthetic taps in-process: no UDP, no
 * SRTP, no relay (bench/relay.ts measures those).
 */
import { open, mkdtemp, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ActiveRecording, CallbackResult, MediaTap, RecordingOptions, WebhookClient } from '../packages/server/src/calls/index.ts';
import { RandomIdGenerator, SystemClock, createLogger, type Clock, type TimerHandle } from '../packages/server/src/core/index.ts';
import { Mp3EncoderPool } from '../packages/server/src/recording/mp3/index.ts';
import { RecordingService } from '../packages/server/src/recording/recording-service.ts';
import { FilesystemStorage } from '../packages/server/src/recording/storage/index.ts';
import { parseWavHeader } from '../packages/server/src/recording/wav.ts';
import { createMemoryStore } from '../packages/server/src/store/index.ts';
import { measureMp3RealtimeFactor } from './recording-mp3.ts';
import { PacedDriver, syntheticCalls } from './recording-load.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    'warmup-seconds': { type: 'string', default: '1' },
    'mp3-seconds': { type: 'string', default: '300' },
    'mp3-files': { type: 'string', default: '4' },
    'check-files': { type: 'string', default: '3' },
    profile: { type: 'string', default: '' },
  },
});
const bounded = (v: string, lo: number, hi: number, fallback: number): number => {
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(lo, Math.min(hi, n)) : fallback;
};
const calls = Math.round(bounded(values.calls, 1, 5000, 200));
const seconds = bounded(values.seconds, 1, 600, 20);
const runs = Math.round(bounded(values.runs, 1, 10, 3));
const warmupSeconds = bounded(values['warmup-seconds'], 0, 10, 1);
const mp3Seconds = bounded(values['mp3-seconds'], 10, 3600, 300);
const mp3Files = Math.round(bounded(values['mp3-files'], 0, 20, 4));
const checkFiles = Math.round(bounded(values['check-files'], 0, 20, 3));
const HARD_LIMIT_MS = (120 + 2 * (seconds + warmupSeconds) + calls / 20 + mp3Seconds / 50) * 1000 * runs;
setTimeout(() => { console.error('benchmark exceeded its time limit'); process.exit(3); }, HARD_LIMIT_MS).unref();

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};
const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN);
};

/** The real clock, timing the callbacks it runs: the recorder's only timer is its tick (every 50 ms, a tenth of the recordings each). */
class TimedClock implements Clock {
  readonly #inner = new SystemClock();
  onCallback: ((ms: number) => void) | null = null;
  now(): number {
    return this.#inner.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#inner.setTimeout(() => {
      const t = performance.now();
      fn();
      this.onCallback?.(performance.now() - t);
    }, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    this.#inner.clearTimeout(handle);
  }
}

type WriteFn = (this: FileHandle, ...args: unknown[]) => Promise<unknown>;

/**
 * Times every `FileHandle.write` (the spool writer's appends): call to completion, i.e. queueing in
 * libuv's threadpool plus the write(2) itself. Returns the function that restores the original.
 */
async function timeFileWrites(probe: string, record: (ms: number) => void): Promise<() => void> {
  const handle = await open(probe, 'w');
  const proto = Object.getPrototypeOf(handle) as { write: WriteFn };
  await handle.close();
  await rm(probe, { force: true });
  const original = proto.write;
  proto.write = function timedWrite(this: FileHandle, ...args: unknown[]): Promise<unknown> {
    const t = performance.now();
    const done = original.apply(this, args);
    done.then(() => { record(performance.now() - t); }, () => undefined);
    return done;
  };
  return () => { proto.write = original; };
}

interface Snapshot {
  readonly cpu: NodeJS.CpuUsage;
  readonly wall: number;
  readonly rss: number;
}
const snapshot = (): Snapshot => ({ cpu: process.cpuUsage(), wall: performance.now(), rss: process.memoryUsage.rss() });

setFlagsFromString('--expose-gc');
const forceGc = runInNewContext('gc') as () => void;
/** Memory still referenced after a full GC: V8's heap plus memory held by JS objects outside it (ArrayBuffers). */
async function liveBytes(): Promise<number> {
  // Twice, with a pause between: V8 frees ArrayBuffer backing stores on a background sweeper after a GC.
  forceGc();
  await new Promise((resolve) => { setTimeout(resolve, 50); });
  forceGc();
  await new Promise((resolve) => { setTimeout(resolve, 50); });
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
/** CPU ms (user, system) per wall second between two snapshots. */
function cpuRate(a: Snapshot, b: Snapshot): { user: number; system: number; wallS: number } {
  const wallS = (b.wall - a.wall) / 1000;
  return { user: (b.cpu.user - a.cpu.user) / 1000 / wallS, system: (b.cpu.system - a.cpu.system) / 1000 / wallS, wallS };
}

/** Share of each channel's span (first to last non-zero sample) lying in runs of ≥ 10 ms of exact zeros: holes. */
function holePct(wav: Buffer): number {
  const h = parseWavHeader(wav);
  if (!h.ok) throw new Error(h.error);
  const { dataOffset, dataBytes, channels, sampleRate } = h.value;
  const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + dataOffset, wav.byteOffset + dataOffset + dataBytes));
  const frames = Math.floor(pcm.length / channels);
  const minRun = sampleRate / 100;
  let span = 0;
  let holes = 0;
  for (let c = 0; c < channels; c++) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < frames; i++) {
      if (pcm[i * channels + c] !== 0) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first < 0) return 100;
    span += last - first + 1;
    let run = 0;
    for (let i = first; i <= last + 1; i++) {
      if (i <= last && pcm[i * channels + c] === 0) run++;
      else {
        if (run >= minRun) holes += run;
        run = 0;
      }
    }
  }
  return (100 * holes) / span;
}

const NOOP_TAP: MediaTap = { onAudio: () => undefined };
const webhooks: WebhookClient = {
  fetchTwiml: () => Promise.reject(new Error('not used')),
  sendCallback: () => Promise.resolve({ ok: true, status: 204 } as unknown as CallbackResult),
};

async function oneRun(run: number, profilePath: string): Promise<Record<string, number | string>> {
  const load1Start = loadavg()[0] ?? Number.NaN;
  const dir = await mkdtemp(join(tmpdir(), 'denwa-bench-rec-'));
  const ids = new RandomIdGenerator();
  const store = createMemoryStore();
  const account = ids.sid('account');
  await store.accounts.upsert({ sid: account, friendlyName: 'bench', authToken: 'x'.repeat(32), status: 'active', dateCreated: 0, dateUpdated: 0 });
  const clock = new TimedClock();
  const storage = new FilesystemStorage({ root: join(dir, 'media') });
  const service = new RecordingService({
    store, storage, spoolDir: dir, webhooks, clock, ids, log: createLogger({ level: 'silent' }),
    publicBaseUrl: () => 'https://denwa.bench', mp3: null,
  });
  const ticks: number[] = [];
  const writes: number[] = [];
  const gc = { minor: 0, major: 0, ms: 0 };
  let measuring = false;
  const gcObserver = new PerformanceObserver((list) => {
    if (!measuring) return;
    for (const e of list.getEntries()) {
      const kind = ((e as { readonly detail?: unknown }).detail as { kind?: number } | null | undefined)?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
      else gc.minor++;
      gc.ms += e.duration;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  clock.onCallback = (ms) => { if (measuring) ticks.push(ms); };
  const restoreWrites = await timeFileWrites(join(dir, 'probe'), (ms) => { if (measuring) writes.push(ms); });
  try {
    const legs = syntheticCalls(calls, 0x51ed270b + run);
    const driver = new PacedDriver(legs);

    // 1. Baseline: the driver alone.
    for (const c of legs) { c.parent.setTap(NOOP_TAP); c.child.setTap(NOOP_TAP); }
    let b0 = snapshot();
    let b1 = b0;
    await driver.run({ warmupSeconds, seconds, onWindowStart: () => { b0 = snapshot(); }, onWindowEnd: () => { b1 = snapshot(); } });
    const baseLive = await liveBytes();
    for (const c of legs) { c.parent.setTap(null); c.child.setTap(null); }

    // 2. N recordings, started one after another as calls would be.
    const options: RecordingOptions = {
      accountSid: account, callSid: ids.sid('call'), source: 'DialVerb', channels: 2, track: 'both', trim: false,
      statusCallback: null, statusCallbackMethod: 'POST', statusCallbackEvents: [],
    };
    const setupStart = performance.now();
    const recordings: ActiveRecording[] = [];
    for (const c of legs) {
      const started = await service.start({ ...options, callSid: ids.sid('call') }, c.parent, c.child);
      if (!started.ok) throw started.error;
      recordings.push(started.value);
    }
    const setupMs = performance.now() - setupStart;
    const session = profilePath === '' ? null : new Session();
    if (session !== null) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    let r0 = snapshot();
    let r1 = r0;
    const drive = await driver.run({
      warmupSeconds, seconds,
      onWindowStart: () => { measuring = true; r0 = snapshot(); },
      onWindowEnd: () => { r1 = snapshot(); measuring = false; },
    });
    const recLive = await liveBytes();
    if (session !== null) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(profilePath, JSON.stringify(profile));
      session.disconnect();
    }

    // 3. Stop: headers fixed, fsync, into the storage.
    const stopStart = performance.now();
    await Promise.all(recordings.map((r) => r.stop()));
    const stopMs = performance.now() - stopStart;
    await service.close();
    const finalizeMs = performance.now() - stopStart;
    let bytes = 0;
    let durationMs = 0;
    const wavPaths: string[] = [];
    for (const r of recordings) {
      const record = await store.recordings.get(account, r.sid);
      if (record?.status !== 'completed' || record.wavKey === null) throw new Error(`recording ${r.sid} is ${record?.status ?? 'missing'}`);
      const stored = await storage.stat(record.wavKey);
      bytes += stored?.size ?? 0;
      durationMs += record.durationMs ?? 0;
      wavPaths.push(join(dir, 'media', record.wavKey));
    }
    const holes: number[] = [];
    for (const path of wavPaths.slice(0, checkFiles)) holes.push(holePct(await readFile(path)));

    // 4. MP3: this run's WAVs in a pool worker (after one warm-up encode), then the speech-like file.
    let recordedMp3Factor = Number.NaN;
    if (mp3Files > 0) {
      const pool = new Mp3EncoderPool({ size: 1, niceness: 0 });
      try {
        const out = join(dir, 'bench.mp3');
        await pool.encode(wavPaths[0] as string, out);
        let audioMs = 0;
        let cpuMs = 0;
        for (const path of wavPaths.slice(0, mp3Files)) {
          const result = await pool.encode(path, out);
          audioMs += result.durationMs;
          cpuMs += result.cpuMs;
        }
        recordedMp3Factor = audioMs / cpuMs;
      } finally {
        await pool.close();
      }
    }
    const mp3 = await measureMp3RealtimeFactor({ seconds: mp3Seconds, runs: 3, sampleRate: 8000, channels: 2 });

    const base = cpuRate(b0, b1);
    const rec = cpuRate(r0, r1);
    const user = (rec.user - base.user) / calls;
    const system = (rec.system - base.system) / calls;
    const cpuPerCallSecond = user + system;
    return {
      bench: 'recording', run, calls, seconds, sample_rate: 8000, channels: 2, codec: 'PCMU',
      cpu_ms_per_call_second: round(cpuPerCallSecond),
      recordings_per_core: Math.round(1000 / cpuPerCallSecond),
      user_ms_per_call_second: round(user),
      system_ms_per_call_second: round(system),
      process_cpu_pct_recording: round((rec.user + rec.system) / 10, 1),
      process_cpu_pct_baseline: round((base.user + base.system) / 10, 1),
      driver_cpu_ms_per_call_second: round((base.user + base.system) / calls),
      disk_mb_per_call_minute: round(bytes / 1e6 / (durationMs / 60_000)),
      recorded_seconds_per_call: round(durationMs / 1000 / calls, 2),
      hole_pct: round(median(holes), 3),
      mp3_realtime_factor: mp3.mp3_realtime_factor,
      mp3_realtime_factor_recorded: round(recordedMp3Factor, 1),
      mp3_wall_realtime_factor: mp3.wall_realtime_factor,
      mp3_kbps: mp3.mp3_kbps,
      tick_ms_p50: round(percentile(ticks, 50)),
      tick_ms_p99: round(percentile(ticks, 99)),
      tick_ms_max: round(Math.max(...ticks)),
      ticks: ticks.length,
      spool_write_ms_p50: round(percentile(writes, 50)),
      spool_write_ms_p99: round(percentile(writes, 99)),
      spool_writes_per_second: round(writes.length / rec.wallS, 1),
      gc_ms_per_second: round(gc.ms / rec.wallS),
      gc_major: gc.major,
      gc_minor: gc.minor,
      driver_late_ms_p99: round(percentile(drive.lateMs, 99)),
      driver_late_ms_max: round(Math.max(...drive.lateMs)),
      live_kb_per_recording: round((recLive - baseLive) / 1024 / calls, 1),
      rss_kb_per_recording: round((r1.rss - b1.rss) / 1024 / calls, 1),
      setup_ms_per_recording: round(setupMs / calls),
      stop_ms: round(stopMs, 1),
      finalize_ms: round(finalizeMs, 1),
      window_s: round(rec.wallS, 2),
      loadavg_1m_start: round(load1Start, 2),
      loadavg_1m_end: round(loadavg()[0] ?? Number.NaN, 2),
      node: process.version,
    };
  } finally {
    gcObserver.disconnect();
    restoreWrites();
    await service.close();
    await storage.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const lines: Record<string, number | string>[] = [];
for (let run = 1; run <= runs; run++) {
  const line = await oneRun(run, run === runs ? values.profile : '');
  console.log(JSON.stringify(line));
  lines.push(line);
}
const medians: Record<string, number> = {};
for (const key of [
  'cpu_ms_per_call_second', 'recordings_per_core', 'user_ms_per_call_second', 'system_ms_per_call_second', 'driver_cpu_ms_per_call_second',
  'disk_mb_per_call_minute', 'mp3_realtime_factor', 'mp3_realtime_factor_recorded', 'tick_ms_p50', 'tick_ms_p99', 'spool_write_ms_p50',
  'spool_write_ms_p99', 'driver_late_ms_p99', 'live_kb_per_recording', 'rss_kb_per_recording', 'gc_major', 'gc_ms_per_second', 'hole_pct', 'loadavg_1m_start',
]) {
  medians[key] = round(median(lines.map((l) => Number(l[key]))));
}
console.log(JSON.stringify({
  summary: {
    bench: 'recording', calls, seconds, runs, sample_rate: 8000,
    targets: { cpu_ms_per_call_second: '<= 1.0 (>= 1000 recordings per core)', mp3_realtime_factor: '>= 500' },
    medians,
    cpu_ms_per_call_second_runs: lines.map((l) => l['cpu_ms_per_call_second']),
    mp3_realtime_factor_runs: lines.map((l) => l['mp3_realtime_factor']),
    node: process.version,
  },
}));
process.exit(0);
