/**
 * The Twilio Client 1.x API (`Twilio.Device.setup`, handler-registering methods, `Connection`) on top of
 * the 2.x {@link Device}, so pages written for the 1.x SDK (the hands-on guide's `quickstart.js`) run
 * unchanged. `Twilio.Device` is a class: `new Twilio.Device(token, options)` is the 2.x API, and its
 * static members are the 1.x singleton.
 */
import type { TwilioError } from './errors.ts';
import type { AudioHelper } from './audio/audio-helper.ts';
import type { Call, CallStatus } from './call.ts';
import { Device, type DeviceOptions } from './device.ts';
import { Emitter } from './events.ts';

/** 1.x `Device.status()`. @public */
export type DeviceStatusV1 = 'ready' | 'offline' | 'busy';

/** 1.x `Connection.status()` (`ringing` only with `enableRingingState`). @public */
export type ConnectionStatus = 'pending' | 'connecting' | 'ringing' | 'open' | 'closed';

/** An error as 1.x handlers receive it. @public */
export interface ErrorV1 {
  readonly code: number;
  readonly message: string;
  readonly twilioError: TwilioError;
  readonly connection?: Connection;
}

/** @public */
export interface ConnectionEvents {
  accept: [conn: Connection];
  cancel: [];
  disconnect: [conn: Connection];
  error: [error: ErrorV1];
  mute: [isMuted: boolean, conn: Connection];
  reject: [];
  ringing: [hasEarlyMedia: boolean];
  reconnecting: [error: ErrorV1];
  reconnected: [];
  warning: [name: string];
  'warning-cleared': [name: string];
  volume: [inputVolume: number, outputVolume: number];
}

function errorV1(error: TwilioError, connection?: Connection): ErrorV1 {
  return { code: error.code, message: error.message, twilioError: error, ...(connection === undefined ? {} : { connection }) };
}

/** A 1.x `Connection` around a 2.x {@link Call}. @public */
export class Connection extends Emitter<ConnectionEvents> {
  readonly call: Call;
  #ringingState: boolean;

