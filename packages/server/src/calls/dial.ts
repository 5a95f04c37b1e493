/**
 * `<Dial>` with `<Client>`, `<Number>` and `<Sip>` nouns: a child call per noun (every registered
 * device of a client identity rings; a number a simulator of the virtual carrier is registered for
 * rings that simulator; any other number or SIP URI is dialed through the trunks), the first
 * answer wins, the winner is bridged to the parent until either side hangs up, `timeLimit` passes or
 * the caller presses `*` (`hangupOnStar`). The outcome feeds `<Dial action>`.
 */
import { encodeTwilioParams, TWILIO_API_VERSION, VoiceError, type CallSid } from '@denwa/protocol';
import type { ClientNoun, DialVerb, NumberNoun, SipNoun } from '../twiml/index.ts';
import { CallState } from './call-status.ts';
import { DialRecording, type DialRecordingResult } from './dial-recording.ts';
import type { EngineContext } from './engine-context.ts';
import type { MediaBridge, MediaEndpoint } from './ports.ts';
import { LiveCall } from './live-call.ts';
import { PhoneAttempt } from './phone-attempt.ts';
import { RingAttempt, type RingOutcome } from './ring.ts';
import { attachStatusCallback, type ProgressEvent } from './status-callbacks.ts';
import { simulatorConnections } from './simulators.ts';
import { resolveUrl } from './twiml-urls.ts';

export interface DialOutcome {
  readonly dialCallStatus: 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  readonly dialCallSid: CallSid | null;
  readonly dialCallDuration: number;
  readonly bridged: boolean;
  /** The `<Dial record>` recording, once stopped. */
  readonly recording: DialRecordingResult | null;
}

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_TIME_LIMIT_S = 14_400;

type DialNoun = ClientNoun | NumberNoun | SipNoun;

interface Child {
  readonly noun: DialNoun;
  readonly state: CallState;
  readonly ring: RingAttempt | PhoneAttempt;
  live: LiveCall | null;
}

function nounTarget(noun: DialNoun): string {
  return noun.noun === 'Client' ? `client:${noun.identity}` : noun.noun === 'Number' ? noun.number : noun.uri;
}

function incomingParameters(child: CallState, noun: DialNoun): Record<string, string> {
  const r = child.record;
  const parameters: Record<string, string> = { CallSid: r.sid, AccountSid: r.accountSid, From: r.from, To: r.to, ApiVersion: TWILIO_API_VERSION };
  if (noun.noun === 'Client' && noun.parameters.length > 0) {
    const custom: Record<string, string> = {};
    for (const p of noun.parameters) custom[p.name] = p.value ?? '';
    parameters['Params'] = encodeTwilioParams(custom);
  }
  return parameters;
}

