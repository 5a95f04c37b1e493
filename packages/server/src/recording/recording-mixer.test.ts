import { seededRandom as mulberry32 } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { RecordingMixer, type RecordingMixerOptions } from './recording-mixer.ts';
import { addBurst, channelOf, constFrame, onsetsMs } from './signal.test-helper.ts';

const RATE = 8000;
const FRAME = 160; // 20 ms
const MS = RATE / 1000;

interface Packet {
  readonly channel: 0 | 1;
  readonly pcm: Int16Array;
  readonly ts: number;
  readonly ssrc: number;
  readonly arrivalMs: number;
  /** Frame number in its stream, to observe reordering. */
  readonly seq: number;
}

interface Leg {
  readonly channel: 0 | 1;
  /** When the leg's first frame starts, in recording time. */
  readonly startMs: number;
  readonly freq: number;
  /** Span with no packets (DTX during silence), in the leg's own time. */
  readonly dtx: readonly [number, number];
}

const BURSTS_MS = [500, 1500, 2300];
const BURST_LENGTH_MS = 200;
const LEG_LENGTH_MS = 3000;

/**
 * One leg's packets as a network delivers them: 20 ms frames with RTP timestamps starting near
 * 2^32 (so they wrap), 0–60 ms of jitter (which reorders them), 10 % loss, and no packets during
 * the DTX span. The frame holding a burst's first samples is never lost: a lost onset moves the
 * detected onset by a frame, which this test is not about.
 */
function legPackets(leg: Leg, rand: () => number): Packet[] {
  const audio = new Int16Array(LEG_LENGTH_MS * MS);
  for (let i = 0; i < audio.length; i++) audio[i] = Math.round((rand() - 0.5) * 60); // faint noise
  for (const at of BURSTS_MS) addBurst(audio, RATE, leg.freq, at, BURST_LENGTH_MS, 10_000);
  const ts0 = 2 ** 32 - 1 - Math.floor(rand() * 8000);
  const ssrc = Math.floor(rand() * 2 ** 32);
  const packets: Packet[] = [];
  for (let k = 0; k * FRAME < audio.length; k++) {
    const fromMs = k * 20;
    const toMs = fromMs + 20;
    if (fromMs >= leg.dtx[0] && toMs <= leg.dtx[1]) continue;
    const onset = BURSTS_MS.some((b) => b >= fromMs && b < toMs);
    if (!onset && rand() < 0.1) continue;
    packets.push({
      channel: leg.channel,
      pcm: audio.slice(k * FRAME, (k + 1) * FRAME),
      ts: (ts0 + k * FRAME) >>> 0,
      ssrc,
      arrivalMs: leg.startMs + toMs + rand() * 60,
      seq: k,
    });
  }
  return packets;
}

