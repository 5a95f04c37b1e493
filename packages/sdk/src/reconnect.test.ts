/** Media reconnection (ICE restart through `reinvite`) and picking up a call with its connectToken. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Call } from './call.ts';
import { Device } from './device.ts';
import { FakeMedia, FakeSocket } from './fakes.test-helper.ts';

const devices: Device[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.destroy();
  vi.useRealTimers();
});
const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

async function setup() {
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const device = new Device('token-1', {
    chunderw: 'denwa.test:3443',
    publishEvents: false,
    socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    mediaFactory: () => { const m = new FakeMedia(); media.push(m); return m; },
  });
  devices.push(device);
  const registered = device.register();
  const socket = sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.open();
  socket.receive('connected', { token: { identity: 'alice', ttl: 600 } });
  socket.receive('ready');
  await registered;
  return { device, socket, media };
}

async function openCall(ctx: Awaited<ReturnType<typeof setup>>): Promise<{ call: Call; events: string[]; media: FakeMedia }> {
  const call = await ctx.device.connect({ params: { To: 'bob' } });
  await flush();
  ctx.socket.receive('answer', { callsid: 'CA1', sdp: 'answer-sdp', reconnect: 'r1' });
  const events: string[] = [];
  call.on('reconnecting', (e) => events.push(`reconnecting ${String(e.code)}`));
  call.on('reconnected', () => events.push('reconnected'));
  call.on('error', (e) => events.push(`error ${String(e.code)}`));
  call.on('disconnect', () => events.push('disconnect'));
  const media = ctx.media[0];
  if (media === undefined) throw new Error('no media');
  return { call, events, media };
}

describe('media reconnection', () => {
  it('restarts ICE when it fails: reconnecting, a reinvite, the answer applied, reconnected on connected', async () => {
    const ctx = await setup();
    const { call, events, media } = await openCall(ctx);
    media.onIceState?.('disconnected');
    expect(events).toEqual([]);
    media.onIceState?.('failed');
    await flush();
    expect(events).toEqual(['reconnecting 53405']);
    expect(call.status()).toBe('reconnecting');
    expect(ctx.socket.frames('reinvite').map((f) => f.payload)).toEqual([{ callsid: 'CA1', sdp: 'restart-offer-1' }]);
    ctx.socket.receive('answer', { callsid: 'CA1', sdp: 'restart-answer' });
    expect(media.answers).toEqual(['answer-sdp', 'restart-answer']);
    media.onIceState?.('connected');
    expect(events).toEqual(['reconnecting 53405', 'reconnected']);
    expect(call.status()).toBe('open');
  });

  it('retries with backoff and gives up after 30 s with 31003 and a hangup', async () => {
    const ctx = await setup();
    const { call, events, media } = await openCall(ctx);
    vi.useFakeTimers();
    media.onIceState?.('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    const retries = ctx.socket.frames('reinvite').length;
    expect(retries).toBeGreaterThanOrEqual(3);
    expect(retries).toBeLessThanOrEqual(6);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(events).toEqual(['reconnecting 53405', 'error 31003', 'disconnect']);
    expect(call.status()).toBe('closed');
    expect(ctx.socket.frames('hangup').at(-1)?.payload['callsid']).toBe('CA1');
  });
});

describe('connectToken', () => {
  it('another device of the identity picks up a ringing call by resuming it', async () => {
    const first = await setup();
    let ringing: Call | undefined;
    first.device.on('incoming', (c) => { ringing = c; });
    first.socket.receive('invite', { callsid: 'CA7', sdp: 'offer', reconnect: 'r7', parameters: { From: 'client:bob', Params: 'topic=sales' } });
    const token = ringing?.connectToken;
    expect(typeof token).toBe('string');
    const second = await setup();
    const picked = second.device.connectCall({ connectToken: token ?? '' });
    await flush();
    expect(second.socket.frames('invite').map((f) => f.payload)).toEqual([{ callsid: 'CA7', sdp: 'offer-sdp', reconnect: 'r7', twilio: {} }]);
    const accepted: string[] = [];
    picked.on('accept', () => accepted.push('accept'));
    second.socket.receive('answer', { callsid: 'CA7', sdp: 'pickup-answer', reconnect: 'r8' });
    expect(accepted).toEqual(['accept']);
    expect(picked.status()).toBe('open');
    expect(picked.direction).toBe('INCOMING');
    expect(picked.parameters['From']).toBe('client:bob');
    expect(picked.customParameters.get('topic')).toBe('sales');
    expect(second.media[0]?.answers).toEqual(['pickup-answer']);
  });

  it('refuses a malformed token with 31000', async () => {
    const { device } = await setup();
    for (const bad of ['%%%', btoa('{}'), btoa(encodeURIComponent(JSON.stringify({ parameters: { CallSid: 'CA1' } })))]) {
      expect(() => device.connectCall({ connectToken: bad })).toThrow(expect.objectContaining({ code: 31000 }));
    }
  });
});
