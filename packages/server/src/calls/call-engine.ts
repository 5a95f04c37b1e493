/**
 * The call engine: every call's lifecycle, from a browser's `invite` or a REST `Calls.create` to the
 * last status callback. It reaches browsers, media and webhooks only through its ports.
 */
import { VoiceError, type AccountSid, type CallSid, type PhoneNumberSid, type TrunkSid } from '@denwa/protocol';
import type { CallRecord, HttpMethod } from '../store/ports.ts';
import { CallState } from './call-status.ts';
import type { ActiveRecording, CallMessage, ClientConnection, InboundPhoneLeg, MediaEndpointEvent, MediaResult, RecordingOptions } from './ports.ts';
import type { ClientCalls, PlaceCallRequest, ResumeResult } from './client-calls.ts';
import type { CallEngineDeps, EngineContext, NewCallRecord, PhoneFields } from './engine-context.ts';
import { LiveCall, errorForStatus } from './live-call.ts';
import { createApiCall, type CreateCallRequest } from './outbound-api.ts';
import { attachStatusCallback } from './status-callbacks.ts';
import { runTwiml, type TwimlSource } from './twiml-runner.ts';
import { simulatorNumber } from './simulators.ts';
import { placeFromSimulator } from './virtual-carrier.ts';

export type { CallEngineDeps } from './engine-context.ts';
export type { CreateCallRequest } from './outbound-api.ts';

/** A call that came in on a trunk to one of the account's numbers. */
export interface IncomingPhoneCallRequest {
  readonly accountSid: AccountSid;
  readonly phoneNumberSid: PhoneNumberSid | null;
  readonly trunkSid: TrunkSid | null;
  /** E.164 where the trunk could normalise it, else as the carrier sent it. */
  readonly from: string;
  readonly to: string;
  readonly callerName: string | null;
  readonly twiml: TwimlSource;
  readonly statusCallback: { readonly url: string; readonly method: HttpMethod } | null;
  /** Extra TwiML request parameters (`CallerName`, geo fields such as `FromCountry`). */
  readonly params: Readonly<Record<string, string>>;
  readonly leg: InboundPhoneLeg;
}

/** What the trunk tells the engine about an incoming phone call after it started. */
export interface IncomingPhoneCallHandle {
  readonly callSid: CallSid;
  /** The caller hung up: BYE after the answer, CANCEL before it. */
  remoteEnded(): void;
  /** Digits received in SIP INFO. */
  digits(digits: string): void;
  /** A media event of the leg's endpoint. */
  media(event: MediaEndpointEvent): void;
}

export class CallEngine implements ClientCalls {
  readonly #ctx: EngineContext;
  readonly #reconnect = new Map<string, CallSid>();

  constructor(deps: CallEngineDeps) {
    const log = deps.log.child({ mod: 'calls' });
    this.#ctx = {
      ...deps,
      log,
      calls: new Map(),
      ringing: new Map(),
      placing: new Map(),
      newState: (record, phone) => this.#newState(record, phone),
      track: (call) => { this.#track(call); },
      guard: (call, work) => { this.#guard(call, work); },
      mintReconnect: (callSid) => {
        const token = deps.ids.secret();
        this.#reconnect.set(token, callSid);
        return token;
      },
      answer: (call) => { this.#answer(call); },
      mediaEvent: (call, event) => { this.#mediaEvent(call, event); },
      onStoreError: (err) => { log.error({ err }, 'call record write failed'); },
    };
  }

  activeCallCount(): number {
    return this.#ctx.calls.size + this.#ctx.ringing.size;
  }

  #track(call: LiveCall): void {
    this.#ctx.calls.set(call.sid, call);
    void call.whenEnded().then(() => {
      this.#ctx.calls.delete(call.sid);
      for (const [token, sid] of this.#reconnect) if (sid === call.sid) this.#reconnect.delete(token);
    });
  }

  #newState(record: NewCallRecord, phone: PhoneFields = { phoneNumberSid: null, trunkSid: null, callerName: null }): CallState {
    const now = this.#ctx.clock.now();
    return new CallState(
      { ...record, ...phone, forwardedFrom: null, answeredBy: null, answerTime: null, endTime: null, duration: null, hangupSource: null, errorCode: null, dateCreated: now, dateUpdated: now },
      this.#ctx.store,
      this.#ctx.onStoreError,
    );
  }

  placeCall(req: PlaceCallRequest): CallSid {
    const ctx = this.#ctx;
    // A phone of the virtual carrier calls from the phone network, not through an application.
    const simulator = simulatorNumber(req.connection.identity);
    if (simulator !== null) return placeFromSimulator(ctx, req, simulator);
    const sid = ctx.ids.sid('call');
    const state = this.#newState({
      sid, accountSid: req.accountSid, parentCallSid: null, applicationSid: req.applicationSid,
      from: `client:${req.connection.identity}`, to: req.params['To'] ?? '', direction: 'inbound', status: 'ringing', startTime: ctx.clock.now(),
    });
    const call = new LiveCall(state, { connection: req.connection, endpoint: null, reconnect: ctx.mintReconnect(sid) }, true, ctx.clock);
    this.#track(call);
    this.#guard(call, this.#runPlaced(call, req));
    return sid;
  }