/** Delivers packets in arrival order, draining every 20 ms up to now − 200 ms, as a recorder does. */
function record(mixer: RecordingMixer, packets: readonly Packet[], endMs: number): Int16Array {
  const queue = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const chunks: Int16Array[] = [];
  let next = 0;
  for (let now = 0; now <= endMs + 200; now += 20) {
    while (next < queue.length && (queue[next]?.arrivalMs ?? Infinity) <= now) {
      const p = queue[next++]!;
      mixer.push(p.channel, p.pcm, p.ts, p.ssrc, p.arrivalMs * MS);
    }
    if (now > 200) chunks.push(mixer.drain((now - 200) * MS));
  }
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('RecordingMixer alignment', () => {
  it('keeps each leg within 20 ms of wall time through jitter, loss, reordering, DTX, a timestamp wrap and different start times', () => {
    for (const seed of [1, 2, 3]) {
      const rand = mulberry32(seed);
      const legs: Leg[] = [
        { channel: 0, startMs: 40 + Math.floor(rand() * 200), freq: 1000, dtx: [700, 1500] },
        { channel: 1, startMs: 300 + Math.floor(rand() * 400), freq: 1500, dtx: [1700, 2300] },
      ];
      const packets = legs.flatMap((leg) => legPackets(leg, rand));
      // The scenario really has reordering: some frame arrives after a later one of its leg.
      const delivered = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
      const reordered = delivered.filter((p, i) => delivered.slice(0, i).some((q) => q.channel === p.channel && q.seq > p.seq));
      expect(reordered.length).toBeGreaterThan(5);

      const mixer = new RecordingMixer({ sampleRate: RATE, channels: 2, track: 'both' });
      const endMs = 800 + LEG_LENGTH_MS;
      const out = record(mixer, packets, endMs);
      expect(out.length).toBe(2 * endMs * MS);
      expect(mixer.samplesWritten).toBe(endMs * MS);

      for (const leg of legs) {
        const found = onsetsMs(channelOf(out, 2, leg.channel), RATE);
        const expected = BURSTS_MS.map((b) => leg.startMs + b);
        expect(found.length, `seed ${String(seed)} channel ${String(leg.channel)}: ${found.join(', ')}`).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) {
          expect(Math.abs((found[i] ?? 0) - (expected[i] ?? 0)), `seed ${String(seed)} channel ${String(leg.channel)} burst ${String(i)}`).toBeLessThanOrEqual(20);
        }
        // No re-anchoring was needed (the wrap and the DTX gap are not jumps) and nothing came too late.
        expect(mixer.stats(leg.channel)).toMatchObject({ reanchors: 0, droppedLate: 0, droppedFar: 0 });
      }
    }
  });
});

/** Pushes one 20 ms frame of `value` per channel for frames `first` to `first + frames − 1`, arriving on time. */
function feed(mixer: RecordingMixer, frames: number, value0: number, value1: number, first = 0): void {
  for (let k = first; k < first + frames; k++) {
    mixer.push(0, constFrame(value0), k * FRAME, 1, (k + 1) * FRAME);
    mixer.push(1, constFrame(value1), 5000 + k * FRAME, 2, (k + 1) * FRAME);
  }
}

function mixer(options: Partial<RecordingMixerOptions> = {}): RecordingMixer {
  return new RecordingMixer({ sampleRate: RATE, channels: 2, track: 'both', ...options });
}

describe('RecordingMixer channels and tracks', () => {
  it('interleaves channel 0 left and channel 1 right', () => {
    const m = mixer();
    feed(m, 10, 100, -200);
    const out = m.drain(10 * FRAME);
    expect(out.length).toBe(20 * FRAME);
    expect(out[0]).toBe(100);
    expect(out[1]).toBe(-200);
    expect(out[out.length - 2]).toBe(100);
    expect(out[out.length - 1]).toBe(-200);
  });

  it('records only channel 0 for inbound and only channel 1 for outbound, the other as silence', () => {
    const inbound = mixer({ track: 'inbound' });
    feed(inbound, 10, 100, -200);
    const a = inbound.drain(10 * FRAME);
    expect(channelOf(a, 2, 0).every((s) => s === 100)).toBe(true);
    expect(channelOf(a, 2, 1).every((s) => s === 0)).toBe(true);
    const outbound = mixer({ track: 'outbound' });
    feed(outbound, 10, 100, -200);
    const b = outbound.drain(10 * FRAME);
    expect(channelOf(b, 2, 0).every((s) => s === 0)).toBe(true);
    expect(channelOf(b, 2, 1).every((s) => s === -200)).toBe(true);
  });

  it('sums the recorded tracks into mono, clipped to 16 bits', () => {
    const both = mixer({ channels: 1 });
    feed(both, 5, 1000, 234);
    expect(both.drain(5 * FRAME).every((s) => s === 1234)).toBe(true);
    const loud = mixer({ channels: 1 });
    feed(loud, 5, 30_000, 30_000);
    expect(loud.drain(5 * FRAME).every((s) => s === 32767)).toBe(true);
    const low = mixer({ channels: 1 });
    feed(low, 5, -30_000, -30_000);
    expect(low.drain(5 * FRAME).every((s) => s === -32768)).toBe(true);
    const inbound = mixer({ channels: 1, track: 'inbound' });
    feed(inbound, 5, 1000, 234);
    const out = inbound.drain(5 * FRAME);
    expect(out.length).toBe(5 * FRAME);
    expect(out.every((s) => s === 1000)).toBe(true);
  });
});

