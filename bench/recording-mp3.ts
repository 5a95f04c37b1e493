/**
 * Post-call MP3 encoding speed: how many seconds of recording one core encodes per second of CPU.
 *
 *   node bench/recording-mp3.ts [--seconds 600] [--runs 3] [--sample-rate 8000] [--channels 2]
 *
 * Writes a WAV of speech-like audio (a gliding glottal-pulse tone with syllable envelopes, callers
 * taking turns, over pink-ish noise) to a temp dir, then encodes it `runs` times through
 * {@link Mp3EncoderPool} (one worker, as in production). Prints one JSON line.
 *
 * CPU time is measured inside the worker thread with `process.threadCpuUsage()` and reported back with
 * each job (`process.cpuUsage()` in this thread would count the whole process, not the worker's
 * thread). It therefore does not depend on how busy the machine is; `wall_realtime_factor` (wall
 * time seen from here, queueing and messaging included) does, and is printed next to it. The worker
 * runs at normal priority here (`niceness: 0`) so that the wall figure is comparable between runs;
 * the CPU figure is the same either way. Both figures are the median over the runs; the first run
 * includes compiling the WASM and V8's tier-up to optimized code.
 *
 * Target: ≥ 500× real time per core for 8 kHz stereo (LAME's CLI, native, does ~560× at 32 kbit/s).
 * `bench/recording.ts` calls {@link measureMp3RealtimeFactor}.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mp3EncoderPool } from '../packages/server/src/recording/mp3/index.ts';
import { writeWav } from '../packages/server/src/recording/mp3/mp3-fixtures.test-helper.ts';

export interface Mp3BenchOptions {
  readonly seconds: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly runs: number;
}

export interface Mp3BenchResult {
  /** Seconds of audio per CPU second of the worker thread (median run). */
  readonly mp3_realtime_factor: number;
  /** Worker-thread CPU milliseconds of the median run. */
  readonly cpu_ms: number;
  /** Seconds of audio encoded per run. */
  readonly audio_seconds: number;
  /** Seconds of audio per wall-clock second of a job, seen from the caller (median run). */
  readonly wall_realtime_factor: number;
  readonly cpu_ms_runs: readonly number[];
  readonly sample_rate: number;
  readonly channels: number;
  readonly mp3_bytes: number;
  readonly mp3_kbps: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/**
 * A sample generator for channel `channel`: a voiced-speech stand-in (sawtooth glottal pulses at a
 * gliding pitch, low-passed, under a 4 Hz syllable envelope) talking in alternate 3 s turns, over
 * pink-ish noise (Paul Kellet's three-pole filter on white noise). Deterministic.
 */
function speechLike(sampleRate: number, channel: number): () => number {
  let seed = 0x9e3779b9 ^ (channel * 0x85ebca6b);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let phase = 0;
  let voiced = 0;
  let n = 0;
  const basePitch = channel === 0 ? 120 : 210;
  const lowpass = 1 - Math.exp((-2 * Math.PI * 900) / sampleRate);
  return () => {
    const t = n++ / sampleRate;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const white = (seed >>> 0) / 4_294_967_296 - 0.5;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    const pink = (b0 + b1 + b2 + white * 0.1848) * 0.05;
    const pitch = basePitch * (1 + 0.15 * Math.sin(2 * Math.PI * 0.7 * t));
    phase = (phase + pitch / sampleRate) % 1;
    voiced += lowpass * (phase - 0.5 - voiced);
    const talking = Math.floor(t / 3) % 2 === channel % 2 ? 1 : 0;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    return pink + talking * syllable * voiced * 1.2;
  };
}

/** Encodes `seconds` of generated audio `runs` times in one pool worker and reports the speed. */
export async function measureMp3RealtimeFactor(opts: Mp3BenchOptions): Promise<Mp3BenchResult> {
  const { seconds, sampleRate, runs } = opts;
  const channels = opts.channels === 1 ? 1 : 2;
  const dir = await mkdtemp(join(tmpdir(), 'denwa-bench-mp3-'));
  const pool = new Mp3EncoderPool({ size: 1, niceness: 0 });
  try {
    const wavPath = join(dir, 'recording.wav');
    const generators = Array.from({ length: channels }, (_, c) => speechLike(sampleRate, c));
    await writeWav(wavPath, { sampleRate, channels, frames: Math.round(seconds * sampleRate) }, (_frame, c) => generators[c]!());
    const cpu: number[] = [];
    const wall: number[] = [];
    let mp3Bytes = 0;
    for (let i = 0; i < Math.max(1, runs); i++) {
      const mp3Path = join(dir, `run-${String(i)}.mp3`);
      const started = performance.now();
      const result = await pool.encode(wavPath, mp3Path);
      wall.push(performance.now() - started);
      cpu.push(result.cpuMs);
      mp3Bytes = (await stat(mp3Path)).size;
      await rm(mp3Path);
    }
    const cpuMs = median(cpu);
    return {
      mp3_realtime_factor: round((seconds * 1000) / cpuMs),
      cpu_ms: round(cpuMs),
      audio_seconds: seconds,
      wall_realtime_factor: round((seconds * 1000) / median(wall)),
      cpu_ms_runs: cpu.map((c) => round(c)),
      sample_rate: sampleRate,
      channels,
      mp3_bytes: mp3Bytes,
      mp3_kbps: round((mp3Bytes * 8) / seconds / 1000),
    };
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureMp3RealtimeFactor({
    seconds: arg('seconds', 600),
    runs: Math.floor(arg('runs', 3)),
    sampleRate: arg('sample-rate', 8000),
    channels: arg('channels', 2),
  });
  console.log(JSON.stringify({ bench: 'recording-mp3', ...result }));
}
