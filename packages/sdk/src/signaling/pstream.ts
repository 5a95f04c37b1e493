/**
 * The PStream protocol over {@link WsTransport} (twilio-signaling.md §3): `listen` on every open,
 * typed senders for each client message, a retry queue for the messages the official SDK queues while
 * the socket is down, and one event per server message type.
 */
import { Emitter } from '../events.ts';
import { WsTransport, type SocketFactory } from './transport.ts';

/** The protocol version the 2.x SDK announces. */
export const PSTREAM_VERSION = '1.6';
/** Queued messages kept while the socket is down. */
const RETRY_QUEUE_LIMIT = 64;

export type Payload = Record<string, unknown>;

export interface PStreamEvents {
  /** The socket is open (a `listen` was just sent). */
  transportOpen: [];
  /** The socket closed; it reconnects unless `destroy()` was called or the server sent `close`. */
  transportClose: [code: number];
  connected: [Payload];
  ready: [Payload];
  offline: [Payload];
  invite: [Payload];
  ringing: [Payload];
  answer: [Payload];
  hangup: [Payload];
  cancel: [Payload];
  error: [Payload];
  ack: [Payload];
  message: [Payload];
  /** Denwa: whether the far end is sending speech. */
  farend: [Payload];
  /** The server sent `close`: the stream is destroyed. */
  close: [Payload];
}

export interface PStreamOptions {
  readonly uris: readonly string[];
  readonly socketFactory?: SocketFactory;
  /** Seconds the server keeps presence and calls after a socket loss (`listen.reconnectTimeout`). */
  readonly reconnectTimeoutSec?: number;
  readonly sdkVersion: string;
}

export class PStream extends Emitter<PStreamEvents> {
  readonly #transport: WsTransport;
  readonly #options: PStreamOptions;
  readonly #queue: object[] = [];
  #token: string;
  #destroyed = false;

  constructor(token: string, options: PStreamOptions) {
    super();
    this.#token = token;
    this.#options = options;
    this.#transport = new WsTransport({ uris: options.uris, ...(options.socketFactory === undefined ? {} : { socketFactory: options.socketFactory }) });
    this.#transport.on('open', () => { this.#onOpen(); });
    this.#transport.on('close', (code) => { this.emit('transportClose', code); });
    this.#transport.on('message', (type, payload) => { this.#onMessage(type, payload); });
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get isOpen(): boolean {
    return this.#transport.state === 'open';
  }

  /** Opens the socket (if needed). */
  open(): void {
    if (!this.#destroyed) this.#transport.open();
  }

  /** A new token: re-`listen` on the open socket (the server answers `connected`). */
  setToken(token: string): void {
    this.#token = token;
    if (this.isOpen) this.#send('listen', this.#listenPayload(), false);
  }

  register(audio: boolean): void {
    this.#send('register', { media: { audio } }, false);
  }

  invite(callsid: string, sdp: string, params: string): void {
    this.#send('invite', { callsid, sdp, twilio: params === '' ? {} : { params } }, true);
  }

  resume(callsid: string, reconnect: string, sdp: string): void {
    this.#send('invite', { callsid, sdp, reconnect, twilio: {} }, true);
  }

  answer(callsid: string, sdp: string): void {
    this.#send('answer', { callsid, sdp }, true);
  }

  reinvite(callsid: string, sdp: string): void {
    this.#send('reinvite', { callsid, sdp }, false);
  }

  hangup(callsid: string, message?: string): void {
    this.#send('hangup', message === undefined ? { callsid } : { callsid, message }, true);
  }

  reject(callsid: string): void {
    this.#send('reject', { callsid }, true);
  }

  dtmf(callsid: string, digits: string): void {
    this.#send('dtmf', { callsid, dtmf: digits }, true);
  }

  message(callsid: string, content: unknown, contenttype: string, messagetype: string, voiceeventsid: string): void {
    this.#send('message', { callsid, content, contenttype, messagetype, voiceeventsid }, true);
  }

  /** Closes the socket for good. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#queue.length = 0;
    this.#transport.close();
  }


  #listenPayload(): Payload {
    const nav = typeof navigator === 'undefined' ? undefined : navigator;
    return {
      token: this.#token,
      browserinfo: { p: 'browser', v: this.#options.sdkVersion, plugin: 'rtc', browser: { userAgent: nav?.userAgent ?? 'unknown', platform: (nav as { platform?: string } | undefined)?.platform ?? 'unknown' } },
      reconnectTimeout: this.#options.reconnectTimeoutSec ?? 0,
    };
  }

  #onOpen(): void {
    this.#send('listen', this.#listenPayload(), false);
    const queued = this.#queue.splice(0);
    for (const m of queued) this.#transport.send(m);
    this.emit('transportOpen');
  }

  #onMessage(type: string, payload: Payload): void {
    switch (type) {
      case 'connected':
      case 'ready':
      case 'offline':
      case 'invite':
      case 'ringing':
      case 'answer':
      case 'hangup':
      case 'cancel':
      case 'error':
      case 'ack':
      case 'message':
      case 'farend':
        this.emit(type, payload);
        return;
      case 'close':
        this.destroy();
        this.emit('close', payload);
        return;
      default:
        // Unknown message types are ignored, as the official SDK does.
        return;
    }
  }

  #send(type: string, payload: Payload, retry: boolean): void {
    if (this.#destroyed) return;
    const message = { type, version: PSTREAM_VERSION, payload };
    if (this.#transport.send(message)) return;
    if (retry && this.#queue.length < RETRY_QUEUE_LIMIT) this.#queue.push(message);
    this.open();
  }
}
