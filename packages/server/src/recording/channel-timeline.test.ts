import { seededRandom as mulberry32 } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { ChannelTimeline } from './channel-timeline.ts';
import { constFrame, firstIndexOf } from './signal.test-helper.ts';

const RATE = 8000;
const FRAME = 160; // 20 ms

/** Drains everything up to `to` into one array. */
function drainAll(t: ChannelTimeline, to: number): Int16Array {
  return t.drain(to);
}

describe('ChannelTimeline placement', () => {
  it('anchors the first frame at its arrival and places later ones by timestamp, whatever their jitter', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    const rand = mulberry32(1);
    const ts0 = 123_456;
    // Frame k is sent at 1000 + 20(k+1) ms (samples 8000 + 160(k+1)); the first arrives with no
    // delay, the rest up to 50 ms late.
    for (let k = 0; k < 50; k++) {
      const sent = 8000 + FRAME * (k + 1);
      const jitter = k === 0 ? 0 : Math.floor(rand() * 400);
      t.push(constFrame(k + 1), ts0 + k * FRAME, 42, sent + jitter);
    }
    const out = drainAll(t, 8000 + 51 * FRAME);
    const at = firstIndexOf(out);
    for (let k = 0; k < 50; k++) expect(at.get(k + 1)).toBe(8000 + k * FRAME);
    expect(t.stats).toMatchObject({ placed: 50, droppedLate: 0, droppedFar: 0, reanchors: 0 });
  });

  it('moves the anchor earlier when a frame arrives before the anchor says it could have been sent', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    // The first frame was delayed 40 ms (320 samples); the second arrives on time.
    t.push(constFrame(1), 1000, 7, 8000 + FRAME + 320);
    t.push(constFrame(2), 1000 + FRAME, 7, 8000 + 2 * FRAME);
    t.push(constFrame(3), 1000 + 2 * FRAME, 7, 8000 + 3 * FRAME + 100);
    const at = firstIndexOf(t.drain(10_000));
    // Frame 1 was placed 40 ms late; frame 3, placed right, overwrites it (last writer wins).
    expect(at.get(1)).toBeUndefined();
    expect(at.get(2)).toBe(8000 + FRAME);
    expect(at.get(3)).toBe(8000 + 2 * FRAME);
    // A 40 ms correction is below the drift bound: not counted as a re-anchor.
    expect(t.stats.reanchors).toBe(0);
  });

  it('keeps placing across the uint32 timestamp wrap', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    const ts0 = 2 ** 32 - 3 * FRAME;
    for (let k = 0; k < 8; k++) t.push(constFrame(k + 1), (ts0 + k * FRAME) >>> 0, 1, 1000 + FRAME * (k + 1));
    const at = firstIndexOf(t.drain(4000));
    for (let k = 0; k < 8; k++) expect(at.get(k + 1)).toBe(1000 + k * FRAME);
    expect(t.stats.reanchors).toBe(0);
  });

  it('leaves lost frames as silence and lets the last writer win an overlap', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    t.push(constFrame(1), 0, 1, 2 * FRAME);
    t.push(constFrame(3), 2 * FRAME, 1, 4 * FRAME); // frame 1 (value 2) lost
    t.push(constFrame(9, 80), FRAME / 2, 1, 4 * FRAME); // overlaps the second half of frame 0
    const out = t.drain(4 * FRAME);
    expect(Array.from(out.subarray(FRAME, FRAME + 80))).toEqual(new Array<number>(80).fill(1));
    expect(Array.from(out.subarray(FRAME + 80, 2 * FRAME))).toEqual(new Array<number>(80).fill(9));
    expect(out.subarray(2 * FRAME, 3 * FRAME).every((s) => s === 0)).toBe(true);
    expect(out.subarray(3 * FRAME, 4 * FRAME).every((s) => s === 3)).toBe(true);
  });

  it('re-anchors on an SSRC change', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    for (let k = 0; k < 10; k++) t.push(constFrame(k + 1), 5000 + k * FRAME, 0xaaaa, 4000 + FRAME * (k + 1));
    // A new source 300 ms after the old one stopped, its timestamps (by chance) only 120 ms past
    // where the old ones would be: close enough not to look like a jump, yet not its timeline.
    const restart = 4000 + 11 * FRAME + 2400;
    for (let k = 0; k < 10; k++) t.push(constFrame(100 + k), 5000 + 10 * FRAME + 960 + k * FRAME, 0xbbbb, restart + FRAME * k);
    const at = firstIndexOf(t.drain(20_000));
    expect(t.stats.reanchors).toBe(1);
    for (let k = 0; k < 10; k++) {
      expect(at.get(k + 1)).toBe(4000 + k * FRAME);
      expect(at.get(100 + k)).toBe(restart - FRAME + k * FRAME);
    }
  });

  it('re-anchors when the timestamp jumps (forwards or back) against arrival time', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    let arrival = FRAME;
    let value = 1;
    const push = (ts: number): void => {
      t.push(constFrame(value++), ts >>> 0, 5, arrival);
      arrival += FRAME;
    };
    for (let k = 0; k < 5; k++) push(10_000 + k * FRAME);
    for (let k = 0; k < 5; k++) push(10_000 + 5 * FRAME + 5 * RATE + k * FRAME); // +5 s
    for (let k = 0; k < 5; k++) push(7 + k * FRAME); // sender restarted its clock
    expect(t.stats.reanchors).toBe(2);
    const at = firstIndexOf(t.drain(20 * FRAME));
    // Contiguous, as the arrivals were: no 5 s gap, nothing dropped.
    for (let v = 1; v < value; v++) expect(at.get(v)).toBe((v - 1) * FRAME);
    expect(t.stats).toMatchObject({ droppedFar: 0, droppedLate: 0, placed: 15 });
  });

  it('re-anchors a stream whose clock runs slow once it is more than 120 ms behind arrival', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    // 2.5 % slow: a 20 ms frame every 20.5 ms, so timestamps fall behind 0.5 ms per frame.
    const step = FRAME * 1.025;
    const out: Int16Array[] = [];
    let worst = 0;
    for (let k = 0; k < 1500; k++) {
      const arrival = Math.round(FRAME + k * step);
      t.push(constFrame(k + 1), k * FRAME, 9, arrival);
      const chunk = t.drain(arrival - 1600);
      out.push(chunk);
    }
    const all = Int16Array.from(out.flatMap((c) => Array.from(c)));
    const at = firstIndexOf(all);
    for (let k = 100; k < 1400; k++) {
      const pos = at.get(k + 1);
      if (pos === undefined) continue; // overwritten or dropped around a re-anchor
      const lag = Math.round(FRAME + k * step) - FRAME - pos;
      worst = Math.max(worst, Math.abs(lag));
    }
    // 0.5 ms/frame over 1500 frames is 750 ms of drift; re-anchoring keeps it under ~120 ms + a run.
    expect(t.stats.reanchors).toBeGreaterThanOrEqual(4);
    expect(worst).toBeLessThan(RATE * 0.2);
  });

  it('follows a stream whose clock runs fast in small steps', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    const step = FRAME * 0.98; // 2 % fast
    const out: Int16Array[] = [];
    for (let k = 0; k < 1000; k++) {
      const arrival = Math.round(FRAME + k * step);
      t.push(constFrame(k + 1), k * FRAME, 9, arrival);
      out.push(t.drain(arrival - 1600));
    }
    const at = firstIndexOf(Int16Array.from(out.flatMap((c) => Array.from(c))));
    for (let k = 100; k < 900; k += 7) {
      const pos = at.get(k + 1);
      if (pos === undefined) continue;
      // Timestamps run ahead of arrival; each frame that gets more than 2 ms ahead pulls the
      // anchor back to its arrival, so no frame is placed earlier than it arrived or > 2 ms later.
      const lateness = Math.round(FRAME + k * step) - FRAME - pos;
      expect(lateness).toBeLessThanOrEqual(0);
      expect(lateness).toBeGreaterThanOrEqual(-16);
    }
    expect(t.stats.droppedLate).toBe(0);
  });
});

