/**
 * The Voice SDK 2.x `Device`: registration, outgoing and incoming calls, token updates and signaling
 * reconnection over Denwa's (or Twilio's) PStream signaling.
 */
import { encodeTwilioParams } from '@denwa/protocol';
import { TwilioError, toTwilioError } from './errors.ts';
import { AudioHelper } from './audio/audio-helper.ts';
import { browserAudioEnvironment, type AudioEnvironment, type Playback } from './audio/playback.ts';
import { defaultSoundsBase, dtmfSound, soundUrls, type SoundName, type SoundOverrides } from './audio/sounds.ts';
import { Call, customParametersOf, type CallContext } from './call.ts';
import { parseConnectToken } from './connect-token.ts';
import { Emitter } from './events.ts';
import { createSdkLogger, type LogLevel, type SdkLogger } from './log.ts';
import { postCallFeedback, watchCallInsights } from './insights/call-insights.ts';
import { InsightsPublisher, type Poster } from './insights/publisher.ts';
import { temporaryCallSid } from './ids.ts';
import { PeerSession, type MediaSession, type PeerSessionOptions } from './media/peer-session.ts';
import { PStream, type Payload } from './signaling/pstream.ts';
import type { SocketFactory } from './signaling/transport.ts';
import { signalingUris } from './signaling/uris.ts';
import { version } from './version.ts';

/** @public */
export type DeviceState = 'unregistered' | 'registering' | 'registered' | 'destroyed';

/** @public */
export interface DeviceOptions {
  /** Denwa's (or Twilio's) signaling host(s): `host:port`, `host:port/prefix`, or a full `wss://…/signal` URL. */
  readonly chunderw?: string | readonly string[];
  /** Twilio edge names (used when `chunderw` is not given and the page is not served by Denwa). */
  readonly edge?: string | readonly string[];
  /** Codec order for offers and answers (default `['pcmu', 'opus']`). */
  readonly codecPreferences?: readonly string[];
  readonly allowIncomingWhileBusy?: boolean;
  /** Ask before leaving the page while a call is up (`true`, or a message for browsers that still show one). */
  readonly closeProtection?: boolean | string;
  /** Keep calls across a signaling drop this long (announced to the server, at most 30 s). */
  readonly maxCallSignalingTimeoutMs?: number;
  /** `tokenWillExpire` fires this long before the token expires (default 10 000 ms). */
  readonly tokenRefreshMs?: number;
  /** Console output of the SDK (default `warn`). */
  readonly logLevel?: LogLevel;
  /** Post call events and quality samples to Insights (default true; Denwa receives them itself). */
  readonly publishEvents?: boolean;
  /** Sent with Insights posts as `publisher_metadata`. */
  readonly appName?: string;
  readonly appVersion?: string;
  /** Accepted for 2.x compatibility and ignored: the browser's defaults apply. */
  readonly dscp?: boolean;
  readonly forceAggressiveIceNomination?: boolean;
  readonly maxAverageBitrate?: number;
  readonly disableAudioContextSounds?: boolean;
  readonly rtcConfiguration?: RTCConfiguration;
  /** URLs replacing the default sounds (served by Denwa at `/sdk/sounds/`). */
  readonly sounds?: SoundOverrides;
  /** Tests: open sockets, media sessions and audio outputs without a browser. */
  readonly socketFactory?: SocketFactory;
  readonly mediaFactory?: (options: PeerSessionOptions) => MediaSession;
  readonly audioEnvironment?: AudioEnvironment;
  readonly insightsPoster?: Poster;
}

/** @public */
export interface ConnectOptions {
  readonly params?: Readonly<Record<string, string>>;
  /** Picks up a call ringing on another device of this identity (that call's `connectToken`). */
  readonly connectToken?: string;
  readonly rtcConfiguration?: RTCConfiguration;
}

/** @public */
export interface DeviceEvents {
  registering: [];
  registered: [];
  unregistered: [];
  incoming: [call: Call];
  error: [error: TwilioError, call?: Call];
  tokenWillExpire: [device: Device];
  destroyed: [];
}

