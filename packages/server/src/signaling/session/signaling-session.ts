/**
 * One browser's signaling connection (twilio-signaling.md §3–§4, §11.1): decodes its frames,
 * processes them strictly in order (a slow `listen` finishes before the next frame), speaks for the
 * call engine towards the browser ({@link ClientConnection}), keeps its heartbeat, presence and
 * token expiry. Pure of sockets: text in, text out through {@link SessionTransport}.
 */
import {
  HEARTBEAT_FRAME,
  VoiceError,
  checkCallMessage,
  decodeClientFrame,
  encodeServerMessage,
  parseTwilioParams,
  signalingErrorBody,
  signalingErrorMessage,
  type AccountSid,
  type CallSid,
  type ClientMessage,
  type JsonValue,
  type ServerMessage,
} from '@denwa/protocol';
import type { CallMessage, ClientCalls, ClientConnection, IncomingCallParameters } from '../../calls/index.ts';
import type { Clock, Logger, TimerHandle } from '../../core/index.ts';
import { ttlRemainingSec, type VerifiedToken } from '../auth/index.ts';
import type { PresenceRegistry } from './presence.ts';

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const LIVENESS_TIMEOUT_MS = 30_000;
export const MAX_QUEUED_FRAMES = 64;
/** `reconnectTimeout` is capped by the SDK at 30 s; Denwa honours at most that. */
export const MAX_RECONNECT_GRACE_SEC = 30;

export interface SessionTransport {
  send(text: string): void;
  close(): void;
}

export interface SessionDeps {
  readonly calls: ClientCalls;
  readonly presence: PresenceRegistry;
  /** Verifies a token; rejects with a `VoiceError` (31204, 31205, …). */
  readonly verifyToken: (token: string) => Promise<VerifiedToken>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Values of `connected`. */
  readonly region: string;
  readonly edge: string;
  readonly home: string | null;
}

let sessionSequence = 0;

export class SignalingSession implements ClientConnection {
  readonly id: string;
  readonly #deps: SessionDeps;
  readonly #transport: SessionTransport;
  readonly #queue: string[] = [];
  readonly #temporary = new Map<string, CallSid>();
  #token: VerifiedToken | null = null;
  #reconnectGraceSec = 0;
  #draining = false;
  #closed = false;
  #lastInbound: number;
  #heartbeat: TimerHandle | null = null;
  #expiry: TimerHandle | null = null;

  constructor(deps: SessionDeps, transport: SessionTransport) {
    this.#deps = deps;
    this.#transport = transport;
    this.id = `SS${String(++sessionSequence)}`;
    this.#lastInbound = deps.clock.now();
    this.#scheduleHeartbeat();
  }

  get accountSid(): AccountSid {
    return this.#token?.accountSid ?? ('' as AccountSid);
  }

  get identity(): string {
    return this.#token?.identity ?? 'Anonymous';
  }