  constructor(call: Call, ringingState: boolean) {
    super();
    this.call = call;
    this.#ringingState = ringingState;
    call.on('accept', () => this.emit('accept', this));
    call.on('cancel', () => this.emit('cancel'));
    call.on('disconnect', () => this.emit('disconnect', this));
    call.on('error', (e) => this.emit('error', errorV1(e, this)));
    call.on('mute', (muted) => this.emit('mute', muted, this));
    call.on('reject', () => this.emit('reject'));
    call.on('ringing', (early) => { if (this.#ringingState) this.emit('ringing', early); });
    call.on('reconnecting', (e) => this.emit('reconnecting', errorV1(e, this)));
    call.on('reconnected', () => this.emit('reconnected'));
    call.on('volume', (input, output) => this.emit('volume', input, output));
    // 1.x also reports constant-audio-output-level, which 2.x keeps to Insights.
    call.on('qualityChange', (name, raised) => this.emit(raised ? 'warning' : 'warning-cleared', name));
  }

  get parameters(): Record<string, string> {
    return this.call.parameters;
  }

  get customParameters(): ReadonlyMap<string, string> {
    return this.call.customParameters;
  }

  /** `accept()` answers; `accept(handler)` registers an accept handler. */
  accept(handler?: (conn: Connection) => void): void {
    if (typeof handler === 'function') this.on('accept', handler);
    else this.call.accept();
  }

  reject(handler?: () => void): void {
    if (typeof handler === 'function') this.on('reject', handler);
    else this.call.reject();
  }

  disconnect(handler?: (conn: Connection) => void): void {
    if (typeof handler === 'function') this.on('disconnect', handler);
    else this.call.disconnect();
  }

  cancel(handler: () => void): void {
    this.on('cancel', handler);
  }

  error(handler: (error: ErrorV1) => void): void {
    this.on('error', handler);
  }

  ignore(handler?: () => void): void {
    if (typeof handler === 'function') this.on('cancel', handler);
    else this.call.ignore();
  }

  /** `mute(bool)` mutes or unmutes; `mute(handler)` registers a mute handler. */
  mute(arg: boolean | ((isMuted: boolean, conn: Connection) => void) = true): void {
    if (typeof arg === 'function') this.on('mute', arg);
    else this.call.mute(arg);
  }

  /** Registers a volume handler (`(inputVolume, outputVolume)`). */
  volume(handler: (inputVolume: number, outputVolume: number) => void): void {
    this.on('volume', handler);
  }

  isMuted(): boolean {
    return this.call.isMuted();
  }

  sendDigits(digits: string): void {
    this.call.sendDigits(digits);
  }

  status(): ConnectionStatus {
    const s: CallStatus = this.call.status();
    if (s === 'reconnecting') return 'open';
    if (s === 'ringing' && !this.#ringingState) return 'connecting';
    return s;
  }

  getLocalStream(): MediaStream | undefined {
    return this.call.getLocalStream();
  }

  getRemoteStream(): MediaStream | undefined {
    return this.call.getRemoteStream();
  }
}

/** 1.x `Device.setup` options (those that matter here; others are accepted and ignored). @public */
export interface SetupOptionsV1 extends Omit<DeviceOptions, 'socketFactory' | 'mediaFactory' | 'audioEnvironment' | 'insightsPoster'> {
  /** Connect without registering for incoming calls. */
  readonly noRegister?: boolean;
  /** Emit `ringing` and report the `ringing` status. */
  readonly enableRingingState?: boolean;
  readonly debug?: boolean;
}

/** @public */
export interface SoundTogglesV1 {
  incoming(enable?: boolean): boolean;
  outgoing(enable?: boolean): boolean;
  disconnect(enable?: boolean): boolean;
}

/** @public */
export interface DeviceV1Events {
  ready: [device: DeviceV1];
  offline: [device: DeviceV1];
  incoming: [conn: Connection];
  connect: [conn: Connection];
  disconnect: [conn: Connection];
  cancel: [conn: Connection];
  error: [error: ErrorV1];
}

/** The 1.x singleton `Twilio.Device`. @public */
export class DeviceV1 extends Emitter<DeviceV1Events> {
  #device: Device | null = null;
  #ringingState = false;
  readonly #connections: Connection[] = [];

  /** The 2.x device underneath (null before `setup`). */
  get device(): Device | null {
    return this.#device;
  }

  /** The AudioHelper (null before `setup`, as in 1.x). */
  get audio(): AudioHelper | null {
    return this.#device?.audio ?? null;
  }

  /** 1.x sound toggles: `sounds.incoming(false)` silences the ring, and so on. */
  get sounds(): SoundTogglesV1 {
    const audio = (): AudioHelper | null => this.#device?.audio ?? null;
    return {
      incoming: (enable?: boolean) => audio()?.incoming(enable) ?? true,
      outgoing: (enable?: boolean) => audio()?.outgoing(enable) ?? true,
      disconnect: (enable?: boolean) => audio()?.disconnect(enable) ?? true,
    };
  }

  /** Creates the device and registers (unless `noRegister`); again with a new token, refreshes it. */
  setup(token: string, options: SetupOptionsV1 = {}): this {
    if (this.#device !== null && this.#device.state !== 'destroyed') {
      this.#device.updateToken(token);
      return this;
    }
    this.#ringingState = options.enableRingingState === true;
    const device = new Device(token, options);
    this.#device = device;
    device.on('registered', () => this.emit('ready', this));
    device.on('unregistered', () => this.emit('offline', this));
    device.on('error', (e) => this.emit('error', errorV1(e)));
    device.on('incoming', (call) => { this.emit('incoming', this.#wrap(call)); });
    if (options.noRegister !== true) device.register().catch(() => undefined);
    return this;
  }

  ready(handler: (device: DeviceV1) => void): this {
    return this.on('ready', handler);
  }

  offline(handler: (device: DeviceV1) => void): this {
    return this.on('offline', handler);
  }

  incoming(handler: (conn: Connection) => void): this {
    return this.on('incoming', handler);
  }

  cancel(handler: (conn: Connection) => void): this {
    return this.on('cancel', handler);
  }

  error(handler: (error: ErrorV1) => void): this {
    return this.on('error', handler);
  }

  /** `connect(handler)` registers a connect handler; `connect(params)` places a call and returns its Connection. */
  connect(arg?: Readonly<Record<string, string>> | ((conn: Connection) => void)): Connection | this {
    if (typeof arg === 'function') return this.on('connect', arg);
    const device = this.#device;
    if (device === null) throw new TypeError('Twilio.Device.setup(token) must be called first');
    return this.#wrap(device.connectCall({ params: arg ?? {} }));
  }

  disconnect(handler: (conn: Connection) => void): this {
    return this.on('disconnect', handler);
  }

  activeConnection(): Connection | undefined {
    return this.#connections.find((c) => c.status() === 'open') ?? this.#connections[0];
  }

  disconnectAll(): void {
    this.#device?.disconnectAll();
  }

  status(): DeviceStatusV1 {
    const device = this.#device;
    if (device === null || device.state !== 'registered') return 'offline';
    return device.isBusy ? 'busy' : 'ready';
  }

  registerPresence(): this {
    this.#device?.register().catch(() => undefined);
    return this;
  }

  unregisterPresence(): this {
    this.#device?.unregister().catch(() => undefined);
    return this;
  }

  destroy(): void {
    this.#device?.destroy();
    this.#device = null;
    this.#connections.length = 0;
  }

  #wrap(call: Call): Connection {
    const conn = new Connection(call, this.#ringingState);
    this.#connections.push(conn);
    conn.on('accept', () => this.emit('connect', conn));
    conn.on('cancel', () => { this.#forget(conn); this.emit('cancel', conn); });
    conn.on('reject', () => { this.#forget(conn); });
    conn.on('disconnect', () => { this.#forget(conn); this.emit('disconnect', conn); });
    conn.on('error', (e) => this.emit('error', e));
    return conn;
  }

  #forget(conn: Connection): void {
    const i = this.#connections.indexOf(conn);
    if (i >= 0) this.#connections.splice(i, 1);
  }
}
