/** What the SDK posts to Insights: where, with which token, which events, and samples in tens. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Device, type DeviceOptions } from '../device.ts';
import { FakeMedia, FakeSocket } from '../fakes.test-helper.ts';
import type { InsightsEnvelope } from './publisher.ts';

const devices: Device[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.destroy();
  vi.useRealTimers();
});
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

interface Posted { readonly url: string; readonly token: string; readonly body: InsightsEnvelope }

async function setup(options: Partial<DeviceOptions> = {}) {
  const posted: Posted[] = [];
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const device = new Device('token-1', {
    chunderw: 'denwa.test:3443',
    socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    mediaFactory: () => { const m = new FakeMedia(); media.push(m); return m; },
    insightsPoster: (url, token, body) => { posted.push({ url, token, body }); return Promise.resolve(); },
    ...options,
  });
  devices.push(device);
  const registered = device.register();
  const socket = sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.open();
  socket.receive('connected', { home: 'localhost:3443/insights', token: { identity: 'alice', ttl: 600 } });
  socket.receive('ready');
  await registered;
  return { device, socket, media, posted };
}

const names = (posted: readonly Posted[]): string[] => posted.map((p) => `${p.body.group}/${p.body.name}`);

describe('Insights publishing', () => {
  it('posts call events to the home Denwa announced, with the token, in the 2.x envelope', async () => {
    const { device, socket, posted } = await setup();
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA1', sdp: 'answer', reconnect: 'r' });
    call.mute(true);
    call.disconnect();
    expect(names(posted)).toEqual(['connection/outgoing', 'connection/accepted-by-remote', 'connection/muted', 'connection/disconnected-by-local']);
    const first = posted[0];
    expect(first?.url).toBe('https://eventgw.localhost:3443/insights.twilio.com/v4/EndpointEvents');
    expect(first?.token).toBe('token-1');
    expect(first?.body).toMatchObject({ level: 'INFO', payload_type: 'application/json', private: false, publisher: 'twilio-js-sdk', payload: { direction: 'OUTGOING', platform: 'WebRTC' } });
    expect((first?.body.payload as { temp_call_sid?: string }).temp_call_sid).toMatch(/^TJS/);
    expect(posted[1]?.body.payload).toMatchObject({ call_sid: 'CA1' });
  });

  it('reports a remote hangup, warnings raised and cleared, and a call error', async () => {
    const { device, socket, posted } = await setup();
    socket.receive('invite', { callsid: 'CA2', sdp: 'offer', parameters: {} });
    const call = device.calls[0];
    call?.accept();
    await tick();
    call?.emit('qualityChange', 'high-rtt', true);
    call?.emit('qualityChange', 'high-rtt', false);
    call?.emit('qualityChange', 'constant-audio-output-level', true);
    socket.receive('hangup', { callsid: 'CA2', error: { code: 31005, message: 'gone' } });
    expect(names(posted)).toEqual([
      'connection/incoming', 'connection/accepted-by-local', 'network-quality-warning-raised/high-rtt', 'network-quality-warning-cleared/high-rtt',
      'audio-level-warning-raised/constant-audio-output-level', 'connection/error', 'connection/disconnected-by-remote',
    ]);
    expect(posted.map((p) => p.body.level)).toEqual(['INFO', 'INFO', 'WARNING', 'INFO', 'INFO', 'ERROR', 'INFO']);
  });

  it('batches samples ten at a time and flushes the rest when the call ends', async () => {
    const { device, socket, posted } = await setup();
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA3', sdp: 'answer', reconnect: 'r' });
    const sample = { timestamp: 0, codecName: 'PCMU', rtt: 20, jitter: 1, mos: 4.4123, packetsLostFraction: 0, audioInputLevel: 100, audioOutputLevel: 200, packetsSent: 50, packetsReceived: 50, packetsLost: 0, bytesSent: 8000, bytesReceived: 8000, totals: { packetsSent: 50, packetsReceived: 50, packetsLost: 0, bytesSent: 8000, bytesReceived: 8000, packetsLostFraction: 0 } };
    for (let i = 0; i < 13; i++) call.emit('sample', sample);
    const metrics = posted.filter((p) => p.url.endsWith('/v4/EndpointMetrics'));
    expect(metrics).toHaveLength(1);
    expect(metrics[0]?.body).toMatchObject({ group: 'quality-metrics-samples', name: 'metrics-sample' });
    expect(metrics[0]?.body.payload).toHaveLength(10);
    expect((metrics[0]?.body.payload as Record<string, unknown>[])[0]).toMatchObject({ mos: 4.41, rtt: 20, bytes_sent: 8000, audio_level_out: 200, call_sid: 'CA3' });
    call.disconnect();
    expect(posted.filter((p) => p.url.endsWith('/v4/EndpointMetrics')).at(-1)?.body.payload).toHaveLength(3);
  });

  it('posts feedback, validates it, and posts nothing with publishEvents: false', async () => {
    const { device, socket, posted } = await setup();
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA4', sdp: 'answer', reconnect: 'r' });
    await call.postFeedback(2, 'choppy-audio');
    await call.postFeedback();
    await expect(call.postFeedback(9 as never)).rejects.toThrow(/1–5/);
    await expect(call.postFeedback(3, 'bad' as never)).rejects.toThrow(/issue must be one of/);
    expect(posted.filter((p) => p.body.group === 'feedback').map((p) => [p.body.name, p.body.payload])).toEqual([
      ['received', expect.objectContaining({ quality_score: 2, issue_name: 'choppy-audio', call_sid: 'CA4' })],
      ['received-none', expect.objectContaining({ call_sid: 'CA4' })],
    ]);
    expect(posted[0]?.body.publisher_metadata).toBeUndefined();
    const named = await setup({ appName: 'softphone', appVersion: '1.2' });
    await named.device.connect({ params: { To: 'bob' } });
    expect(named.posted[0]?.body.publisher_metadata).toEqual({ app_name: 'softphone', app_version: '1.2' });
    const quiet = await setup({ publishEvents: false });
    await quiet.device.connect({ params: { To: 'bob' } });
    expect(quiet.posted).toEqual([]);
  });

  it('a failing poster never disturbs the call', async () => {
    const { device, socket } = await setup({ insightsPoster: () => { throw new Error('offline'); } });
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA5', sdp: 'answer', reconnect: 'r' });
    expect(call.status()).toBe('open');
  });
});
