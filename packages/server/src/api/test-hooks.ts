/**
 * Test-only endpoints, registered only with `--test-hooks on` (never in production): `POST
 * /test/Impairments` impairs what the media relay sends to one call leg, so end-to-end tests can
 * check the SDKs' quality warnings under packet loss, delay or a media stop. Basic auth, as the API.
 *
 * Parameters: `CallSid` (required), `LossPercent` (0–100), `DelayMs` (0–5000), `Stop` (true: no
 * RTP), `Blackhole` (true: nothing at all, STUN included), `Clear` (true lifts the impairment).
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError } from '@denwa/protocol';
import { principalFor, requestParams, sidParam, type ApiDeps, type TestHooks } from './context.ts';
import { first, optionalBoolean, type Params } from './form.ts';

function bounded(params: Params, name: string, max: number): number {
  const raw = first(params, name);
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new VoiceError(20001, `${name} must be a number 0–${String(max)}`);
  return n;
}

export function testHookRoutes(app: FastifyInstance, deps: ApiDeps, hooks: TestHooks): void {
  app.post('/test/Impairments', async (req, reply) => {
    await principalFor(deps, req, null);
    const params = requestParams(req);
    const callSid = sidParam('call', first(params, 'CallSid') ?? '');
    const impairment = optionalBoolean(params, 'Clear') === true
      ? null
      : {
        lossPercent: bounded(params, 'LossPercent', 100),
        delayMs: bounded(params, 'DelayMs', 5000),
        stopped: optionalBoolean(params, 'Stop') === true,
        blackhole: optionalBoolean(params, 'Blackhole') === true,
      };
    const legs = hooks.impair(callSid, impairment);
    if (legs === 0) throw new VoiceError(20404, `call ${callSid} has no media leg here`);
    return reply.send({ call_sid: callSid, legs, impairment });
  });
}
