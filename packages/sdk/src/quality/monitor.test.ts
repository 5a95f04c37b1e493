import { describe, expect, it } from 'vitest';
import { QualityMonitor, type RawStats } from './monitor.ts';
import { mos } from './mos.ts';

describe('mos', () => {
  it('is about 4.43 with no delay or loss, and falls with rtt, jitter and loss', () => {
    expect(mos(0, 0, 0)).toBeCloseTo(4.43, 2);
    const good = mos(50, 5, 0) ?? 0;
    expect(good).toBeGreaterThan(4.3);
    expect(mos(600, 5, 0) ?? 5).toBeLessThan(good);
    expect(mos(50, 80, 0) ?? 5).toBeLessThan(good);
    expect(mos(50, 5, 10) ?? 5).toBeLessThan(3.6);
    expect(mos(50, 5, 50)).toBe(1); // R = 0
    expect(mos(2000, 0, 0)).toBeCloseTo(1, 3); // EL ≥ 1000: R = 0, floored at 6.52
  });

  it('is null for missing or negative inputs', () => {
    expect(mos(null, 1, 0)).toBeNull();
    expect(mos(1, Number.NaN, 0)).toBeNull();
    expect(mos(1, 1, -1)).toBeNull();
  });
});

/** One second of a call: `pps` packets each way of 172 bytes, `lossPct` of received ones lost. */
function feeder(): (opts?: { rtt?: number; jitter?: number; lossPct?: number; silent?: boolean }) => RawStats {
  let t = 0;
  const c = { packetsSent: 0, packetsReceived: 0, packetsLost: 0, bytesSent: 0, bytesReceived: 0 };
  return ({ rtt = 40, jitter = 2, lossPct = 0, silent = false } = {}) => {
    t += 1000;
    const expected = silent ? 0 : 50;
    const lost = Math.round((expected * lossPct) / 100);
    c.packetsSent += silent ? 0 : 50;
    c.bytesSent += silent ? 0 : 50 * 172;
    c.packetsReceived += expected - lost;
    c.packetsLost += lost;
    c.bytesReceived += (expected - lost) * 172;
    return { timestamp: t, ...c, jitter, rtt, codecName: 'pcmu' };
  };
}

const speech = (): number[] => Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 9000 : 1000));
const flat = (): number[] => Array.from({ length: 20 }, () => 0);

function run(seconds: { rtt?: number; jitter?: number; lossPct?: number; silent?: boolean; input?: number[]; output?: number[]; muted?: boolean }[]): string[] {
  const monitor = new QualityMonitor(0);
  const next = feeder();
  const log: string[] = [];
  seconds.forEach((s, i) => {
    const { changes } = monitor.push(next(s), s.input ?? speech(), s.output ?? speech(), (i + 1) * 1000, s.muted ?? false);
    for (const c of changes) log.push(`${String(i + 1)}s ${c.raised ? '+' : '-'}${c.name}`);
  });
  return log;
}

const repeat = <T,>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('QualityMonitor', () => {
  it('derives per-second deltas, loss fraction and MOS (none for the first sample)', () => {
    const monitor = new QualityMonitor(0);
    const next = feeder();
    const first = monitor.push(next(), [100, 300], [], 1000, false).sample;
    expect(first.mos).toBeNull();
    expect(first.audioInputLevel).toBe(200);
    expect(first.audioOutputLevel).toBeNull();
    const second = monitor.push(next({ lossPct: 10 }), [], [], 2000, false).sample;
    expect(second).toMatchObject({ packetsSent: 50, packetsReceived: 45, packetsLost: 5, bytesReceived: 45 * 172, packetsLostFraction: 10, codecName: 'pcmu', rtt: 40 });
    expect(second.totals.packetsLostFraction).toBeCloseTo(5, 5);
    expect(second.mos ?? 0).toBeLessThan(4);
  });

  it('raises nothing on a clean call', () => {
    expect(run(repeat(20, {}))).toEqual([]);
  });

  it('raises high-rtt after 3 samples over 400 ms (not in the first 5 s) and clears it 5 s or more later', () => {
    const log = run([...repeat(6, { rtt: 500 }), ...repeat(12, { rtt: 40 })]);
    // low-mos waits until the first sample (no MOS) leaves the 10-sample window, as in the official SDK.
    expect(log).toEqual(['5s +high-rtt', '11s +low-mos', '16s -high-rtt', '16s -low-mos']);
  });

  it('raises high-jitter, high-packet-loss and high-packets-lost-fraction', () => {
    expect(run([...repeat(8, { jitter: 45 })])).toContain('5s +high-jitter');
    const loss = run(repeat(8, { lossPct: 6 }));
    expect(loss).toContain('5s +high-packet-loss');
    expect(loss).toContain('7s +high-packets-lost-fraction');
  });

  it('raises low-bytes-received and low-bytes-sent when media stops, and clears them when it resumes', () => {
    const log = run([...repeat(5, {}), ...repeat(6, { silent: true }), ...repeat(6, {})]);
    expect(log).toEqual(['8s +low-bytes-received', '8s +low-bytes-sent', '13s -low-bytes-received', '13s -low-bytes-sent']);
  });

  it('raises constant-audio-input-level on a flat microphone, not while muted', () => {
    expect(run(repeat(12, { input: flat() }))).toEqual(['10s +constant-audio-input-level']);
    expect(run(repeat(12, { input: flat(), muted: true }))).toEqual([]);
    expect(run(repeat(12, { output: flat() }))).toEqual(['10s +constant-audio-output-level']);
  });
});