export async function runDial(ctx: EngineContext, parent: LiveCall, verb: DialVerb, baseUrl: string | null = null): Promise<DialOutcome> {
  const dialable = (n: DialVerb['nouns'][number]): n is DialNoun => n.noun === 'Client' || n.noun === 'Number' || n.noun === 'Sip';
  const nouns = verb.nouns.filter(dialable);
  for (const other of verb.nouns.filter((n) => !dialable(n))) {
    parent.state.event(ctx.clock.now(), { event: 'unsupported', noun: other.noun, line: other.line });
  }
  const failed: DialOutcome = { dialCallStatus: 'failed', dialCallSid: null, dialCallDuration: 0, bridged: false, recording: null };
  if (nouns.length === 0) return failed;
  const codec = parent.leg.endpoint?.codec?.name;
  if (!verb.answerOnBridge) ctx.answer(parent);

  const timeoutMs = Math.min(600, Math.max(1, verb.timeout ?? DEFAULT_TIMEOUT_S)) * 1000;
  const early = new EarlyMedia(ctx, parent);
  const recording = new DialRecording(ctx, parent, verb, (url) => resolveUrl(url, baseUrl));
  const children: Child[] = [];
  for (const noun of nouns.slice(0, 10)) {
    const now = ctx.clock.now();
    const sid = ctx.ids.sid('call');
    const state = new CallState(
      {
        sid, accountSid: parent.state.accountSid, parentCallSid: parent.sid, applicationSid: null, phoneNumberSid: null, trunkSid: null,
        from: verb.callerId ?? parent.state.record.from, to: nounTarget(noun), callerName: null, forwardedFrom: null,
        direction: 'outbound-dial', status: 'queued', answeredBy: null, startTime: now, answerTime: null, endTime: null,
        duration: null, hangupSource: null, errorCode: null, dateCreated: now, dateUpdated: now,
      },
      ctx.store,
      ctx.onStoreError,
    );
    if (noun.statusCallback !== undefined) {
      const events = new Set<ProgressEvent>(noun.statusCallbackEvent ?? ['completed']);
      attachStatusCallback(state, { url: noun.statusCallback, method: noun.statusCallbackMethod ?? 'POST', events }, ctx.webhooks, ctx.log);
    }
    state.transition('initiated', now);
    const holder: { live: LiveCall | null } = { live: null };
    const onWinnerEvent = (event: Parameters<EngineContext['mediaEvent']>[1]): void => { if (holder.live !== null) ctx.mediaEvent(holder.live, event); };
    let ring: RingAttempt | PhoneAttempt;
    // A number whose simulator (the virtual carrier's phone) is registered rings it like a client.
    const simulators = noun.noun === 'Number' ? simulatorConnections(ctx.clients, parent.state.accountSid, noun.number) : [];
    if (noun.noun === 'Client' || simulators.length > 0) {
      const client = new RingAttempt(ctx.media, ctx.clock, {
        callSid: sid,
        connections: noun.noun === 'Client' ? ctx.clients.registered(parent.state.accountSid, noun.identity) : simulators,
        codecs: codec === undefined ? ['PCMU', 'opus'] : [codec],
        parameters: incomingParameters(state, noun),
        reconnect: ctx.mintReconnect(sid),
        timeoutMs,
        onWinnerEvent,
      });
      if (!client.settled) state.transition('ringing', ctx.clock.now());
      ctx.ringing.set(sid, client);
      ring = client;
    } else {
      ring = dialPhone(ctx, state, noun, holder, { timeoutMs, codec, onWinnerEvent, onEarlyMedia: (endpoint) => { early.start(endpoint); recording.childMedia(endpoint); } });
    }
    const child: Child = { noun, state, ring, live: null };
    children.push(child);
    void ring.outcome.then((outcome) => {
      ctx.ringing.delete(sid);
      if (outcome.kind === 'answered') {
        const live = new LiveCall(state, { connection: outcome.connection, endpoint: outcome.endpoint, reconnect: ctx.mintReconnect(sid), phone: outcome.phone ?? null }, false, ctx.clock);
        live.answered = true;
        holder.live = live;
        child.live = live;
        ctx.calls.set(sid, live);
        state.transition('in-progress', ctx.clock.now());
      } else {
        endUnanswered(ctx, state, outcome);
      }
    });
  }

  recording.ringing();
  // The caller hanging up while the children ring cancels them.
  const parentEnded = parent.whenEnded().then(() => {
    for (const c of children) c.ring.cancel();
  });
  const outcomes = await firstAnswerOrAll(children.map((c) => c.ring.outcome));
  void parentEnded;
  const winner = children.find((c) => c.live !== null && outcomes.some((o) => o.kind === 'answered'));
  early.stop();
  for (const c of children) if (c !== winner) c.ring.cancel();

  if (winner?.live === undefined || winner.live === null) {
    const kinds = outcomes.map((o) => o.kind);
    const status = parent.hasEnded() ? 'canceled' : kinds.includes('busy') ? 'busy' : kinds.includes('no-answer') ? 'no-answer' : 'failed';
    return { dialCallStatus: status, dialCallSid: children[0]?.state.sid ?? null, dialCallDuration: 0, bridged: false, recording: await recording.end() };
  }
  return bridgeUntilEnd(ctx, parent, winner.live, verb, recording);
}

