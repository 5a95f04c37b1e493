/**
 * REST `Calls.create`: an `outbound-api` call to a browser client (`client:<identity>`), to a phone
 * number (a registered simulator of the virtual carrier rings like a client; any other number is
 * dialed through the trunks) or to a SIP URI. Once the callee answers, the call's TwiML runs on it;
 * busy, no-answer and failures end it with Twilio's statuses, as `<Dial>` reports them.
 */
import { TWILIO_API_VERSION, VoiceError, type AccountSid } from '@denwa/protocol';
import type { CallRecord, HttpMethod } from '../store/ports.ts';
import type { CallState } from './call-status.ts';
import type { EngineContext } from './engine-context.ts';
import { LiveCall } from './live-call.ts';
import { compactNumber, isE164 } from './numbers.ts';
import { PhoneAttempt } from './phone-attempt.ts';
import { RingAttempt, type RingOutcome } from './ring.ts';
import { attachStatusCallback, type ProgressEvent } from './status-callbacks.ts';
import { runTwiml, type TwimlSource } from './twiml-runner.ts';
import { simulatorConnections } from './simulators.ts';

/** A REST `Calls.create`. */
export interface CreateCallRequest {
  readonly accountSid: AccountSid;
  /** `client:<identity>`, an E.164 number, or a `sip:`/`sips:` URI. */
  readonly to: string;
  readonly from: string;
  readonly twiml: TwimlSource;
  readonly timeoutSec: number;
  readonly statusCallback: { readonly url: string; readonly method: HttpMethod; readonly events: ReadonlySet<ProgressEvent> } | null;
}

type Attempt = RingAttempt | PhoneAttempt;

/** Starts the call and returns its record as created (`queued`). */
export function createApiCall(ctx: EngineContext, req: CreateCallRequest): CallRecord {
  const sid = ctx.ids.sid('call');
  const to = req.to.startsWith('client:') || /^sips?:/i.test(req.to) ? req.to : compactNumber(req.to);
  const state = ctx.newState({ sid, accountSid: req.accountSid, parentCallSid: null, applicationSid: null, from: req.from, to, direction: 'outbound-api', status: 'queued', startTime: null });
  if (req.statusCallback !== null) attachStatusCallback(state, req.statusCallback, ctx.webhooks, ctx.log);
  const call = new LiveCall(state, { connection: null, endpoint: null, reconnect: ctx.mintReconnect(sid) }, true, ctx.clock);
  const record = state.record;
  ctx.track(call);
  state.transition('initiated', ctx.clock.now());
  const attempt = dial(ctx, call, req, to);
  if (attempt instanceof RingAttempt) {
    if (!attempt.settled) state.transition('ringing', ctx.clock.now());
    ctx.ringing.set(sid, attempt);
  }
  void call.whenEnded().then(() => { attempt.cancel(); });
  ctx.guard(call, attempt.outcome.then(async (outcome) => {
    ctx.ringing.delete(sid);
    if (call.hasEnded()) return;
    if (outcome.kind !== 'answered') {
      endUnanswered(call, outcome);
      return;
    }
    call.leg.connection = outcome.connection;
    call.leg.endpoint = outcome.endpoint;
    call.leg.phone = outcome.phone ?? null;
    call.answered = true;
    state.transition('in-progress', ctx.clock.now());
    await runTwiml(ctx, call, req.twiml);
  }));
  return record;
}

/** Rings the callee: a browser (a client, or the simulator of the number), else the phone network. */
function dial(ctx: EngineContext, call: LiveCall, req: CreateCallRequest, to: string): Attempt {
  const sid = call.sid;
  const onWinnerEvent = (event: Parameters<EngineContext['mediaEvent']>[1]): void => { ctx.mediaEvent(call, event); };
  const browsers = to.startsWith('client:')
    ? ctx.clients.registered(req.accountSid, to.slice('client:'.length))
    : isE164(to) ? simulatorConnections(ctx.clients, req.accountSid, to) : [];
  if (to.startsWith('client:') || browsers.length > 0) {
    return new RingAttempt(ctx.media, ctx.clock, {
      callSid: sid,
      connections: browsers,
      codecs: ['PCMU', 'opus'],
      parameters: { CallSid: sid, AccountSid: req.accountSid, From: req.from, To: to, ApiVersion: TWILIO_API_VERSION },
      reconnect: call.leg.reconnect,
      timeoutMs: req.timeoutSec * 1000,
      onWinnerEvent,
    });
  }
  return dialPhone(ctx, call, req, to, onWinnerEvent);
}

function dialPhone(ctx: EngineContext, call: LiveCall, req: CreateCallRequest, to: string, onWinnerEvent: (event: Parameters<EngineContext['mediaEvent']>[1]) => void): PhoneAttempt {
  const state = call.state;
  const driver = ctx.phone ?? { dial: () => Promise.resolve({ ok: false as const, error: new VoiceError(13224, 'no SIP trunk is configured for the phone network') }) };
  return new PhoneAttempt(driver, ctx.clock, {
    request: { accountSid: req.accountSid, callSid: call.sid, to, from: req.from, codecs: ['PCMU', 'PCMA'], label: call.sid },
    timeoutMs: req.timeoutSec * 1000,
    onWinnerEvent,
    onRinging: () => { ringing(ctx, state); },
    onHangup: (end) => { call.end('completed', 'callee', { notifyBrowser: false, ...(end.kind === 'hangup' && end.error !== undefined ? { error: end.error } : {}) }); },
    onDigits: (digits) => { if (!call.hasEnded()) call.dtmf(digits, 'signaling'); },
  });
}

function ringing(ctx: EngineContext, state: CallState): void {
  if (state.record.status === 'initiated') state.transition('ringing', ctx.clock.now());
}

/** Twilio's final status for a callee that did not answer, as `<Dial>` records its children; `canceled` came from the API. */
function endUnanswered(call: LiveCall, outcome: Exclude<RingOutcome, { kind: 'answered' }>): void {
  switch (outcome.kind) {
    case 'canceled':
      call.end('canceled', 'api', { notifyBrowser: false });
      return;
    case 'busy':
      call.end('busy', 'callee', { notifyBrowser: false, error: new VoiceError(31486, 'the called party is busy') });
      return;
    case 'no-answer':
      call.end('no-answer', 'timeout', { notifyBrowser: false });
      return;
    case 'failed':
      call.end('failed', 'system', { notifyBrowser: false, error: outcome.error });
  }
}