describe('RecordingMixer pause and resume', () => {
  /** 3 s of audio, paused from 1 s to 2 s (called ahead of the drain point, as live calls are). */
  function paused(behavior: 'skip' | 'silence', channels: 1 | 2): { out: Int16Array; m: RecordingMixer } {
    const m = mixer({ channels });
    const parts: Int16Array[] = [];
    for (let k = 0; k < 150; k++) {
      m.push(0, constFrame(k + 1), k * FRAME, 1, (k + 1) * FRAME);
      m.push(1, constFrame(1000 + k), 9000 + k * FRAME, 2, (k + 1) * FRAME);
      const now = (k + 1) * FRAME;
      if (now === RATE) expect(m.pause(now, behavior)).toBe(true);
      if (now === 2 * RATE) expect(m.resume(now)).toBe(true);
      if (k % 10 === 9) parts.push(m.drain(now - 200 * MS));
    }
    parts.push(m.drain(150 * FRAME));
    return { out: Int16Array.from(parts.flatMap((p) => Array.from(p))), m };
  }

  it('leaves a skipped span out of the output', () => {
    const { out, m } = paused('skip', 2);
    expect(out.length).toBe(2 * 2 * RATE);
    expect(m.samplesWritten).toBe(2 * RATE);
    expect(m.durationMs).toBe(2000);
    // Frame 49 (the last before the pause) is followed directly by frame 100 (the first after).
    const left = channelOf(out, 2, 0);
    expect(left[RATE - 1]).toBe(50);
    expect(left[RATE]).toBe(101);
    expect(channelOf(out, 2, 1)[RATE]).toBe(1100);
    expect(left.every((s) => s !== 0)).toBe(true);
  });

  it('keeps a silence pause as zeros, and audio pushed for the paused span is discarded', () => {
    const { out, m } = paused('silence', 1);
    expect(out.length).toBe(3 * RATE);
    expect(m.samplesWritten).toBe(3 * RATE);
    expect(m.durationMs).toBe(3000);
    // Mono: frame k is (k + 1) + (1000 + k).
    expect(out[RATE - 1]).toBe(50 + 1049);
    expect(out.subarray(RATE, 2 * RATE).every((s) => s === 0)).toBe(true);
    expect(out[2 * RATE]).toBe(101 + 1100);
    expect(out.subarray(0, RATE).every((s) => s !== 0)).toBe(true);
    expect(out.subarray(2 * RATE).every((s) => s !== 0)).toBe(true);
  });

  it('discards audio that arrives late for a paused span', () => {
    const m = mixer({ track: 'inbound' });
    expect(m.pause(800, 'silence')).toBe(true);
    expect(m.paused).toBe(true);
    expect(m.pause(900, 'skip')).toBe(false);
    expect(m.resume(1600)).toBe(true);
    expect(m.resume(1700)).toBe(false);
    for (let k = 0; k < 20; k++) m.push(0, constFrame(7), k * FRAME, 1, (k + 1) * FRAME);
    const out = channelOf(m.drain(20 * FRAME), 2, 0);
    expect(out.subarray(0, 800).every((s) => s === 7)).toBe(true);
    expect(out.subarray(800, 1600).every((s) => s === 0)).toBe(true);
    expect(out.subarray(1600).every((s) => s === 7)).toBe(true);
  });

  it('emits nothing while a skip pause lasts, then continues', () => {
    const m = mixer({ channels: 1, track: 'inbound' });
    feed(m, 50, 3, 0);
    expect(m.drain(RATE / 2).length).toBe(RATE / 2);
    m.pause(RATE / 2, 'skip');
    expect(m.drain(RATE).length).toBe(0);
    m.resume(RATE);
    feed(m, 10, 3, 0, 50);
    expect(m.drain(RATE + 800).length).toBe(800);
    expect(m.samplesWritten).toBe(RATE / 2 + 800);
  });
});