/** A `<Number>` or `<Sip>` child: dialed through the trunks (failed at once when none is configured). */
function dialPhone(
  ctx: EngineContext,
  state: CallState,
  noun: NumberNoun | SipNoun,
  holder: { live: LiveCall | null },
  o: {
    readonly timeoutMs: number;
    readonly codec: string | undefined;
    readonly onWinnerEvent: (event: Parameters<EngineContext['mediaEvent']>[1]) => void;
    readonly onEarlyMedia: (endpoint: MediaEndpoint) => void;
  },
): PhoneAttempt {
  const credentials = noun.noun === 'Sip' && noun.username !== undefined ? { username: noun.username, password: noun.password ?? '' } : undefined;
  const driver = ctx.phone ?? { dial: () => Promise.resolve({ ok: false as const, error: new VoiceError(13224, 'no SIP trunk is configured for the phone network') }) };
  return new PhoneAttempt(driver, ctx.clock, {
    request: {
      accountSid: state.accountSid, callSid: state.sid, to: nounTarget(noun), from: state.record.from,
      codecs: o.codec === undefined ? ['PCMU', 'PCMA'] : [o.codec], label: state.sid, ...(credentials === undefined ? {} : { credentials }),
    },
    timeoutMs: o.timeoutMs,
    onWinnerEvent: o.onWinnerEvent,
    onRinging: (early) => {
      if (state.record.status === 'initiated') state.transition('ringing', ctx.clock.now());
      if (early !== null) o.onEarlyMedia(early);
    },
    onHangup: (end) => { holder.live?.end('completed', 'callee', { notifyBrowser: false, ...(end.kind === 'hangup' && end.error !== undefined ? { error: end.error } : {}) }); },
    onDigits: (digits) => { holder.live?.dtmf(digits, 'signaling'); },
  });
}

/** `<Number sendDigits>` of the noun that answered. */
function winnerDigits(verb: DialVerb, child: LiveCall): string | null {
  const noun = verb.nouns.find((n) => n.noun === 'Number' && n.number === child.state.record.to);
  return noun?.noun === 'Number' && noun.sendDigits !== undefined && noun.sendDigits !== '' ? noun.sendDigits : null;
}

/** Plays digits to the answered leg as RFC 4733 events; `w` waits half a second. */
async function playDigits(ctx: EngineContext, call: LiveCall, digits: string): Promise<void> {
  const wait = (ms: number): Promise<void> => new Promise((resolve) => { ctx.clock.setTimeout(resolve, ms); });
  await wait(500);
  for (const chunk of digits.split(/(w+)/i)) {
    if (call.hasEnded()) return;
    if (/^w+$/i.test(chunk)) await wait(500 * chunk.length);
    else if (chunk !== '') {
      call.leg.endpoint?.sendDigits?.(chunk);
      await wait(chunk.length * 200);
    }
  }
}

/**
 * Early media (180/183 with SDP) of a dialed phone leg reaches the caller before the answer: the first
 * one is bridged, and a browser caller not yet answered gets `ringing` with its answer SDP
 * (twilio-signaling.md §4.3), so ringback and announcements play.
 */
class EarlyMedia {
  readonly #ctx: EngineContext;
  readonly #parent: LiveCall;
  #bridge: MediaBridge | null = null;
  #done = false;

  constructor(ctx: EngineContext, parent: LiveCall) {
    this.#ctx = ctx;
    this.#parent = parent;
  }

