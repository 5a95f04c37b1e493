import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness | null = null;
afterEach(async () => { await h?.close(); h = null; });

const CALL = `CA${'1'.repeat(32)}`;

describe('test hooks', () => {
  it('do not exist unless the server was started with --test-hooks on', async () => {
    h = await makeApp();
    const res = await h.app.inject({ method: 'POST', url: '/test/Impairments', headers: { authorization: h.auth }, payload: { CallSid: CALL } });
    expect(res.statusCode).toBe(404);
  });

  it('impair a call\'s legs with Basic auth, validate every parameter, and lift the impairment', async () => {
    const calls: unknown[] = [];
    h = await makeApp({ testHooks: { impair: (sid, impairment) => { calls.push([sid, impairment]); return sid === CALL ? 2 : 0; } } });
    const post = (payload: Record<string, string>, auth = true) =>
      h!.app.inject({ method: 'POST', url: '/test/Impairments', headers: auth ? { authorization: h!.auth } : {}, payload });
    expect((await post({ CallSid: CALL }, false)).statusCode).toBe(401);
    const ok = await post({ CallSid: CALL, LossPercent: '5', DelayMs: '500', Stop: 'true' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ call_sid: CALL, legs: 2, impairment: { lossPercent: 5, delayMs: 500, stopped: true, blackhole: false } });
    expect((await post({ CallSid: CALL, Clear: 'true' })).json().impairment).toBeNull();
    for (const bad of [{ CallSid: 'nope' }, { CallSid: CALL, LossPercent: '101' }, { CallSid: CALL, DelayMs: '-1' }, { CallSid: CALL, DelayMs: 'x' }, { CallSid: CALL, Stop: 'maybe' }]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect((await post({ CallSid: `CA${'2'.repeat(32)}` })).statusCode).toBe(404);
    expect(calls).toHaveLength(3);
  });
});
