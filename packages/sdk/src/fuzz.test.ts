/**
 * Bad input from the server: 3,000 seeded random and mutated frames (not JSON, wrong shapes, wrong
 * types, unknown calls) never throw out of the SDK, and the device still registers and calls afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Device } from './device.ts';
import { FakeMedia, FakeSocket } from './fakes.test-helper.ts';

const TYPES = ['connected', 'ready', 'offline', 'invite', 'ringing', 'answer', 'hangup', 'cancel', 'error', 'ack', 'message', 'bogus'];
const VALUES: unknown[] = [null, 0, -1, 1e308, '', 'CA1', 'TJS', {}, [], [1], { code: 'x' }, { code: 31486, message: 5 }, true, 'v=0', { identity: 7, ttl: 'x' }, { Params: '%%%' }];

/** A seeded linear congruential generator in [0, 1): the same frames on every run (the SDK's tests stay free of Node packages). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const devices: Device[] = [];
afterEach(() => { for (const d of devices.splice(0)) d.destroy(); });

describe('Device under random server frames', () => {
  it('never throws and keeps working', async () => {
    const random = seeded(20261124);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const sockets: FakeSocket[] = [];
    const device = new Device('token', { chunderw: 'denwa.test:1', publishEvents: false, socketFactory: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; }, mediaFactory: () => new FakeMedia() });
    devices.push(device);
    const errors: number[] = [];
    device.on('error', (e) => errors.push(e.code));
    device.on('incoming', (call) => { if (random() < 0.5) call.accept(); else call.reject(); });
    const registered = device.register().catch(() => 'refused');
    const socket = sockets[0];
    if (socket === undefined) throw new Error('no socket');
    socket.open();
    // A throw escaping the SDK (synchronously or from a listener's microtask) fails this test run.
    {
      for (let i = 0; i < 3000; i++) {
        const r = random();
        if (r < 0.15) socket.raw(String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))));
        else if (r < 0.25) socket.raw(pick(['{', '[]', 'null', '"x"', '{"type":5}', '{"type":"answer","payload":[]}', '\n']));
        else {
          const payload: Record<string, unknown> = {};
          for (const key of ['callsid', 'sdp', 'reconnect', 'parameters', 'error', 'token', 'voiceeventsid', 'content', 'messagetype']) {
            if (random() < 0.5) payload[key] = pick(VALUES);
          }
          socket.receive(pick(TYPES), payload);
        }
        if (i % 500 === 0) await new Promise((res) => setTimeout(res, 0));
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    // Still usable: a clean registration and call on the same socket.
    socket.receive('connected', { token: { identity: 'alice', ttl: 600 } });
    socket.receive('ready');
    await registered;
    device.disconnectAll();
    const call = await device.connect({ params: { To: 'bob' } });
    await new Promise((res) => setTimeout(res, 0));
    socket.receive('answer', { callsid: 'CAfinal', sdp: 'answer-sdp', reconnect: 'r' });
    expect(call.status()).toBe('open');
    expect(device.state).toBe('registered');
    expect(errors.every((c) => Number.isInteger(c))).toBe(true);
  });
});