  async #runPlaced(call: LiveCall, req: PlaceCallRequest): Promise<void> {
    const ctx = this.#ctx;
    const answered = ctx.media.answer(req.offerSdp, { label: call.sid, onEvent: (event) => { this.#mediaEvent(call, event); } });
    if (!answered.ok) {
      call.end('failed', 'system', { error: answered.error });
      return;
    }
    call.leg.endpoint = answered.value.endpoint;
    req.connection.sendRinging(call.sid);
    const app = await ctx.store.applications.get(req.accountSid, req.applicationSid);
    if (call.hasEnded()) return;
    if (app?.voiceUrl == null) {
      call.end('failed', 'system', { error: new VoiceError(31001, app === null ? `application ${req.applicationSid} not found` : `application ${req.applicationSid} has no VoiceUrl`) });
      return;
    }
    if (app.statusCallback !== null) {
      attachStatusCallback(call.state, { url: app.statusCallback, method: app.statusCallbackMethod, events: new Set(['completed']) }, ctx.webhooks, ctx.log);
    }
    await runTwiml(ctx, call, { kind: 'url', url: app.voiceUrl, method: app.voiceMethod, fallbackUrl: app.voiceFallbackUrl, fallbackMethod: app.voiceFallbackMethod }, req.params);
  }

  /** Runs `work`; an unexpected failure ends the call instead of escaping. */
  #guard(call: LiveCall, work: Promise<void>): void {
    work.catch((err: unknown) => {
      this.#ctx.log.error({ err, callSid: call.sid }, 'call failed unexpectedly');
      call.end('failed', 'system', { error: new VoiceError(31000, 'internal error') });
    });
  }

  #answer(call: LiveCall): void {
    if (call.answered || call.hasEnded()) return;
    call.answered = true;
    const connection = call.leg.connection;
    const endpoint = call.leg.endpoint;
    if (connection !== null && endpoint !== null && call.state.record.direction === 'inbound') {
      connection.sendAnswer(call.sid, endpoint.localSdp, call.leg.reconnect);
    }
    if (call.state.record.direction === 'inbound') call.leg.phone?.answer();
    call.state.transition('in-progress', this.#ctx.clock.now());
  }

  #mediaEvent(call: LiveCall, event: MediaEndpointEvent): void {
    if (event.type === 'dtmf') call.dtmf(event.digit, 'rtp');
    else if (event.type === 'speech') {
      // What this leg sends reaches the bridged leg: tell that browser whether speech is on its way.
      const peer = call.peer;
      if (peer !== null && !peer.hasEnded()) peer.leg.connection?.sendFarEndSpeech(peer.sid, event.speaking);
    }
    else if (event.type === 'failed') {
      call.end(call.answered ? 'completed' : 'failed', 'system', { error: event.error });
    }
  }

  answer(connection: ClientConnection, callSid: CallSid, sdp: string): void {
    this.#ctx.ringing.get(callSid)?.answer(connection, sdp);
  }

  reject(connection: ClientConnection, callSid: CallSid): void {
    this.#ctx.ringing.get(callSid)?.reject(connection);
  }

