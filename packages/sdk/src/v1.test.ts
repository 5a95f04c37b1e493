/** The 1.x layer (`Twilio.Device.setup`, `Connection`) over the 2.x Device, against a scripted server. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeMedia, FakeSocket } from './fakes.test-helper.ts';
import { DeviceV1, type Connection } from './v1.ts';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const singletons: DeviceV1[] = [];

afterEach(() => {
  for (const d of singletons.splice(0)) d.destroy();
});

function setup(options: { noRegister?: boolean; enableRingingState?: boolean } = {}): { v1: DeviceV1; socket: () => FakeSocket; media: FakeMedia[]; log: string[] } {
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const v1 = new DeviceV1();
  singletons.push(v1);
  const log: string[] = [];
  v1.ready(() => log.push('ready'));
  v1.offline(() => log.push('offline'));
  v1.error((e) => log.push(`error ${String(e.code)}`));
  v1.connect((conn) => log.push(`connect ${conn.status()}`));
  v1.disconnect(() => log.push('disconnect'));
  v1.cancel(() => log.push('cancel'));
  v1.setup('capability-token', {
    publishEvents: false,
    chunderw: 'denwa.test:3443',
    ...options,
    ...({ socketFactory: (url: string) => { const s = new FakeSocket(url); sockets.push(s); return s; }, mediaFactory: () => { const m = new FakeMedia(); media.push(m); return m; } } as object),
  });
  return { v1, socket: () => { const s = sockets.at(-1); if (s === undefined) throw new Error('no socket'); return s; }, media, log };
}

function connected(socket: FakeSocket): void {
  socket.open();
  socket.receive('connected', { token: { identity: 'twilio_user', ttl: 3600 } });
}

describe('Twilio.Device 1.x', () => {
  it('setup() registers by itself; ready and status follow the server', () => {
    const { v1, socket, log } = setup();
    expect(v1.status()).toBe('offline');
    connected(socket());
    expect(socket().frames('register')[0]?.payload).toEqual({ media: { audio: true } });
    socket().receive('ready');
    expect(log).toEqual(['ready']);
    expect(v1.status()).toBe('ready');
  });

  it('setup() with noRegister only connects; setup() again refreshes the token', () => {
    const { v1, socket } = setup({ noRegister: true });
    v1.connect({ To: 'x' });
    connected(socket());
    expect(socket().frames('register')).toHaveLength(0);
    v1.setup('token-2');
    expect(socket().frames('listen').at(-1)?.payload['token']).toBe('token-2');
  });

  it('connect(params) returns a Connection; the connect handler fires on answer, disconnect on hangup', async () => {
    const { v1, socket, log } = setup();
    connected(socket());
    socket().receive('ready');
    const conn = v1.connect({ To: '+15551234567' }) as Connection;
    const seen: string[] = [];
    conn.accept(() => seen.push('accept'));
    conn.disconnect(() => seen.push('disconnect'));
    await tick();
    expect(socket().frames('invite')[0]?.payload['twilio']).toEqual({ params: 'To=%2B15551234567' });
    socket().receive('ringing', { callsid: 'CA1' });
    expect(conn.status()).toBe('connecting'); // no enableRingingState
    socket().receive('answer', { callsid: 'CA1', sdp: 'answer-sdp', reconnect: 'r' });
    expect(conn.status()).toBe('open');
    expect(v1.status()).toBe('busy');
    expect(v1.activeConnection()).toBe(conn);
    conn.mute(true);
    expect(conn.isMuted()).toBe(true);
    v1.disconnectAll();
    expect(socket().frames('hangup')[0]?.payload).toEqual({ callsid: 'CA1' });
    expect(seen).toEqual(['accept', 'disconnect']);
    expect(log).toEqual(['ready', 'connect open', 'disconnect']);
    expect(v1.status()).toBe('ready');
  });

  it('reports ringing with enableRingingState', async () => {
    const { v1, socket } = setup({ enableRingingState: true });
    connected(socket());
    const conn = v1.connect({ To: 'bob' }) as Connection;
    const rang: boolean[] = [];
    conn.on('ringing', (early) => rang.push(early));
    await tick();
    socket().receive('ringing', { callsid: 'CA2' });
    expect(conn.status()).toBe('ringing');
    expect(rang).toEqual([false]);
  });

  it('incoming: the handler gets a Connection; accept() answers; cancel reaches the device', async () => {
    const { v1, socket, log } = setup();
    connected(socket());
    const incoming: Connection[] = [];
    v1.incoming((c) => incoming.push(c));
    socket().receive('invite', { callsid: 'CA3', sdp: 'offer', parameters: { From: '+815012345678', To: 'client:twilio_user' } });
    const conn = incoming[0];
    expect(conn?.parameters['From']).toBe('+815012345678');
    conn?.accept();
    await tick();
    expect(socket().frames('answer')[0]?.payload).toEqual({ callsid: 'CA3', sdp: 'answer-sdp' });
    expect(log).toContain('connect open');
    socket().receive('invite', { callsid: 'CA4', sdp: 'offer', parameters: {} });
    expect(incoming).toHaveLength(1); // busy: the second invite is dropped
    conn?.disconnect();
    socket().receive('invite', { callsid: 'CA5', sdp: 'offer', parameters: {} });
    socket().receive('cancel', { callsid: 'CA5' });
    expect(log.at(-1)).toBe('cancel');
  });

  it('samples every second and reports volume every 50 ms; a silent far end warns in 1.x only', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      const { v1, socket, media } = setup();
      connected(socket());
      const conn = v1.connect({ To: 'bob' }) as Connection;
      await vi.advanceTimersByTimeAsync(1);
      socket().receive('answer', { callsid: 'CA6', sdp: 'answer-sdp', reconnect: 'r' });
      const m = media[0];
      if (m === undefined) throw new Error('no media');
      let n = 0;
      Object.defineProperty(m, 'stats', { get: () => { n++; return { timestamp: n * 1000, packetsSent: 50 * n, bytesSent: 8600 * n, packetsReceived: 50 * n, packetsLost: 0, bytesReceived: 8600 * n, jitter: 2, rtt: 30, codecName: 'PCMU' }; } });
      let tick50 = 0;
      Object.defineProperty(m, 'levelValues', { get: () => ({ input: (tick50++ % 2) * 0.5, output: 0 }) });
      const samples: number[] = [];
      const volumes: number[] = [];
      const warnings2x: string[] = [];
      const warnings1x: string[] = [];
      conn.call.on('sample', (s) => samples.push(s.mos ?? 0));
      conn.call.on('volume', (input) => volumes.push(input));
      conn.call.on('warning', (name) => warnings2x.push(name));
      conn.on('warning', (name) => warnings1x.push(name));
      await vi.advanceTimersByTimeAsync(12_000);
      expect(samples.length).toBeGreaterThanOrEqual(11);
      expect(samples[1]).toBeGreaterThan(4.3);
      expect(volumes.length).toBeGreaterThanOrEqual(230);
      expect(warnings2x).toEqual([]);
      expect(warnings1x).toEqual(['constant-audio-output-level']);
      v1.disconnectAll();
    } finally {
      vi.useRealTimers();
    }
  });

  it('wraps errors with code and message, and refuses connect() before setup()', () => {
    const { socket, log } = setup();
    connected(socket());
    socket().receive('error', { error: { code: 31205, message: 'JWT token expired' } });
    expect(log).toContain('error 31205');
    expect(() => new DeviceV1().connect({ To: 'x' })).toThrow(/setup/);
  });
});
