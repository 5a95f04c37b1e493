/**
 * One call, with the API of the Voice SDK 2.x `Call`: accept, reject, ignore, disconnect, mute,
 * sendDigits (RFC 4733, signaling fallback), sendMessage, status, parameters and the events.
 * The {@link Device} routes its signaling messages here; the media side is a {@link MediaSession}.
 */
import { parseTwilioParams } from '@denwa/protocol';
import type { AudioOutputElement } from './audio/playback.ts';
import { encodeConnectToken } from './connect-token.ts';
import { TwilioError, toTwilioError } from './errors.ts';
import { Emitter } from './events.ts';
import { voiceEventSid } from './ids.ts';
import { IceRecovery } from './media/ice-recovery.ts';
import type { MediaSession } from './media/peer-session.ts';
import { CallQuality, type CallWarningName } from './quality/call-quality.ts';
import type { QualitySample } from './quality/monitor.ts';
import type { Payload, PStream } from './signaling/pstream.ts';

/** @public */
export type CallStatus = 'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed';

/** @public */
export type CallDirection = 'INCOMING' | 'OUTGOING';

/** A user-defined call message (2.x `Call.sendMessage`). @public */
export interface CallMessage {
  readonly content: unknown;
  readonly contentType?: string;
  readonly messageType: string;
  readonly voiceEventSid?: string;
}

/** @public */
export interface CallEvents {
  accept: [call: Call];
  /** The far end's audio started playing (the element on the first speaker device). */
  audio: [remoteAudio: AudioOutputElement | null];
  ringing: [hasEarlyMedia: boolean];
  cancel: [];
  disconnect: [call: Call];
  error: [error: TwilioError];
  mute: [isMuted: boolean, call: Call];
  reconnecting: [error: TwilioError];
  reconnected: [];
  reject: [];
  messageReceived: [message: CallMessage];
  messageSent: [message: CallMessage];
  /** Every second while the call is up. */
  sample: [sample: QualitySample];
  /** Every 50 ms while the call is up: microphone and far-end levels, 0–1. */
  volume: [inputVolume: number, outputVolume: number];
  warning: [name: CallWarningName, data: { readonly name: CallWarningName; readonly values: readonly (number | null)[] }];
  'warning-cleared': [name: CallWarningName];
  /** Every quality warning change, including `constant-audio-output-level`, which 2.x does not emit (the 1.x layer does). */
  qualityChange: [name: CallWarningName, raised: boolean];
}

/** What a call needs from its device. */
export interface CallContext {
  readonly stream: () => PStream;
  readonly media: (call: Call) => MediaSession;
  readonly closed: (call: Call) => void;
  /** Digits are being sent (the device plays their sounds). */
  readonly digits: (digits: string) => void;
  /** The call's output volume changed. */
  readonly outputVolumeChanged: (call: Call) => void;
  /** Posts the user's rating to Insights. */
  readonly feedback: (call: Call, score: FeedbackScore | undefined, issue: FeedbackIssue | undefined) => void;
}

/** @public */
export type FeedbackScore = 1 | 2 | 3 | 4 | 5;

/** @public */
export type FeedbackIssue = 'dropped-call' | 'audio-latency' | 'one-way-audio' | 'choppy-audio' | 'noisy-call' | 'echo';

const FEEDBACK_ISSUES: readonly string[] = ['dropped-call', 'audio-latency', 'one-way-audio', 'choppy-audio', 'noisy-call', 'echo'];

export interface CallInit {
  readonly direction: CallDirection;
  /** The `CA…` sid (incoming) or the temporary `TJS…` id (outgoing). */
  readonly sid: string;
  readonly parameters: Record<string, string>;
  readonly customParameters: ReadonlyMap<string, string>;
  /** Incoming: the server's offer and reconnect token. */
  readonly offerSdp?: string;
  readonly reconnect?: string;
  /** Picked up on this device with another device's `connectToken` (Device.connect). */
  readonly pickup?: boolean;
}

