/**
 * The Device and Call state machines against a scripted signaling server (fake sockets) and fake
 * media: every exchange of twilio-signaling.md §4 the SDK takes part in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from './call.ts';
import { Device, type DeviceOptions } from './device.ts';
import { FakeMedia, FakeSocket } from './fakes.test-helper.ts';

const devices: Device[] = [];

afterEach(() => {
  for (const d of devices.splice(0)) d.destroy();
});

function setup(options: Partial<DeviceOptions> = {}): { device: Device; sockets: FakeSocket[]; media: FakeMedia[]; log: string[] } {
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const device = new Device('token-1', {
    publishEvents: false,
    chunderw: 'denwa.test:3443',
    socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    mediaFactory: () => { const m = new FakeMedia(); media.push(m); return m; },
    ...options,
  });
  devices.push(device);
  const log: string[] = [];
  for (const e of ['registering', 'registered', 'unregistered', 'destroyed'] as const) device.on(e, () => log.push(e));
  device.on('error', (err) => log.push(`error ${String(err.code)}`));
  return { device, sockets, media, log };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function watch(call: Call): string[] {
  const events: string[] = [];
  for (const e of ['accept', 'ringing', 'cancel', 'disconnect', 'reject', 'reconnecting', 'reconnected', 'messageSent', 'messageReceived'] as const) call.on(e, () => events.push(e));
  call.on('error', (err) => events.push(`error ${String(err.code)}`));
  return events;
}

async function registered(): Promise<ReturnType<typeof setup> & { socket: FakeSocket }> {
  const ctx = setup();
  const done = ctx.device.register();
  const socket = ctx.sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.open();
  socket.receive('connected', { region: 'denwa', edge: 'denwa', home: 'denwa.test', token: { identity: 'alice', ttl: 600 } });
  socket.receive('ready');
  await done;
  return { ...ctx, socket };
}

describe('Device registration', () => {
  it('listens with the token, registers after connected, and is registered on ready', async () => {
    const { device, socket, log } = await registered();
    expect(socket.url).toBe('wss://denwa.test:3443/signal');
    const [listen, register] = socket.frames();
    expect(listen).toMatchObject({ type: 'listen', payload: { token: 'token-1', reconnectTimeout: 0, browserinfo: { p: 'browser', plugin: 'rtc' } } });
    expect(register).toEqual({ type: 'register', version: '1.6', payload: { media: { audio: true } } });
    expect(device.state).toBe('registered');
    expect(device.identity).toBe('alice');
    expect(log).toEqual(['registering', 'registered']);
  });

  it('rejects register() when the server refuses (error, then offline)', async () => {
    const { device, sockets, log } = setup();
    const result = device.register().then(() => 'resolved', (err: unknown) => `rejected ${String((err as { code: number }).code)}`);
    sockets[0]?.open();
    sockets[0]?.receive('error', { error: { code: 31204, message: 'JWT is invalid' } });
    sockets[0]?.receive('offline');
    expect(await result).toBe('rejected 53000');
    expect(log).toEqual(['registering', 'error 31204', 'unregistered']);
  });

  it('unregisters with register {audio: false} and resolves on offline', async () => {
    const { device, socket } = await registered();
    const done = device.unregister();
    expect(socket.frames('register').at(-1)?.payload).toEqual({ media: { audio: false } });
    socket.receive('offline');
    await done;
    expect(device.state).toBe('unregistered');
  });

  it('echoes heartbeats and ignores frames that are not JSON objects', async () => {
    const { device, socket } = await registered();
    socket.raw('\n');
    socket.raw('not json');
    socket.raw('[1,2]');
    socket.raw(new ArrayBuffer(4));
    socket.raw(JSON.stringify({ payload: {} }));
    expect(socket.sent.filter((f) => f === '\n')).toHaveLength(1);
    expect(device.state).toBe('registered');
  });

  it('stops for good on close: no new socket, state unregistered', async () => {
    const { device, socket, sockets } = await registered();
    socket.receive('close');
    await new Promise((r) => setTimeout(r, 300));
    expect(sockets).toHaveLength(1);
    expect(device.state).toBe('unregistered');
  });
});

describe('outgoing calls', () => {
  it('invites with a TJS id and the params, takes the CA sid from ringing, accepts on answer', async () => {
    const { device, socket, media } = await registered();
    const call = await device.connect({ params: { To: 'bob', note: 'a b&c' } });
    const events = watch(call);
    await tick();
    const invite = socket.frames('invite')[0];
    expect(invite?.payload['callsid']).toMatch(/^TJS[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(invite?.payload).toMatchObject({ sdp: 'offer-sdp', twilio: { params: 'To=bob&note=a%20b%26c' } });
    socket.receive('ringing', { callsid: 'CA1' });
    expect(call.status()).toBe('ringing');
    expect(call.parameters['CallSid']).toBe('CA1');
    socket.receive('answer', { callsid: 'CA1', sdp: 'answer-sdp', reconnect: 'r1' });
    await tick();
    expect(media[0]?.answers).toEqual(['answer-sdp']);
    expect(call.status()).toBe('open');
    expect(device.isBusy).toBe(true);
    socket.receive('hangup', { callsid: 'CA1', error: { code: 31486, message: 'Busy Here' } });
    expect(events).toEqual(['ringing', 'accept', 'error 31486', 'disconnect']);
    expect(media[0]?.closed).toBe(true);
    expect(device.calls).toHaveLength(0);
  });

  it('hangs up with its sid, sends digits as RFC 4733, and falls back to signaling without telephone-event', async () => {
    const { device, socket, media } = await registered();
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA2', sdp: 'answer-sdp', reconnect: 'r2' });
    call.sendDigits('12w#');
    expect(media[0]?.digits).toEqual(['12w#']);
    if (media[0] !== undefined) media[0].dtmfSupported = false;
    call.sendDigits('9');
    expect(socket.frames('dtmf')[0]?.payload).toEqual({ callsid: 'CA2', dtmf: '9' });
    expect(() => { call.sendDigits('12x'); }).toThrow(/Illegal character/);
    call.mute();
    expect(media[0]?.muted).toBe(true);
    expect(call.isMuted()).toBe(true);
    call.disconnect();
    expect(socket.frames('hangup')[0]?.payload).toEqual({ callsid: 'CA2' });
    expect(call.status()).toBe('closed');
  });

  it('sends a call message and emits messageSent on its ack', async () => {
    const { device, socket } = await registered();
    const call = await device.connect({ params: { To: 'bob' } });
    const events = watch(call);
    await tick();
    socket.receive('answer', { callsid: 'CA3', sdp: 'answer-sdp' });
    const id = call.sendMessage({ content: { hello: 1 }, messageType: 'user-defined-message' });
    expect(id).toMatch(/^KX[0-9a-f]{32}$/);
    expect(socket.frames('message')[0]?.payload).toEqual({ callsid: 'CA3', content: { hello: 1 }, contenttype: 'application/json', messagetype: 'user-defined-message', voiceeventsid: id });
    socket.receive('ack', { acktype: 'message', callsid: 'CA3', voiceeventsid: id });
    socket.receive('message', { callsid: 'CA3', content: 'hi', contenttype: 'text/plain', messagetype: 'user-defined-message', voiceeventsid: 'KX0' });
    expect(events).toEqual(['accept', 'messageSent', 'messageReceived']);
  });

  it('survives a socket drop: reconnecting, a resume invite after connected, reconnected on answer', async () => {
    const { device, socket, sockets } = await registered();
    const call = await device.connect({ params: { To: 'bob' } });
    const events = watch(call);
    await tick();
    socket.receive('answer', { callsid: 'CA4', sdp: 'answer-sdp', reconnect: 'r4' });
    socket.drop();
    expect(call.status()).toBe('reconnecting');
    expect(device.state).toBe('registering');
    await new Promise((r) => setTimeout(r, 250));
    const second = sockets[1];
    expect(second).toBeDefined();
    second?.open();
    second?.receive('connected', { token: { identity: 'alice', ttl: 600 } });
    expect(second?.frames('invite')[0]?.payload).toEqual({ callsid: 'CA4', sdp: 'v=0 local', reconnect: 'r4', twilio: {} });
    expect(second?.frames('register')).toHaveLength(1);
    second?.receive('answer', { callsid: 'CA4', reconnect: 'r5' });
    second?.receive('ready');
    expect(events).toEqual(['accept', 'reconnecting', 'reconnected']);
    expect(device.state).toBe('registered');
  });

  it('re-binds live calls when a new token is accepted', async () => {
    const { device, socket } = await registered();
    const call = await device.connect({ params: { To: 'bob' } });
    await tick();
    socket.receive('answer', { callsid: 'CA5', sdp: 'answer-sdp', reconnect: 'r5' });
    device.updateToken('token-2');
    expect(socket.frames('listen').at(-1)?.payload['token']).toBe('token-2');
    socket.receive('connected', { token: { identity: 'alice', ttl: 600 } });
    expect(socket.frames('invite').at(-1)?.payload).toMatchObject({ callsid: 'CA5', reconnect: 'r5' });
    expect(call.status()).toBe('open');
  });
});

describe('incoming calls', () => {
  const invite = { callsid: 'CA9', sdp: 'server-offer', reconnect: 'r9', parameters: { CallSid: 'CA9', From: 'client:bob', To: 'client:alice', Params: 'ticket=42&note=hello%20world' } };

  it('rings with its parameters, answers on accept, and takes a hangup', async () => {
    const { device, socket } = await registered();
    const calls: Call[] = [];
    device.on('incoming', (c) => calls.push(c));
    socket.receive('invite', invite);
    const call = calls[0];
    if (call === undefined) throw new Error('no incoming call');
    const events = watch(call);
    expect(call.direction).toBe('INCOMING');
    expect(call.parameters['From']).toBe('client:bob');
    expect(Object.fromEntries(call.customParameters)).toEqual({ ticket: '42', note: 'hello world' });
    expect(call.status()).toBe('pending');
    expect(call.connectToken).toBeDefined();
    call.accept();
    await tick();
    expect(socket.frames('answer')[0]?.payload).toEqual({ callsid: 'CA9', sdp: 'answer-sdp' });
    socket.receive('hangup', { callsid: 'CA9' });
    expect(events).toEqual(['accept', 'disconnect']);
  });

  it('rejects, is cancelled, and drops an invite while busy', async () => {
    const { device, socket } = await registered();
    const calls: Call[] = [];
    device.on('incoming', (c) => calls.push(c));
    socket.receive('invite', invite);
    calls[0]?.reject();
    expect(socket.frames('reject')[0]?.payload).toEqual({ callsid: 'CA9' });
    socket.receive('invite', { ...invite, callsid: 'CA10' });
    const cancelled = calls[1];
    const events = cancelled === undefined ? [] : watch(cancelled);
    socket.receive('cancel', { callsid: 'CA10' });
    expect(events).toEqual(['cancel']);
    expect(device.calls).toHaveLength(0);
    const out = await device.connect({ params: { To: 'carol' } });
    await tick();
    socket.receive('answer', { callsid: 'CA11', sdp: 'answer-sdp' });
    expect(out.status()).toBe('open');
    socket.receive('invite', { ...invite, callsid: 'CA12' });
    expect(calls).toHaveLength(2);
  });

  it('reports an invite without callsid or sdp as error 31400', async () => {
    const { socket, log } = await registered();
    socket.receive('invite', { callsid: 'CA13' });
    expect(log.at(-1)).toBe('error 31400');
  });
});