  start(endpoint: MediaEndpoint): void {
    const parent = this.#parent;
    const own = parent.leg.endpoint;
    if (this.#done || this.#bridge !== null || own === null || parent.hasEnded()) return;
    if (!parent.answered && parent.state.record.direction === 'inbound') {
      parent.leg.connection?.sendRinging(parent.sid, own.localSdp);
      parent.leg.phone?.early?.();
    }
    this.#bridge = this.#ctx.media.bridge(own, endpoint);
  }

  stop(): void {
    this.#done = true;
    this.#bridge?.close();
    this.#bridge = null;
  }
}

function endUnanswered(ctx: EngineContext, state: CallState, outcome: RingOutcome): void {
  const now = ctx.clock.now();
  switch (outcome.kind) {
    case 'busy':
      state.transition('busy', now, { hangupSource: 'callee' }, { status: 'busy', source: 'callee', errorCode: 31486 });
      break;
    case 'no-answer':
      state.transition('no-answer', now, { hangupSource: 'timeout' }, { status: 'no-answer', source: 'timeout' });
      break;
    case 'failed':
      state.transition('failed', now, { hangupSource: 'system', errorCode: outcome.error.code }, { status: 'failed', source: 'system', errorCode: outcome.error.code });
      break;
    case 'canceled':
      state.transition('canceled', now, { hangupSource: 'caller' }, { status: 'canceled', source: 'caller' });
      break;
    case 'answered':
      break;
  }
}

/** Resolves with every outcome once one is `answered` or all are settled. */
function firstAnswerOrAll(outcomes: readonly Promise<RingOutcome>[]): Promise<RingOutcome[]> {
  return new Promise((resolve) => {
    const results: (RingOutcome | undefined)[] = outcomes.map(() => undefined);
    let pending = outcomes.length;
    outcomes.forEach((p, i) => {
      void p.then((o) => {
        results[i] = o;
        pending--;
        if (o.kind === 'answered' || pending === 0) resolve(results.filter((r): r is RingOutcome => r !== undefined));
      });
    });
  });
}

async function bridgeUntilEnd(ctx: EngineContext, parent: LiveCall, child: LiveCall, verb: DialVerb, recording: DialRecording): Promise<DialOutcome> {
  const answeredAt = ctx.clock.now();
  if (parent.hasEnded()) {
    child.end('completed', 'caller');
    return { dialCallStatus: 'canceled', dialCallSid: child.sid, dialCallDuration: 0, bridged: false, recording: await recording.end() };
  }
  ctx.answer(parent);
  const a = parent.leg.endpoint;
  const b = child.leg.endpoint;
  if (a !== null && b !== null) {
    const bridge = ctx.media.bridge(a, b);
    parent.bridge = bridge;
    child.bridge = bridge;
  }
  parent.peer = child;
  child.peer = parent;
  recording.answered(b);
  // Recordings already running on either call (REST `Calls/{Sid}/Recordings`) record the bridged leg too.
  for (const r of ctx.recorder?.activeForCall(parent.sid) ?? []) r.setLegs(a, b);
  for (const r of ctx.recorder?.activeForCall(child.sid) ?? []) r.setLegs(b, a);
  const digits = winnerDigits(verb, child);
  if (digits !== null) void playDigits(ctx, child, digits);
  const limitMs = Math.max(1, verb.timeLimit ?? DEFAULT_TIME_LIMIT_S) * 1000;
  const timer = ctx.clock.setTimeout(() => { child.end('completed', 'timeout'); }, limitMs);
  const unsubscribe = verb.hangupOnStar === true
    ? parent.onDtmf((digits) => { if (digits.includes('*')) child.end('completed', 'caller'); })
    : () => undefined;
  await Promise.race([parent.whenEnded(), child.whenEnded()]);
  ctx.clock.clearTimeout(timer);
  unsubscribe();
  parent.peer = null;
  child.peer = null;
  parent.bridge?.close();
  parent.bridge = null;
  // The caller hung up: the callee is hung up too.
  if (parent.hasEnded()) child.end('completed', 'caller');
  const duration = Math.max(0, Math.round((ctx.clock.now() - answeredAt) / 1000));
  return { dialCallStatus: 'completed', dialCallSid: child.sid, dialCallDuration: duration, bridged: true, recording: await recording.end() };
}
