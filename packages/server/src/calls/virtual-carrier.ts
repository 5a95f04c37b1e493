/**
 * The virtual carrier: a phone network for local development, without a SIP trunk. Its phones are
 * browser clients registered as `sim_<digits of the E.164 number>` (the console's `/simulator/`
 * page; see `simulators.ts`).
 *
 * - A simulator's call is a call from the phone network: it reaches the account's number its `To`
 *   names and runs that number's TwiML with Twilio's inbound parameters, exactly as a call arriving
 *   on a trunk does. A number the account does not have is not in service (13224).
 * - `<Dial><Number>` and REST `Calls.create` to a number a simulator is registered for ring that
 *   simulator like a `<Client>`; other numbers go to the trunks.
 */
import { VoiceError, type AccountSid, type CallSid } from '@denwa/protocol';
import type { PhoneNumberRecord } from '../store/ports.ts';
import type { PlaceCallRequest } from './client-calls.ts';
import type { EngineContext, EngineStore } from './engine-context.ts';
import { LiveCall } from './live-call.ts';
import { compactNumber, geoParams, isE164 } from './numbers.ts';
import { attachStatusCallback } from './status-callbacks.ts';
import { runTwiml, type TwimlSource } from './twiml-runner.ts';

/** Where a number's calls get their TwiML: its application's URLs, else its own; null for neither. */
export async function twimlForNumber(store: EngineStore, number: PhoneNumberRecord): Promise<TwimlSource | null> {
  if (number.voiceApplicationSid !== null) {
    const app = await store.applications.get(number.accountSid, number.voiceApplicationSid);
    if (app?.voiceUrl == null) return null;
    return { kind: 'url', url: app.voiceUrl, method: app.voiceMethod, fallbackUrl: app.voiceFallbackUrl, fallbackMethod: app.voiceFallbackMethod };
  }
  if (number.voiceUrl === null) return null;
  return { kind: 'url', url: number.voiceUrl, method: number.voiceMethod, fallbackUrl: number.voiceFallbackUrl, fallbackMethod: number.voiceFallbackMethod };
}

interface Route {
  readonly number: PhoneNumberRecord | null;
  readonly twiml: TwimlSource | null;
}

async function route(ctx: EngineContext, accountSid: AccountSid, to: string): Promise<Route> {
  const found = isE164(to) ? await ctx.store.phoneNumbers.getByNumber(to) : null;
  const number = found?.accountSid === accountSid ? found : null;
  return { number, twiml: number === null ? null : await twimlForNumber(ctx.store, number) };
}

/**
 * A call placed by the simulator of number `from`: the sid at once; the call record once the called
 * number is looked up (an `inbound` call from `from` to the number, as from a trunk).
 */
export function placeFromSimulator(ctx: EngineContext, req: PlaceCallRequest, from: string): CallSid {
  const sid = ctx.ids.sid('call');
  const dialed = (req.params['To'] ?? '').trim();
  const to = isE164(compactNumber(dialed)) ? compactNumber(dialed) : dialed;
  ctx.placing.set(sid, req.connection.id);
  void route(ctx, req.accountSid, to).then(
    (found) => { start(ctx, req, sid, from, to, found); },
    (err: unknown) => {
      ctx.log.error({ err, callSid: sid }, 'number lookup failed');
      if (ctx.placing.delete(sid)) req.connection.sendHangup(sid, new VoiceError(31000, 'internal error'));
    },
  );
  return sid;
}

function start(ctx: EngineContext, req: PlaceCallRequest, sid: CallSid, from: string, to: string, found: Route): void {
  // The simulator hung up (or went away) while the number was looked up.
  if (!ctx.placing.delete(sid)) return;
  const { number, twiml } = found;
  const state = ctx.newState(
    { sid, accountSid: req.accountSid, parentCallSid: null, applicationSid: null, from, to, direction: 'inbound', status: 'ringing', startTime: ctx.clock.now() },
    { phoneNumberSid: number?.sid ?? null, trunkSid: null, callerName: null },
  );
  const call = new LiveCall(state, { connection: req.connection, endpoint: null, reconnect: ctx.mintReconnect(sid) }, true, ctx.clock);
  ctx.track(call);
  if (number === null || twiml === null) {
    const why = number === null ? `${to.slice(0, 40)} is not in service: the account has no such number` : `${to} has no voice URL or application`;
    call.end('failed', 'system', { error: new VoiceError(13224, why) });
    return;
  }
  ctx.guard(call, run(ctx, call, req, number, twiml));
}

async function run(ctx: EngineContext, call: LiveCall, req: PlaceCallRequest, number: PhoneNumberRecord, twiml: TwimlSource): Promise<void> {
  const answered = ctx.media.answer(req.offerSdp, { label: call.sid, onEvent: (event) => { ctx.mediaEvent(call, event); } });
  if (!answered.ok) {
    call.end('failed', 'system', { error: answered.error });
    return;
  }
  call.leg.endpoint = answered.value.endpoint;
  req.connection.sendRinging(call.sid);
  if (number.statusCallback !== null) {
    attachStatusCallback(call.state, { url: number.statusCallback, method: number.statusCallbackMethod, events: new Set(['completed']) }, ctx.webhooks, ctx.log);
  }
  // The TwiML answers the call (`<Dial>`, `<Pause>`): the engine then sends `answer` to the simulator.
  await runTwiml(ctx, call, twiml, geoParams(call.state.record.from, call.state.record.to));
}