describe('ChannelTimeline drain, late and far frames', () => {
  it('drains contiguous spans with zeros where nothing was placed, then forgets them', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    expect(t.drain(0).length).toBe(0);
    t.push(constFrame(5), 0, 1, 1000 + FRAME);
    const a = t.drain(1080);
    expect(a.length).toBe(1080);
    expect(a.subarray(0, 1000).every((s) => s === 0)).toBe(true);
    expect(a.subarray(1000).every((s) => s === 5)).toBe(true);
    const b = t.drain(1200);
    expect(b.length).toBe(120);
    expect(b.subarray(0, 80).every((s) => s === 5)).toBe(true);
    expect(b.subarray(80).every((s) => s === 0)).toBe(true);
    expect(t.drain(1100).length).toBe(0); // not past the drain point
    expect(t.drainedTo).toBe(1200);
  });

  it('drops a frame that arrives after its span was drained, and cuts one that straddles the drain point', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    t.push(constFrame(1), 0, 3, FRAME);
    for (let k = 1; k < 50; k++) t.push(constFrame(1), k * FRAME, 3, (k + 1) * FRAME);
    t.drain(8000);
    // Frame 45 (samples 7200–7360) arrives again, after the drain: too late.
    t.push(constFrame(7), 45 * FRAME, 3, 8000 + 1600);
    expect(t.stats.droppedLate).toBe(1);
    expect(t.stats.lateSamples).toBe(FRAME);
    // A frame at 7920–8080: its first 80 samples are late, the rest is kept.
    t.push(constFrame(8), 49 * FRAME + 80, 3, 8000 + 1600);
    expect(t.stats.lateSamples).toBe(FRAME + 80);
    const out = t.drain(8160);
    expect(out.subarray(0, 80).every((s) => s === 8)).toBe(true);
    expect(t.stats.droppedLate).toBe(1);
  });

  it('drops and counts a frame placed more than 10 s past the drain point', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    t.push(constFrame(1), 0, 3, 11 * RATE); // arrival 11 s in, nothing drained yet
    expect(t.stats.droppedFar).toBe(1);
    expect(t.stats.placed).toBe(0);
    expect(t.heldChunks).toBe(0);
    t.drain(2 * RATE);
    t.push(constFrame(2), FRAME, 3, 11 * RATE + FRAME); // now within 10 s of the drain point
    expect(t.stats.placed).toBe(1);
    expect(t.stats.droppedFar).toBe(1);
  });

  it('holds a bounded number of chunks for a long stream drained behind a window', () => {
    const t = new ChannelTimeline({ sampleRate: RATE });
    const rand = mulberry32(3);
    let most = 0;
    for (let k = 0; k < 50 * 60 * 10; k++) {
      const arrival = FRAME * (k + 1) + Math.floor(rand() * 480);
      t.push(constFrame(1), (k * FRAME) >>> 0, 1, arrival);
      if (k % 5 === 0) t.drain(FRAME * (k + 1) - 1600);
      most = Math.max(most, t.heldChunks);
    }
    expect(most).toBeLessThanOrEqual(6);
  });
});
