/** Denwa's one-way-audio warning: the rule alone, and end to end through a `farend` frame. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Device } from '../device.ts';
import { FakeMedia, FakeSocket } from '../fakes.test-helper.ts';
import type { QualitySample } from './monitor.ts';
import { OneWayAudioRule } from './one-way-audio.ts';

afterEach(() => { vi.useRealTimers(); });

const second = (outputLevel: number | null, bytesReceived = 8000): QualitySample => ({
  timestamp: 0, codecName: 'PCMU', rtt: 20, jitter: 1, mos: 4.4, packetsLostFraction: 0, audioInputLevel: 900, audioOutputLevel: outputLevel,
  packetsSent: 50, packetsReceived: 50, packetsLost: 0, bytesSent: 8000, bytesReceived,
  totals: { packetsSent: 50, packetsReceived: 50, packetsLost: 0, bytesSent: 8000, bytesReceived: 8000, packetsLostFraction: 0 },
});

describe('OneWayAudioRule', () => {
  it('raises after 3 silent seconds while the far end speaks, clears when 2 of 3 are not', () => {
    const rule = new OneWayAudioRule();
    rule.farEnd(true);
    expect([rule.push(second(0)), rule.push(second(10)), rule.push(second(0))]).toEqual([null, null, true]);
    expect([rule.push(second(0)), rule.push(second(2000)), rule.push(second(2000))]).toEqual([null, null, false]);
  });

  it('stays quiet when the far end is silent too, when no bytes arrive, or without level readings', () => {
    const rule = new OneWayAudioRule();
    for (let i = 0; i < 5; i++) expect(rule.push(second(0))).toBeNull();
    rule.farEnd(true);
    for (let i = 0; i < 5; i++) expect(rule.push(second(0, 0))).toBeNull();
    for (let i = 0; i < 5; i++) expect(rule.push(second(null))).toBeNull();
  });
});

describe('one-way-audio on a call', () => {
  it('is raised from the server\'s farend report and a silent playout, and cleared when audio is heard', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const sockets: FakeSocket[] = [];
    const media: FakeMedia[] = [];
    const device = new Device('token', {
      chunderw: 'denwa.test', publishEvents: false,
      socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      mediaFactory: () => { const m = new FakeMedia(); media.push(m); return m; },
    });
    const socket = (): FakeSocket => { const s = sockets[0]; if (s === undefined) throw new Error('no socket'); return s; };
    const call = device.connectCall({ params: { To: 'bob' } });
    socket().open();
    socket().receive('connected', { token: { identity: 'alice', ttl: 600 } });
    await vi.advanceTimersByTimeAsync(1);
    socket().receive('answer', { callsid: 'CA1', sdp: 'answer-sdp', reconnect: 'r' });
    const m = media[0];
    if (m === undefined) throw new Error('no media');
    let n = 0;
    Object.defineProperty(m, 'stats', { get: () => { n++; return { timestamp: n * 1000, packetsSent: 50 * n, bytesSent: 8600 * n, packetsReceived: 50 * n, packetsLost: 0, bytesReceived: 8600 * n, jitter: 2, rtt: 30, codecName: 'PCMU' }; } });
    let heard = 0;
    let tick = 0;
    Object.defineProperty(m, 'levelValues', { get: () => ({ input: (tick++ % 2) * 0.5, output: heard }) });
    const events: string[] = [];
    call.on('warning', (name) => events.push(`warning ${name}`));
    call.on('warning-cleared', (name) => events.push(`cleared ${name}`));
    socket().receive('farend', { callsid: 'CA1', speaking: true });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toContain('warning one-way-audio');
    heard = 0.3;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(events).toContain('cleared one-way-audio');
    device.destroy();
  });
});