  #scheduleHeartbeat(): void {
    this.#heartbeat = this.#deps.clock.setTimeout(() => {
      if (this.#closed) return;
      if (this.#deps.clock.now() - this.#lastInbound >= LIVENESS_TIMEOUT_MS) {
        this.#deps.log.info({ session: this.id }, 'signaling socket silent; closing');
        this.#transport.close();
        return;
      }
      this.#transport.send(HEARTBEAT_FRAME);
      this.#scheduleHeartbeat();
    }, HEARTBEAT_INTERVAL_MS);
  }

  #send(message: ServerMessage): void {
    if (this.#closed) return;
    this.#transport.send(encodeServerMessage(message));
  }

  #error(error: VoiceError, callsid?: string, voiceeventsid?: string): void {
    this.#send(signalingErrorMessage(error, { callsid, voiceeventsid }));
  }

  /** One text frame from the socket. Never throws. */
  receive(text: string): void {
    if (this.#closed) return;
    this.#lastInbound = this.#deps.clock.now();
    if (text === HEARTBEAT_FRAME) return;
    if (this.#queue.length >= MAX_QUEUED_FRAMES) {
      this.#error(new VoiceError(31206, 'too many signaling frames queued on this connection'));
      this.#transport.close();
      return;
    }
    this.#queue.push(text);
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let text = this.#queue.shift(); text !== undefined && !this.#closed; text = this.#queue.shift()) {
        try {
          await this.#handle(text);
        } catch (err) {
          this.#deps.log.error({ err, session: this.id }, 'signaling frame handling failed');
          this.#error(new VoiceError(31000, 'internal error'));
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #handle(text: string): Promise<void> {
    const frame = decodeClientFrame(text);
    if (frame.kind === 'heartbeat') return;
    if (frame.kind === 'error') {
      this.#deps.log.debug({ session: this.id, code: frame.error.code, type: frame.type }, 'malformed signaling frame');
      this.#error(frame.error, frame.callsid, frame.voiceeventsid);
      return;
    }
    const message = frame.message;
    this.#deps.log.debug({ session: this.id, type: message.type }, 'signaling frame');
    if (message.type === 'listen') {
      await this.#listen(message.payload.token, message.payload.reconnectTimeout);
      return;
    }
    if (this.#token === null) {
      this.#error(new VoiceError(31204, `${message.type} before a successful listen`), 'callsid' in message.payload ? message.payload.callsid : undefined);
      return;
    }
    await this.#dispatch(message, this.#token);
  }

  async #listen(token: string, reconnectTimeout: number | undefined): Promise<void> {
    const refresh = this.#token !== null;
    let verified: VerifiedToken;
    try {
      verified = await this.#deps.verifyToken(token);
    } catch (err) {
      const error = err instanceof VoiceError ? err : new VoiceError(31204, 'the token could not be verified');
      this.#error(error);
      if (!refresh) {
        this.#send({ type: 'close', payload: {} });
        this.#transport.close();
      }
      return;
    }
    if (this.#closed) return;
    if (refresh && this.#token !== null && (verified.accountSid !== this.#token.accountSid || verified.identity !== this.#token.identity)) {
      this.#deps.presence.unregister(this);
    }
    this.#token = verified;
    this.#reconnectGraceSec = Math.min(MAX_RECONNECT_GRACE_SEC, reconnectTimeout ?? 0);
    const now = this.#deps.clock.now();
    const d = this.#deps;
    this.#send({
      type: 'connected',
      payload: { region: d.region, edge: d.edge, ...(d.home === null ? {} : { home: d.home }), token: { identity: verified.identity ?? '', ttl: ttlRemainingSec(verified, now) } },
    });
    if (this.#expiry !== null) d.clock.clearTimeout(this.#expiry);
    this.#expiry = d.clock.setTimeout(() => { this.#expired(); }, Math.max(0, verified.expiresAt * 1000 - now));
  }

  #expired(): void {
    if (this.#closed) return;
    this.#error(new VoiceError(31205, 'the token expired; send listen with a new token'));
    this.#deps.presence.unregister(this);
    this.#send({ type: 'offline', payload: {} });
  }

  #callSid(callsid: string): CallSid {
    return this.#temporary.get(callsid) ?? (callsid as CallSid);
  }

  async #dispatch(message: Exclude<ClientMessage, { type: 'listen' }>, token: VerifiedToken): Promise<void> {
    const calls = this.#deps.calls;
    switch (message.type) {
      case 'register':
        this.#register(message.payload.media.audio, token);
        return;
      case 'invite': {
        const p = message.payload;
        if (p.reconnect !== undefined) {
          const result = await calls.resume(this, p.callsid as CallSid, p.reconnect, p.sdp);
          if (result.ok) this.#send({ type: 'answer', payload: { callsid: p.callsid, reconnect: result.value.reconnect, ...(result.value.sdp === null ? {} : { sdp: result.value.sdp }) } });
          else this.#send({ type: 'hangup', payload: { callsid: p.callsid, error: signalingErrorBody(result.error) } });
          return;
        }
        this.#invite(p.callsid, p.sdp, p.twilio.params, token);
        return;
      }
      case 'answer':
        calls.answer(this, this.#callSid(message.payload.callsid), message.payload.sdp);
        return;
      case 'reject':
        calls.reject(this, this.#callSid(message.payload.callsid));
        return;
      case 'hangup':
        calls.hangup(this, this.#callSid(message.payload.callsid));
        return;
      case 'dtmf':
        calls.dtmf(this, this.#callSid(message.payload.callsid), message.payload.dtmf);
        return;
      case 'reinvite': {
        const result = calls.reinvite(this, this.#callSid(message.payload.callsid), message.payload.sdp);
        if (result.ok) this.#send({ type: 'answer', payload: { callsid: message.payload.callsid, sdp: result.value } });
        else this.#send({ type: 'hangup', payload: { callsid: message.payload.callsid, error: signalingErrorBody(result.error) } });
        return;
      }
      case 'message': {
        const p = message.payload;
        const refused = checkCallMessage(p) ?? calls.message(this, this.#callSid(p.callsid), { content: p.content, contentType: p.contenttype, messageType: p.messagetype, voiceEventSid: p.voiceeventsid });
        if (refused === null) this.#send({ type: 'ack', payload: { acktype: 'message', callsid: p.callsid, voiceeventsid: p.voiceeventsid } });
        else this.#error(refused, p.callsid, p.voiceeventsid);
        return;
      }
    }
  }

  #register(audio: boolean, token: VerifiedToken): void {
    const presence = this.#deps.presence;
    if (!audio) {
      presence.unregister(this);
      this.#send({ type: 'offline', payload: {} });
      return;
    }
    if (!token.incoming || token.identity === null) {
      this.#error(new VoiceError(31201, 'the token does not allow incoming calls'));
      this.#send({ type: 'offline', payload: {} });
      return;
    }
    presence.register(this);
    this.#send({ type: 'ready', payload: {} });
  }

  #invite(callsid: string, sdp: string, encodedParams: string | undefined, token: VerifiedToken): void {
    const outgoing = token.outgoing;
    if (outgoing === null) {
      this.#send({ type: 'hangup', payload: { callsid, error: signalingErrorBody(new VoiceError(31201, 'the token does not allow outgoing calls')) } });
      return;
    }
    let custom: Record<string, string>;
    try {
      custom = parseTwilioParams(encodedParams);
    } catch (err) {
      const error = err instanceof VoiceError ? err : new VoiceError(31100, 'bad twilio.params');
      this.#send({ type: 'hangup', payload: { callsid, error: signalingErrorBody(error) } });
      return;
    }
    if (this.#temporary.size >= 256) this.#temporary.clear();
    const sid = this.#deps.calls.placeCall({
      connection: this,
      accountSid: token.accountSid,
      applicationSid: outgoing.applicationSid,
      params: { ...outgoing.params, ...custom },
      offerSdp: sdp,
    });
    this.#temporary.set(callsid, sid);
  }

  // ── ClientConnection: what the call engine sends to this browser ─────────────────────────────

  sendRinging(callSid: CallSid, sdp?: string): void {
    this.#send({ type: 'ringing', payload: { callsid: callSid, ...(sdp === undefined ? {} : { sdp }) } });
  }

  sendAnswer(callSid: CallSid, sdp: string | null, reconnect: string): void {
    this.#send({ type: 'answer', payload: { callsid: callSid, reconnect, ...(sdp === null ? {} : { sdp }) } });
  }

  sendInvite(callSid: CallSid, sdp: string, parameters: IncomingCallParameters, reconnect: string): void {
    const p = parameters;
    const wire = {
      CallSid: callSid,
      AccountSid: p['AccountSid'] ?? this.accountSid,
      From: p['From'] ?? '',
      To: p['To'] ?? `client:${this.identity}`,
      ApiVersion: p['ApiVersion'] ?? '2010-04-01',
      ...(p['Params'] === undefined ? {} : { Params: p['Params'] }),
      ...(p['StirStatus'] === undefined ? {} : { StirStatus: p['StirStatus'] }),
    };
    this.#send({ type: 'invite', payload: { callsid: callSid, sdp, parameters: wire, reconnect } });
  }

  sendCancel(callSid: CallSid): void {
    this.#send({ type: 'cancel', payload: { callsid: callSid } });
  }

  sendFarEndSpeech(callSid: CallSid, speaking: boolean): void {
    this.#send({ type: 'farend', payload: { callsid: callSid, speaking } });
  }

  sendHangup(callSid: CallSid, error?: VoiceError): void {
    this.#send({ type: 'hangup', payload: { callsid: callSid, ...(error === undefined ? {} : { error: signalingErrorBody(error) }) } });
  }

  sendCallMessage(callSid: CallSid, message: CallMessage): void {
    this.#send({
      type: 'message',
      payload: { callsid: callSid, content: message.content as JsonValue, contenttype: message.contentType, messagetype: message.messageType, voiceeventsid: message.voiceEventSid },
    });
  }

  /**
   * The socket closed. Presence and calls are kept for the announced `reconnectTimeout`, then the
   * engine is told the connection is gone.
   */
  socketClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    const clock = this.#deps.clock;
    if (this.#heartbeat !== null) clock.clearTimeout(this.#heartbeat);
    if (this.#expiry !== null) clock.clearTimeout(this.#expiry);
    const gone = (): void => {
      this.#deps.presence.unregister(this);
      if (this.#token !== null) this.#deps.calls.connectionLost(this);
    };
    if (this.#reconnectGraceSec > 0) clock.setTimeout(gone, this.#reconnectGraceSec * 1000);
    else gone();
  }
}