const DIGITS = /^[0-9*#w]*$/;

export class Call extends Emitter<CallEvents> {
  readonly direction: CallDirection;
  readonly customParameters: ReadonlyMap<string, string>;
  readonly parameters: Record<string, string>;
  readonly #ctx: CallContext;
  readonly #offerSdp: string | undefined;
  readonly #pickup: boolean;
  readonly #pendingMessages = new Map<string, CallMessage>();
  #media: MediaSession | null = null;
  #status: CallStatus;
  #sid: string;
  #reconnect: string | undefined;
  #muted = false;
  #answered = false;
  #quality: CallQuality | null = null;
  #recovery: IceRecovery | null = null;
  #farEndSpeaking = false;
  #outputVolume = 1;
  #localHangup = false;
  readonly #createdAt = Date.now();

  constructor(ctx: CallContext, init: CallInit) {
    super();
    this.#ctx = ctx;
    this.direction = init.direction;
    this.#sid = init.sid;
    this.parameters = { ...init.parameters };
    this.customParameters = init.customParameters;
    this.#offerSdp = init.offerSdp;
    this.#reconnect = init.reconnect;
    this.#pickup = init.pickup === true;
    this.#status = init.direction === 'INCOMING' && !this.#pickup ? 'pending' : 'connecting';
    if (init.direction === 'INCOMING') this.parameters['CallSid'] ??= init.sid;
  }

  /** The call's sid as signaling knows it (`CA…`, or `TJS…` until an outgoing call is answered). */
  get sid(): string {
    return this.#sid;
  }

  /** True once the server assigned the `CA…` sid. */
  get hasServerSid(): boolean {
    return !this.#sid.startsWith('TJS');
  }

  /** The negotiated codec, e.g. `pcmu` or `opus` ('' before media). */
  get codec(): string {
    return this.#media?.codec ?? '';
  }

  /** A token another device of the same identity can pass to `Device.connect({connectToken})`. */
  get connectToken(): string | undefined {
    if (this.#reconnect === undefined || this.direction !== 'INCOMING') return undefined;
    return encodeConnectToken({ callSid: this.#sid, reconnect: this.#reconnect, parameters: this.parameters, customParameters: Object.fromEntries(this.customParameters) });
  }

  status(): CallStatus {
    return this.#status;
  }

  isMuted(): boolean {
    return this.#muted;
  }

  /** True when this side ended the call (disconnect or reject), false when the far end or the network did. */
  get disconnectedLocally(): boolean {
    return this.#localHangup;
  }

  /** Denwa: this call's playback volume, 0–1 (times `device.audio.outputVolume`). */
  get outputVolume(): number {
    return this.#outputVolume;
  }

  /** Denwa: sets this call's playback volume, 0–1, on every speaker device. */
  setOutputVolume(volume: number): void {
    this.#outputVolume = Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 1;
    this.#ctx.outputVolumeChanged(this);
  }

  /** Switches the microphone of a live call (device.audio.setInputDevice does this for every call). */
  async switchInput(constraints: MediaTrackConstraints | boolean): Promise<void> {
    if (this.#status === 'closed') return;
    await this.#media?.setInput(constraints);
  }

  getLocalStream(): MediaStream | undefined {
    return this.#media?.localStream;
  }

  getRemoteStream(): MediaStream | undefined {
    return this.#media?.remoteStream;
  }

  /** Outgoing: makes the offer and sends the invite (called by the device). */
  async start(params: string): Promise<void> {
    try {
      const media = this.#ensureMedia();
      const sdp = await media.createOffer();
      if (this.#status === 'closed') return;
      this.#ctx.stream().invite(this.#sid, sdp, params);
    } catch (err) {
      this.#fail(mediaError(err));
    }
  }

  /** A `connectToken` pick-up: offers and resumes the ringing call with its reconnect token (called by the device). */
  async pickUp(): Promise<void> {
    try {
      const sdp = await this.#ensureMedia().createOffer();
      if (this.#status === 'closed' || this.#reconnect === undefined) return;
      this.#ctx.stream().resume(this.#sid, this.#reconnect, sdp);
    } catch (err) {
      this.#fail(mediaError(err));
    }
  }

  /** Incoming: answers with the microphone. */
  accept(): void {
    if (this.#status !== 'pending' || this.#offerSdp === undefined) return;
    this.#status = 'connecting';
    const offer = this.#offerSdp;
    void (async () => {
      try {
        const sdp = await this.#ensureMedia().answerOffer(offer);
        if (this.#status !== 'connecting') return;
        this.#ctx.stream().answer(this.#sid, sdp);
        this.#open();
      } catch (err) {
        this.#fail(mediaError(err));
      }
    })();
  }

  /** Incoming: refuses the call (the caller hears busy). */
  reject(): void {
    if (this.#status !== 'pending') return;
    this.#ctx.stream().reject(this.#sid);
    this.#close();
    this.emit('reject');
  }

  /** Incoming: stops ringing here without telling the server (it times out or another device answers). */
  ignore(): void {
    if (this.#status !== 'pending') return;
    this.#close();
  }

  /** Hangs up. */
  disconnect(): void {
    if (this.#status === 'closed') return;
    this.#localHangup = true;
    if (this.#status === 'pending') {
      this.reject();
      return;
    }
    this.#ctx.stream().hangup(this.#sid);
    this.#close();
    this.emit('disconnect', this);
  }

  mute(shouldMute = true): void {
    const changed = this.#muted !== shouldMute;
    this.#muted = shouldMute;
    this.#media?.setMuted(shouldMute);
    if (changed) this.emit('mute', shouldMute, this);
  }

  /** Sends digits (`0-9 * #`, `w` = 500 ms pause): RFC 4733 in the media, else over signaling. */
  sendDigits(digits: string): void {
    if (!DIGITS.test(digits)) throw new TwilioError(31000, 'Illegal character passed into sendDigits');
    if (this.#status !== 'open' || digits === '') return;
    this.#ctx.digits(digits);
    if (this.#media?.insertDtmf(digits) !== true) this.#ctx.stream().dtmf(this.#sid, digits);
  }

  /** Sends a user-defined message to the server; `messageSent` follows its `ack`. Returns its `voiceEventSid`. */
  sendMessage(message: CallMessage): string {
    if (typeof message.messageType !== 'string' || message.messageType === '') throw new TwilioError(31000, 'messageType must be a non-empty string');
    if (message.content === undefined || message.content === null) throw new TwilioError(31000, 'content is empty');
    if (this.#status === 'closed' || !this.hasServerSid) throw new TwilioError(31000, 'the call has no server sid yet');
    const sid = voiceEventSid();
    const contentType = message.contentType ?? 'application/json';
    this.#pendingMessages.set(sid, { ...message, contentType, voiceEventSid: sid });
    this.#ctx.stream().message(this.#sid, message.content, contentType, message.messageType, sid);
    return sid;
  }

  /** Posts the user's rating of the call (1–5, and what went wrong) to Insights; no arguments: declined. */
  postFeedback(score?: FeedbackScore, issue?: FeedbackIssue): Promise<void> {
    if (score !== undefined && !(Number.isInteger(score) && score >= 1 && score <= 5)) {
      return Promise.reject(new TwilioError(31000, 'postFeedback: score must be an integer 1–5'));
    }
    if (issue !== undefined && !FEEDBACK_ISSUES.includes(issue)) {
      return Promise.reject(new TwilioError(31000, `postFeedback: issue must be one of ${FEEDBACK_ISSUES.join(', ')}`));
    }
    this.#ctx.feedback(this, score, issue);
    return Promise.resolve();
  }

  /** A signaling message for this call (routed by the device). */
  handle(type: string, payload: Payload): void {
    switch (type) {
      case 'ringing':
        this.#adoptSid(payload);
        if (this.#status === 'connecting') this.#status = 'ringing';
        if (typeof payload['sdp'] === 'string') this.#applyAnswer(payload['sdp']);
        this.emit('ringing', typeof payload['sdp'] === 'string');
        return;
      case 'answer':
        this.#adoptSid(payload);
        if (typeof payload['sdp'] === 'string' && this.#recovery?.answer(payload['sdp']) === true) return;
        if (typeof payload['reconnect'] === 'string') this.#reconnect = payload['reconnect'];
        if (this.#status === 'reconnecting') {
          this.#status = 'open';
          this.emit('reconnected');
          return;
        }
        if ((this.direction === 'OUTGOING' || this.#pickup) && (this.#status === 'connecting' || this.#status === 'ringing')) {
          if (typeof payload['sdp'] === 'string') this.#applyAnswer(payload['sdp']);
          this.#open();
        }
        return;
      case 'cancel':
        if (this.#status === 'pending' || this.#status === 'connecting') {
          this.#close();
          this.emit('cancel');
        }
        return;
      case 'hangup':
        if (this.#status === 'closed') return;
        if (this.#status === 'pending') {
          this.#close();
          this.emit('cancel');
          return;
        }
        this.#emitError(payload['error']);
        this.#close();
        this.emit('disconnect', this);
        return;
      case 'error':
        this.#onError(payload);
        return;
      case 'farend':
        this.#farEndSpeaking = payload['speaking'] === true;
        this.#quality?.farEnd(this.#farEndSpeaking);
        return;
      case 'ack': {
        const id = payload['voiceeventsid'];
        const message = typeof id === 'string' ? this.#pendingMessages.get(id) : undefined;
        if (typeof id === 'string' && message !== undefined) {
          this.#pendingMessages.delete(id);
          this.emit('messageSent', message);
        }
        return;
      }
      case 'message': {
        const messageType = payload['messagetype'];
        if (typeof messageType !== 'string') return;
        const contentType = typeof payload['contenttype'] === 'string' ? payload['contenttype'] : 'application/json';
        const id = typeof payload['voiceeventsid'] === 'string' ? payload['voiceeventsid'] : undefined;
        this.emit('messageReceived', { content: payload['content'], contentType, messageType, ...(id === undefined ? {} : { voiceEventSid: id }) });
        return;
      }
      default:
        return;
    }
  }

  /** The socket dropped: a call with a reconnect token waits for the resume, others end. */
  signalingLost(): void {
    if (this.#status === 'closed' || this.#status === 'pending') return;
    if (this.#reconnect === undefined || !this.hasServerSid || this.#status !== 'open') {
      this.#fail(new TwilioError(31005, 'the signaling connection was lost'));
      return;
    }
    this.#status = 'reconnecting';
    this.emit('reconnecting', new TwilioError(53001, 'signaling connection lost; reconnecting'));
  }

  /** A `connected` arrived (new socket or new token): re-bind a live call. */
  signalingConnected(): void {
    const media = this.#media;
    if (this.#reconnect === undefined || media === null || !this.hasServerSid) return;
    if (this.#status !== 'open' && this.#status !== 'reconnecting') return;
    this.#ctx.stream().resume(this.#sid, this.#reconnect, media.localSdp);
  }

  #onError(payload: Payload): void {
    const id = payload['voiceeventsid'];
    if (typeof id === 'string') this.#pendingMessages.delete(id);
    this.#emitError(payload['error']);
  }

  #emitError(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    const { code, message } = body as { code?: unknown; message?: unknown };
    this.emit('error', toTwilioError(code, message));
  }

  #adoptSid(payload: Payload): void {
    const sid = payload['callsid'];
    if (typeof sid === 'string' && sid !== '' && !this.hasServerSid) this.#sid = sid;
    if (typeof sid === 'string' && sid !== '') this.parameters['CallSid'] = sid;
  }

  #applyAnswer(sdp: string): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#media?.applyAnswer(sdp).catch((err: unknown) => {
      this.#fail(new TwilioError(31400, err instanceof Error ? err.message : String(err)));
    });
  }

  #ensureMedia(): MediaSession {
    if (this.#media === null) {
      this.#media = this.#ctx.media(this);
      this.#media.setMuted(this.#muted);
    }
    return this.#media;
  }

  #open(): void {
    if (this.#status === 'closed') return;
    this.#status = 'open';
    this.#startQuality();
    this.emit('accept', this);
  }

  #startQuality(): void {
    const media = this.#media;
    if (media === null || this.#quality !== null) return;
    const recovery = new IceRecovery(media, {
      reinvite: (sdp) => { this.#ctx.stream().reinvite(this.#sid, sdp); },
      reconnecting: () => {
        this.#status = 'reconnecting';
        this.emit('reconnecting', new TwilioError(53405, 'media connection lost; restarting ICE'));
      },
      reconnected: () => {
        if (this.#status !== 'reconnecting') return;
        this.#status = 'open';
        this.emit('reconnected');
      },
      gaveUp: () => { this.#fail(new TwilioError(31003, 'media reconnection failed')); },
    });
    this.#recovery = recovery;
    const quality = new CallQuality(media, {
      volume: (input, output) => this.emit('volume', input, output),
      sample: (sample) => this.emit('sample', sample),
      muted: () => this.#muted,
      warning: (name, raised, values) => {
        if (name === 'low-bytes-received' || name === 'low-bytes-sent') recovery.lowBytes(raised);
        this.emit('qualityChange', name, raised);
        if (name === 'constant-audio-output-level') return;
        if (raised) this.emit('warning', name, { name, values });
        else this.emit('warning-cleared', name);
      },
    }, this.#createdAt);
    this.#quality = quality;
    quality.farEnd(this.#farEndSpeaking);
    media.onIceState = (state) => {
      quality.iceState(state);
      recovery.iceState(state);
    };
    quality.start();
  }

  #fail(error: TwilioError): void {
    if (this.#status === 'closed') return;
    if (this.hasServerSid || this.direction === 'OUTGOING') this.#ctx.stream().hangup(this.#sid, error.message);
    this.emit('error', error);
    this.#close();
    this.emit('disconnect', this);
  }

  #close(): void {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    this.#quality?.stop();
    this.#recovery?.stop();
    if (this.#media !== null) this.#media.onIceState = null;
    this.#media?.close();
    this.#ctx.closed(this);
  }
}

/** getUserMedia refused (31401) or any other media setup failure (31402). */
function mediaError(err: unknown): TwilioError {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  const message = err instanceof Error ? err.message : String(err);
  return new TwilioError(name === 'NotAllowedError' || name === 'SecurityError' ? 31401 : 31402, message, err);
}

/** `Params` of an incoming invite as the custom parameters map. */
export function customParametersOf(params: unknown): Map<string, string> {
  if (typeof params !== 'string') return new Map();
  try {
    return new Map(Object.entries(parseTwilioParams(params)));
  } catch {
    return new Map();
  }
}