  #owned(connection: ClientConnection, callSid: CallSid): LiveCall | undefined {
    const call = this.#ctx.calls.get(callSid);
    return call !== undefined && !call.hasEnded() && call.leg.connection?.id === connection.id ? call : undefined;
  }

  hangup(connection: ClientConnection, callSid: CallSid): void {
    if (this.#ctx.placing.get(callSid) === connection.id) this.#ctx.placing.delete(callSid);
    const call = this.#owned(connection, callSid);
    if (call === undefined) return;
    const source = call.state.record.direction === 'inbound' ? 'caller' : 'callee';
    call.end('completed', source, { notifyBrowser: false });
  }

  dtmf(connection: ClientConnection, callSid: CallSid, digits: string): void {
    this.#owned(connection, callSid)?.dtmf(digits, 'signaling');
  }

  reinvite(connection: ClientConnection, callSid: CallSid, sdp: string): MediaResult<string> {
    const endpoint = this.#owned(connection, callSid)?.leg.endpoint;
    if (endpoint == null) return { ok: false, error: new VoiceError(31404, `no live call ${callSid} on this connection`) };
    return endpoint.reoffer(sdp);
  }

  resume(connection: ClientConnection, callSid: CallSid, reconnect: string, sdp: string): Promise<MediaResult<ResumeResult>> {
    return Promise.resolve(this.#resume(connection, callSid, reconnect, sdp));
  }

  #resume(connection: ClientConnection, callSid: CallSid, reconnect: string, sdp: string): MediaResult<ResumeResult> {
    const ctx = this.#ctx;
    if (this.#reconnect.get(reconnect) !== callSid) return { ok: false, error: new VoiceError(31107, 'unknown or expired reconnect token') };
    const call = ctx.calls.get(callSid);
    if (call !== undefined && !call.hasEnded()) {
      const previous = call.leg.connection;
      if (previous !== null && (previous.accountSid !== connection.accountSid || previous.identity !== connection.identity)) {
        return { ok: false, error: new VoiceError(31209, 'the call belongs to another identity') };
      }
      this.#reconnect.delete(reconnect);
      call.leg.connection = connection;
      call.leg.reconnect = ctx.mintReconnect(callSid);
      return { ok: true, value: { sdp: null, reconnect: call.leg.reconnect } };
    }
    const ring = ctx.ringing.get(callSid);
    if (ring !== undefined) {
      const picked = ring.pickup(connection, sdp);
      if (!picked.ok) return picked;
      return { ok: true, value: { sdp: picked.value, reconnect: ctx.mintReconnect(callSid) } };
    }
    return { ok: false, error: new VoiceError(31209, `call ${callSid} has ended`) };
  }

  message(connection: ClientConnection, callSid: CallSid, message: CallMessage): VoiceError | null {
    const call = this.#owned(connection, callSid);
    if (call === undefined) return new VoiceError(31404, `no live call ${callSid} on this connection`);
    const peer = call.peer;
    const target = peer?.leg.connection;
    if (peer == null || target == null) return new VoiceError(31404, 'the call has no other browser party to deliver the message to');
    target.sendCallMessage(peer.sid, { ...message, voiceEventSid: `KX${this.#ctx.ids.secret().slice(0, 32)}` });
    return null;
  }

  connectionLost(connection: ClientConnection): void {
    for (const [sid, id] of this.#ctx.placing) if (id === connection.id) this.#ctx.placing.delete(sid);
    for (const call of [...this.#ctx.calls.values()]) {
      if (call.leg.connection?.id !== connection.id || call.hasEnded()) continue;
      call.end('completed', call.state.record.direction === 'inbound' ? 'caller' : 'callee', { notifyBrowser: false });
    }
    for (const ring of this.#ctx.ringing.values()) ring.drop(connection);
  }

  /**
   * REST `Calls.create` to `client:<identity>`, a phone number or a SIP URI: rings the callee, then
   * runs the TwiML once answered.
   */
  createCall(req: CreateCallRequest): CallRecord {
    return createApiCall(this.#ctx, req);
  }

  /**
   * A call from the phone network to one of the account's numbers: it rings (180) while its TwiML
   * runs, and is answered by the TwiML (`<Dial>` answers at once, or when bridged with
   * `answerOnBridge`).
   */
  incomingPhoneCall(req: IncomingPhoneCallRequest): IncomingPhoneCallHandle {
    const ctx = this.#ctx;
    const sid = ctx.ids.sid('call');
    const state = this.#newState(
      { sid, accountSid: req.accountSid, parentCallSid: null, applicationSid: null, from: req.from, to: req.to, direction: 'inbound', status: 'ringing', startTime: ctx.clock.now() },
      { phoneNumberSid: req.phoneNumberSid, trunkSid: req.trunkSid, callerName: req.callerName },
    );
    const leg = req.leg;
    const phone = {
      answer: () => { leg.answer(); },
      early: () => { leg.ringing(true); },
      end: (answered: boolean, status: string) => {
        if (answered) leg.hangup();
        else leg.reject(status === 'busy' ? 'busy' : status === 'failed' ? 'failed' : 'no-answer');
      },
    };
    const call = new LiveCall(state, { connection: null, endpoint: leg.endpoint, reconnect: ctx.mintReconnect(sid), phone }, true, ctx.clock);
    this.#track(call);
    if (req.statusCallback !== null) attachStatusCallback(state, { ...req.statusCallback, events: new Set(['completed']) }, ctx.webhooks, ctx.log);
    leg.ringing(false);
    this.#guard(call, runTwiml(ctx, call, req.twiml, req.params));
    return {
      callSid: sid,
      remoteEnded: () => { call.end(call.answered ? 'completed' : 'canceled', 'caller', { notifyBrowser: false }); },
      digits: (digits) => { if (!call.hasEnded()) call.dtmf(digits, 'signaling'); },
      media: (event) => { this.#mediaEvent(call, event); },
    };
  }

  /** REST hang-up (`Status=completed`) or cancel (`Status=canceled`); false when the call is not live. */
  hangupCall(callSid: CallSid, status: 'completed' | 'canceled'): boolean {
    const call = this.#ctx.calls.get(callSid);
    if (call === undefined || call.hasEnded()) return false;
    if (status === 'canceled' && call.answered) return false;
    call.end(call.answered ? 'completed' : 'canceled', 'api');
    return true;
  }

  /**
   * REST `Calls/{Sid}/Recordings` create: records a live, answered call (channel 1 its own leg,
   * channel 2 the leg it is bridged to, if any) until the call ends or the recording is stopped.
   * 21220 when the call is not in progress; 16114 when recording is off or cannot start.
   */
  async startRecording(accountSid: AccountSid, callSid: CallSid, options: Omit<RecordingOptions, 'accountSid' | 'callSid' | 'source'>): Promise<MediaResult<ActiveRecording>> {
    const recorder = this.#ctx.recorder;
    const call = this.#ctx.calls.get(callSid);
    if (call === undefined || call.hasEnded() || call.state.accountSid !== accountSid || !call.answered) {
      return { ok: false, error: new VoiceError(21220, 'the call is not in progress: only a live, answered call can be recorded') };
    }
    if (recorder === undefined || recorder === null) return { ok: false, error: new VoiceError(16114, 'recording is not available on this server') };
    const started = await recorder.start({ ...options, accountSid, callSid, source: 'StartCallRecordingAPI' }, call.leg.endpoint, call.peer?.leg.endpoint ?? null);
    if (started.ok) void call.whenEnded().then(() => started.value.stop());
    return started;
  }

  /** Ends every call (server shutdown). */
  close(): void {
    this.#ctx.placing.clear();
    for (const ring of this.#ctx.ringing.values()) ring.cancel();
    for (const call of [...this.#ctx.calls.values()]) call.end(call.answered ? 'completed' : 'canceled', 'system', { error: errorForStatus('failed') ?? new VoiceError(31005, 'the server is shutting down') });
  }

  /** Every write so far has reached the store (tests, shutdown). */
  async flushed(): Promise<void> {
    await Promise.all([...this.#ctx.calls.values()].map((c) => c.state.flushed()));
  }
}