const REREGISTER_MS = 30_000;
/** How long each DTMF key's sound is apart, and a `w` pause. */
const DTMF_SOUND_MS = 200;
const DTMF_PAUSE_MS = 500;

export class Device extends Emitter<DeviceEvents> {
  readonly #options: DeviceOptions;
  readonly #calls: Call[] = [];
  readonly #outputs = new Map<Call, Playback>();
  readonly #audio: AudioHelper;
  readonly #insights: InsightsPublisher;
  readonly #log: SdkLogger;
  #ringing: Playback | null = null;
  #token: string;
  #stream: PStream | null = null;
  #state: DeviceState = 'unregistered';
  #identity: string | null = null;
  #wantRegistered = false;
  #registerWaiters: { resolve: () => void; reject: (e: TwilioError) => void }[] = [];
  #unregisterWaiters: (() => void)[] = [];
  #reregisterTimer: ReturnType<typeof setTimeout> | null = null;
  #expiryTimer: ReturnType<typeof setTimeout> | null = null;
  #beforeUnload: ((ev: BeforeUnloadEvent) => void) | null = null;

  constructor(token: string, options: DeviceOptions = {}) {
    super();
    if (typeof token !== 'string' || token === '') throw new TwilioError(31000, 'a token string is required');
    this.#token = token;
    this.#options = options;
    this.#log = createSdkLogger(options.logLevel);
    const urls = soundUrls(defaultSoundsBase(signalingUris(options)[0]), options.sounds);
    this.#audio = new AudioHelper(options.audioEnvironment ?? browserAudioEnvironment(), {
      soundUrl: (name: SoundName) => urls.get(name) ?? null,
      error: (error) => { this.emit('error', error); },
      inputChanged: async (constraints) => { await Promise.all(this.#calls.map((c) => c.switchInput(constraints))); },
    });
    this.#insights = new InsightsPublisher({
      token: () => this.#token,
      enabled: options.publishEvents !== false,
      metadata: { ...(options.appName === undefined ? {} : { app_name: options.appName }), ...(options.appVersion === undefined ? {} : { app_version: options.appVersion }) },
      warn: (message) => { this.#log.warn(message); },
      ...(options.insightsPoster === undefined ? {} : { post: options.insightsPoster }),
    });
    this.#installCloseProtection();
  }

  /** The audio devices, their routing, the sound toggles and the output volume. */
  get audio(): AudioHelper {
    return this.#audio;
  }

  /** The SDK version. */
  static get version(): string {
    return version;
  }

  get state(): DeviceState {
    return this.#state;
  }

  get identity(): string | null {
    return this.#identity;
  }

  get token(): string {
    return this.#token;
  }

  get calls(): readonly Call[] {
    return [...this.#calls];
  }

  get isBusy(): boolean {
    return this.#calls.some((c) => c.status() !== 'pending' && c.status() !== 'closed');
  }

  /** Registers for incoming calls; resolves on `registered`, rejects on `unregistered`. */
  register(): Promise<void> {
    this.#assertAlive();
    this.#wantRegistered = true;
    if (this.#state !== 'registered') this.#setState('registering');
    const stream = this.#ensureStream();
    return new Promise((resolve, reject) => {
      this.#registerWaiters.push({ resolve, reject });
      if (stream.isOpen) stream.register(true);
    });
  }

  unregister(): Promise<void> {
    this.#assertAlive();
    this.#wantRegistered = false;
    this.#clearReregister();
    const stream = this.#stream;
    if (stream === null || this.#state === 'unregistered') return Promise.resolve();
    return new Promise((resolve) => {
      this.#unregisterWaiters.push(resolve);
      stream.register(false);
    });
  }

  /** Places a call; the promise resolves with the call as soon as it is being set up. */
  connect(options: ConnectOptions = {}): Promise<Call> {
    return Promise.resolve(this.connectCall(options));
  }

  /** {@link Device.connect} returning the call at once (Denwa; the 1.x layer uses it). */
  connectCall(options: ConnectOptions = {}): Call {
    this.#assertAlive();
    if (options.connectToken !== undefined) return this.#pickUp(options.connectToken, options.rtcConfiguration);
    const params = options.params ?? {};
    const call = new Call(this.#callContext(options.rtcConfiguration), {
      direction: 'OUTGOING',
      sid: temporaryCallSid(),
      parameters: {},
      customParameters: new Map(Object.entries(params)),
    });
    this.#calls.push(call);
    this.#watchSounds(call);
    watchCallInsights(this.#insights, call);
    this.#ensureStream();
    void call.start(encodeTwilioParams(params));
    return call;
  }

  #pickUp(connectToken: string, rtcConfiguration: RTCConfiguration | undefined): Call {
    const picked = parseConnectToken(connectToken);
    const call = new Call(this.#callContext(rtcConfiguration), {
      direction: 'INCOMING',
      sid: picked.callSid,
      parameters: picked.parameters,
      customParameters: new Map(Object.entries(picked.customParameters)),
      reconnect: picked.reconnect,
      pickup: true,
    });
    this.#calls.push(call);
    this.#watchSounds(call);
    watchCallInsights(this.#insights, call);
    this.#ensureStream();
    void call.pickUp();
    return call;
  }

  /** A new token: sent on the open socket; live calls are re-bound without touching media. */
  updateToken(token: string): void {
    this.#assertAlive();
    this.#token = token;
    this.#stream?.setToken(token);
  }

  disconnectAll(): void {
    for (const call of [...this.#calls]) call.disconnect();
  }

  /** Ends every call, closes the socket and releases the device. */
  destroy(): void {
    if (this.#state === 'destroyed') return;
    this.disconnectAll();
    this.#clearReregister();
    if (this.#expiryTimer !== null) clearTimeout(this.#expiryTimer);
    this.#stream?.destroy();
    this.#stream = null;
    if (this.#beforeUnload !== null && typeof window !== 'undefined') window.removeEventListener('beforeunload', this.#beforeUnload);
    this.#rejectRegister(new TwilioError(31000, 'the device was destroyed'));
    this.#audio.destroy();
    this.#state = 'destroyed';
    this.emit('destroyed');
  }


  #assertAlive(): void {
    if (this.#state === 'destroyed') throw new TwilioError(31000, 'the device is destroyed');
  }

  #setState(state: DeviceState): void {
    if (this.#state === state || this.#state === 'destroyed') return;
    this.#log.debug(`device ${this.#state} → ${state}`);
    this.#state = state;
    this.emit(state);
  }

  #ensureStream(): PStream {
    if (this.#stream !== null && !this.#stream.destroyed) {
      this.#stream.open();
      return this.#stream;
    }
    const reconnectTimeoutSec = Math.min(30, Math.ceil((this.#options.maxCallSignalingTimeoutMs ?? 0) / 1000));
    const stream = new PStream(this.#token, {
      uris: signalingUris(this.#options),
      reconnectTimeoutSec,
      sdkVersion: version,
      ...(this.#options.socketFactory === undefined ? {} : { socketFactory: this.#options.socketFactory }),
    });
    this.#stream = stream;
    stream.on('connected', (p) => { this.#onConnected(p); });
    stream.on('ready', () => { this.#onReady(); });
    stream.on('offline', () => { this.#onOffline(); });
    stream.on('transportClose', () => { this.#onTransportClose(); });
    stream.on('close', () => {
      this.#stream = null;
      this.#onOffline();
      this.#rejectRegister(new TwilioError(53000, 'the server closed the signaling connection'));
    });
    stream.on('invite', (p) => { this.#onInvite(p); });
    stream.on('error', (p) => { this.#onError(p); });
    for (const type of ['ringing', 'answer', 'hangup', 'cancel', 'ack', 'message', 'farend'] as const) {
      stream.on(type, (p) => { this.#route(type, p); });
    }
    stream.open();
    return stream;
  }

  #onConnected(payload: Payload): void {
    this.#insights.setHome(payload['home']);
    const token = payload['token'];
    if (typeof token === 'object' && token !== null) {
      const { identity, ttl } = token as { identity?: unknown; ttl?: unknown };
      if (typeof identity === 'string') this.#identity = identity;
      if (typeof ttl === 'number') this.#armExpiry(ttl);
    }
    if (this.#wantRegistered) this.#stream?.register(true);
    for (const call of this.#calls) call.signalingConnected();
  }

  #onReady(): void {
    this.#setState('registered');
    const waiters = this.#registerWaiters.splice(0);
    for (const w of waiters) w.resolve();
    this.#clearReregister();
    this.#reregisterTimer = setTimeout(() => {
      this.#reregisterTimer = null;
      if (this.#wantRegistered) this.#stream?.register(true);
    }, REREGISTER_MS);
  }

  #onOffline(): void {
    this.#clearReregister();
    if (this.#state === 'destroyed') return;
    this.#setState('unregistered');
    for (const resolve of this.#unregisterWaiters.splice(0)) resolve();
    if (!this.#wantRegistered) return;
    // A refused registration (error, then offline) rejects register(); a socket drop keeps it pending.
    if (this.#stream?.isOpen === true) this.#rejectRegister(new TwilioError(53000, 'the server refused the registration'));
  }

  #onTransportClose(): void {
    for (const call of [...this.#calls]) call.signalingLost();
    this.#onOffline();
    if (this.#wantRegistered && this.#state === 'unregistered') this.#setState('registering');
  }

  #onInvite(payload: Payload): void {
    const callsid = payload['callsid'];
    const sdp = payload['sdp'];
    if (typeof callsid !== 'string' || typeof sdp !== 'string' || callsid === '' || sdp === '') {
      this.emit('error', new TwilioError(31400, 'an incoming invite lacks its callsid or sdp'));
      return;
    }
    if (this.#calls.some((c) => c.sid === callsid)) return;
    if (this.isBusy && this.#options.allowIncomingWhileBusy !== true) return;
    const raw = payload['parameters'];
    const parameters: Record<string, string> = {};
    if (typeof raw === 'object' && raw !== null) {
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') parameters[k] = v;
    }
    const reconnect = payload['reconnect'];
    const call = new Call(this.#callContext(undefined), {
      direction: 'INCOMING',
      sid: callsid,
      parameters,
      customParameters: customParametersOf(parameters['Params']),
      offerSdp: sdp,
      ...(typeof reconnect === 'string' ? { reconnect } : {}),
    });
    this.#calls.push(call);
    this.#watchSounds(call);
    watchCallInsights(this.#insights, call);
    this.#updateRinging();
    this.emit('incoming', call);
  }

  #onError(payload: Payload): void {
    const callsid = payload['callsid'];
    const call = typeof callsid === 'string' ? this.#calls.find((c) => c.sid === callsid) : undefined;
    if (call !== undefined && typeof payload['voiceeventsid'] === 'string') {
      call.handle('error', payload);
      return;
    }
    const body = payload['error'];
    const { code, message } = typeof body === 'object' && body !== null ? (body as { code?: unknown; message?: unknown }) : {};
    const error = toTwilioError(code, message);
    this.#log.warn(`server error ${String(error.code)}: ${error.message}`);
    this.emit('error', error, ...(call === undefined ? [] : [call]));
  }

  /** Routes a call message by callsid; an outgoing call without its server sid yet takes the first. */
  #route(type: 'ringing' | 'answer' | 'hangup' | 'cancel' | 'ack' | 'message' | 'farend', payload: Payload): void {
    const callsid = payload['callsid'];
    let call = typeof callsid === 'string' ? this.#calls.find((c) => c.sid === callsid) : undefined;
    if (call === undefined && (type === 'ringing' || type === 'answer')) call = this.#calls.find((c) => c.direction === 'OUTGOING' && !c.hasServerSid);
    if (call === undefined && type === 'hangup' && callsid === undefined) {
      for (const c of [...this.#calls]) if (c.status() === 'open') c.handle(type, payload);
      return;
    }
    call?.handle(type, payload);
  }

  #callContext(rtcConfiguration: RTCConfiguration | undefined): CallContext {
    const configuration = rtcConfiguration ?? this.#options.rtcConfiguration;
    return {
      stream: () => this.#ensureStream(),
      media: (call) => {
        const options: PeerSessionOptions = {
          codecPreferences: this.#options.codecPreferences ?? ['pcmu', 'opus'],
          audioConstraints: () => this.#audio.audioConstraints,
          onRemoteStream: (stream) => { this.#play(call, stream); },
          ...(configuration === undefined ? {} : { rtcConfiguration: configuration }),
        };
        return (this.#options.mediaFactory ?? ((o) => new PeerSession(o)))(options);
      },
      closed: (call) => {
        const i = this.#calls.indexOf(call);
        if (i >= 0) this.#calls.splice(i, 1);
        this.#audio.stop(this.#outputs.get(call) ?? null);
        this.#outputs.delete(call);
        this.#updateRinging();
      },
      digits: (digits) => { this.#playDigits(digits); },
      outputVolumeChanged: () => { this.#audio.applyVolumes(); },
      feedback: (call, score, issue) => { postCallFeedback(this.#insights, call, score, issue); },
    };
  }

  /** Plays a call's remote audio on the speaker devices; a blocked autoplay is reported as the call's error. */
  #play(call: Call, stream: MediaStream): void {
    this.#audio.stop(this.#outputs.get(call) ?? null);
    const playback = this.#audio.play('speaker', { stream }, {
      scale: () => call.outputVolume,
      onError: (error) => { call.emit('error', error); },
    });
    this.#outputs.set(call, playback);
    call.emit('audio', playback.element);
  }

  /** The outgoing and disconnect sounds of one call, and the ring's end. */
  #watchSounds(call: Call): void {
    call.on('accept', () => {
      this.#updateRinging();
      void this.#audio.refresh();
      if (call.direction === 'OUTGOING' && this.#audio.outgoing()) this.#audio.playSound('outgoing', 'speaker');
    });
    call.on('disconnect', () => {
      if (this.#audio.disconnect()) this.#audio.playSound('disconnect', 'speaker');
    });
  }

  /** The incoming ring plays on the ringtone devices while any incoming call is pending. */
  #updateRinging(): void {
    const pending = this.#calls.some((c) => c.direction === 'INCOMING' && c.status() === 'pending');
    if (pending && this.#ringing === null && this.#audio.incoming()) this.#ringing = this.#audio.playSound('incoming', 'ringtone', true);
    if (!pending && this.#ringing !== null) {
      this.#audio.stop(this.#ringing);
      this.#ringing = null;
    }
  }

  /** Each key's sound on the speaker devices, 200 ms apart, `w` a 500 ms pause. */
  #playDigits(digits: string): void {
    let at = 0;
    for (const key of digits) {
      const name = dtmfSound(key);
      if (name === null) {
        at += DTMF_PAUSE_MS;
        continue;
      }
      if (at === 0) this.#audio.playSound(name, 'speaker');
      else setTimeout(() => { if (this.#state !== 'destroyed') this.#audio.playSound(name, 'speaker'); }, at);
      at += DTMF_SOUND_MS;
    }
  }

  #armExpiry(ttlSec: number): void {
    if (this.#expiryTimer !== null) clearTimeout(this.#expiryTimer);
    const delay = Math.max(0, ttlSec * 1000 - (this.#options.tokenRefreshMs ?? 10_000));
    this.#expiryTimer = setTimeout(() => {
      this.#expiryTimer = null;
      this.emit('tokenWillExpire', this);
    }, delay);
  }

  #rejectRegister(error: TwilioError): void {
    for (const w of this.#registerWaiters.splice(0)) w.reject(error);
  }

  #clearReregister(): void {
    if (this.#reregisterTimer !== null) clearTimeout(this.#reregisterTimer);
    this.#reregisterTimer = null;
  }

  #installCloseProtection(): void {
    const protection = this.#options.closeProtection;
    if (protection === undefined || protection === false || typeof window === 'undefined') return;
    this.#beforeUnload = (ev) => {
      if (this.isBusy) ev.preventDefault();
    };
    window.addEventListener('beforeunload', this.#beforeUnload);
  }
}
