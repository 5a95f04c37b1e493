/**
 * device.audio and the Device's sounds against a fake audio environment: device maps, routing to
 * several outputs, volume, ring/outgoing/disconnect/DTMF sounds and their overrides, input
 * hot-swap, lost devices, and playback failures reported as errors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Call } from '../call.ts';
import { Device, type DeviceOptions } from '../device.ts';
import { FakeAudioEnvironment, FakeMedia, FakeSocket } from '../fakes.test-helper.ts';
import type { PeerSessionOptions } from '../media/peer-session.ts';
import { defaultSoundsBase, soundUrls } from './sounds.ts';

const devices: Device[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.destroy();
  vi.useRealTimers();
});

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const SOUNDS = 'https://denwa.test:3443/sdk/sounds/';
const REMOTE = { id: 'remote-stream' } as unknown as MediaStream;

async function setup(options: Partial<DeviceOptions> = {}) {
  const env = new FakeAudioEnvironment();
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const errors: string[] = [];
  const device = new Device('token-1', {
    chunderw: 'denwa.test:3443',
    socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    mediaFactory: (o: PeerSessionOptions) => {
      const m = new FakeMedia();
      media.push(m);
      queueMicrotask(() => { o.onRemoteStream(REMOTE); });
      return m;
    },
    audioEnvironment: env,
    publishEvents: false,
    ...options,
  });
  devices.push(device);
  device.on('error', (e) => errors.push(e.message));
  const registered = device.register();
  const socket = sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.open();
  socket.receive('connected', { token: { identity: 'alice', ttl: 600 } });
  socket.receive('ready');
  await registered;
  await tick();
  return { device, env, socket, media, errors };
}

async function incoming(ctx: Awaited<ReturnType<typeof setup>>, sid = 'CA1'): Promise<Call> {
  let call: Call | undefined;
  ctx.device.once('incoming', (c) => { call = c; });
  ctx.socket.receive('invite', { callsid: sid, sdp: 'offer', parameters: { From: 'client:bob' } });
  await tick();
  if (call === undefined) throw new Error('no incoming call');
  return call;
}

async function outgoing(ctx: Awaited<ReturnType<typeof setup>>): Promise<Call> {
  const call = await ctx.device.connect({ params: { To: 'bob' } });
  await tick();
  ctx.socket.receive('answer', { callsid: 'CA9', sdp: 'answer', reconnect: 'r' });
  await tick();
  return call;
}

describe('sound URLs', () => {
  it('defaults to the Denwa server that serves signaling, never to Twilio, and takes overrides', () => {
    expect(defaultSoundsBase('wss://denwa.test:3443/signal')).toBe(SOUNDS);
    expect(defaultSoundsBase('ws://127.0.0.1:3000/base/signal')).toBe('http://127.0.0.1:3000/base/sdk/sounds/');
    expect(defaultSoundsBase('wss://voice-js.roaming.twilio.com/signal')).toBeNull();
    expect(defaultSoundsBase('not a url')).toBeNull();
    const urls = soundUrls(null, { dtmf8: 'https://example.test/funny.mp3' });
    expect(urls.get('dtmf8')).toBe('https://example.test/funny.mp3');
    expect(urls.get('incoming')).toBeNull();
  });
});

describe('device.audio', () => {
  it('lists inputs and outputs, emits deviceChange, and reports output selection and volume support', async () => {
    const { device } = await setup();
    expect([...device.audio.availableInputDevices.keys()]).toEqual(['default', 'mic-2']);
    expect([...device.audio.availableOutputDevices.keys()]).toEqual(['default', 'spk-1', 'hs-2']);
    expect([...device.audio.speakerDevices.get()].map((d) => d.deviceId)).toEqual(['default']);
    expect(device.audio.isOutputSelectionSupported).toBe(true);
  });

  it('rings on every ringtone device until the call is answered, and plays call audio on every speaker device', async () => {
    const ctx = await setup();
    await ctx.device.audio.ringtoneDevices.set(['spk-1', 'hs-2']);
    await ctx.device.audio.speakerDevices.set('hs-2');
    const call = await incoming(ctx);
    const audioEvents: unknown[] = [];
    call.on('audio', (el) => audioEvents.push(el));
    const ring = ctx.env.playing(`${SOUNDS}incoming.wav`);
    expect(ring.map((e) => e.sinkId).sort()).toEqual(['hs-2', 'spk-1']);
    expect(ring.every((e) => e.loop)).toBe(true);
    call.accept();
    await tick();
    await tick();
    expect(ctx.env.playing(`${SOUNDS}incoming.wav`)).toEqual([]);
    expect(ctx.env.playing(REMOTE).map((e) => e.sinkId)).toEqual(['hs-2']);
    expect(audioEvents).toEqual(ctx.env.playing(REMOTE));
    await ctx.device.audio.speakerDevices.set(['spk-1', 'hs-2']);
    await tick();
    expect(ctx.env.playing(REMOTE).map((e) => e.sinkId).sort()).toEqual(['hs-2', 'spk-1']);
    await expect(ctx.device.audio.speakerDevices.set('nope')).rejects.toThrow(/devices not found: nope/);
    await expect(ctx.device.audio.speakerDevices.set([])).rejects.toThrow();
  });

  it('stops ringing on cancel and plays nothing when the incoming sound is off', async () => {
    const ctx = await setup();
    await incoming(ctx, 'CA1');
    expect(ctx.env.playing(`${SOUNDS}incoming.wav`)).toHaveLength(1);
    ctx.socket.receive('cancel', { callsid: 'CA1' });
    expect(ctx.env.playing(`${SOUNDS}incoming.wav`)).toHaveLength(0);
    expect(ctx.device.audio.incoming(false)).toBe(false);
    await incoming(ctx, 'CA2');
    expect(ctx.env.playing(`${SOUNDS}incoming.wav`)).toHaveLength(0);
  });

  it('plays outgoing on answer and disconnect on hangup, each once, unless toggled off', async () => {
    const ctx = await setup({ sounds: { disconnect: 'https://example.test/bye.mp3' } });
    const call = await outgoing(ctx);
    const out = ctx.env.playing(`${SOUNDS}outgoing.wav`);
    expect(out).toHaveLength(1);
    expect(out[0]?.loop).toBe(false);
    call.disconnect();
    await tick();
    expect(ctx.env.playing('https://example.test/bye.mp3')).toHaveLength(1);
    ctx.device.audio.outgoing(false);
    ctx.device.audio.disconnect(false);
    const before = ctx.env.elements.length;
    (await outgoing(ctx)).disconnect();
    await tick();
    expect(ctx.env.elements.slice(before).filter((e) => e.src !== '')).toEqual([]);
  });

  it('plays each digit\'s sound 200 ms apart with w as a 500 ms pause', async () => {
    const ctx = await setup({ sounds: { dtmf8: 'https://example.test/funny.mp3' } });
    const call = await outgoing(ctx);
    vi.useFakeTimers();
    call.sendDigits('8w#');
    await vi.advanceTimersByTimeAsync(0);
    expect(ctx.env.playing('https://example.test/funny.mp3')).toHaveLength(1);
    expect(ctx.env.playing(`${SOUNDS}dtmfh.wav`)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(698);
    expect(ctx.env.playing(`${SOUNDS}dtmfh.wav`)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(ctx.env.playing(`${SOUNDS}dtmfh.wav`)).toHaveLength(1);
    expect(ctx.media[0]?.digits).toEqual(['8w#']);
  });

  it('applies the output volume to everything playing, times each call\'s own volume', async () => {
    const ctx = await setup();
    const call = await outgoing(ctx);
    ctx.device.audio.outputVolume = 0.5;
    const [callAudio] = ctx.env.playing(REMOTE);
    expect(callAudio?.volume).toBe(0.5);
    call.setOutputVolume(0.5);
    expect(callAudio?.volume).toBe(0.25);
    ctx.device.audio.outputVolume = 7;
    expect(ctx.device.audio.outputVolume).toBe(1);
    call.setOutputVolume(Number.NaN);
    expect(call.outputVolume).toBe(1);
  });

  it('hot-swaps the microphone of live calls and uses it for new ones; unknown ids are refused', async () => {
    const ctx = await setup();
    const call = await outgoing(ctx);
    await ctx.device.audio.setInputDevice('mic-2');
    expect(ctx.device.audio.inputDevice?.label).toBe('Headset Mic');
    expect(ctx.media[0]?.inputs).toEqual([{ deviceId: { exact: 'mic-2' } }]);
    expect(ctx.device.audio.audioConstraints).toEqual({ deviceId: { exact: 'mic-2' } });
    await expect(ctx.device.audio.setInputDevice('gone')).rejects.toThrow(/device not found/);
    await ctx.device.audio.unsetInputDevice();
    expect(ctx.media[0]?.inputs.at(-1)).toBe(true);
    expect(call.status()).toBe('open');
  });

  it('falls back to default when an active device is unplugged and says which were lost', async () => {
    const ctx = await setup();
    await ctx.device.audio.speakerDevices.set(['hs-2', 'spk-1']);
    await ctx.device.audio.setInputDevice('mic-2');
    const lost = new Promise<MediaDeviceInfo[]>((r) => ctx.device.audio.once('deviceChange', r));
    ctx.env.devices = ctx.env.devices.filter((d) => d.deviceId !== 'mic-2');
    ctx.env.unplug('hs-2');
    expect((await lost).map((d) => d.deviceId).sort()).toEqual(['hs-2', 'mic-2']);
    expect(ctx.device.audio.speakerDevices.ids()).toEqual(['spk-1']);
    expect(ctx.device.audio.inputDevice).toBeNull();
  });

  it('reports a blocked autoplay as an error, never silently', async () => {
    const ctx = await setup();
    ctx.env.refusePlay = Object.assign(new Error('play() failed because the user did not interact'), { name: 'NotAllowedError' });
    await incoming(ctx);
    await tick();
    expect(ctx.errors.some((m) => m.includes('did not play audio') && m.includes('did not interact'))).toBe(true);
  });

  it('without output selection, plays on the default device and refuses set()', async () => {
    const env = new FakeAudioEnvironment();
    env.canSelectOutput = false;
    const ctx = await setup({ audioEnvironment: env });
    await expect(ctx.device.audio.speakerDevices.set('spk-1')).rejects.toThrow(/does not support audio output selection/);
    await incoming(ctx);
    expect(env.playing(`${SOUNDS}incoming.wav`).map((e) => e.sinkId)).toEqual(['']);
  });
});
