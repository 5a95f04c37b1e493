/**
 * The signaling WebSocket with the official SDK's connection management (twilio-signaling.md §2.4): a
 * 5 s handshake timeout, a 15 s liveness timer reset by any inbound frame, `"\n"` heartbeats echoed,
 * exponential backoff with jitter (100 ms to 20 s, reset after 10 s connected), and fallback to the next
 * URI after a failed handshake. Only text frames that parse as JSON objects are delivered.
 */
import { Emitter } from '../events.ts';

/** What the transport needs of a WebSocket (the browser's, or a test's). @public */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { readonly code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url`. @public */
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;
const CONNECT_TIMEOUT_MS = 5000;
const LIVENESS_MS = 15_000;
const CONNECTED_LONG_ENOUGH_MS = 10_000;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 20_000;
const BACKOFF_JITTER = 0.4;

export type TransportState = 'disconnected' | 'connecting' | 'open' | 'closed';

export interface TransportEvents {
  open: [];
  /** The socket closed (`code`); the transport reconnects unless it was closed on purpose. */
  close: [code: number];
  message: [type: string, payload: Record<string, unknown>];
}

export interface TransportOptions {
  readonly uris: readonly string[];
  readonly socketFactory?: SocketFactory;
  readonly backoffMaxMs?: number;
}

function defaultFactory(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike;
}

export class WsTransport extends Emitter<TransportEvents> {
  readonly #uris: readonly string[];
  readonly #factory: SocketFactory;
  readonly #backoffMaxMs: number;
  #socket: SocketLike | null = null;
  #state: TransportState = 'disconnected';
  #uriIndex = 0;
  #attempt = 0;
  #openedAt = 0;
  #connectTimer: ReturnType<typeof setTimeout> | null = null;
  #livenessTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: TransportOptions) {
    super();
    if (options.uris.length === 0) throw new TypeError('at least one signaling URI is needed');
    this.#uris = options.uris;
    this.#factory = options.socketFactory ?? defaultFactory;
    this.#backoffMaxMs = options.backoffMaxMs ?? BACKOFF_MAX_MS;
  }

  get state(): TransportState {
    return this.#state;
  }

  /** The URI of the current (or last) socket. */
  get uri(): string {
    return this.#uris[this.#uriIndex] ?? '';
  }

  /** Connects if not connected or connecting. */
  open(): void {
    if (this.#state === 'closed' || this.#state === 'open' || this.#state === 'connecting') return;
    this.#connect();
  }

  /** Sends one JSON message; false when the socket is not open. */
  send(message: object): boolean {
    const socket = this.#socket;
    if (socket === null || this.#state !== 'open' || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes for good: no reconnection. */
  close(): void {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) this.#detach(socket);
    try {
      socket?.close(1000, 'closed by the application');
    } catch {
      // already closing
    }
    if (wasOpen) this.emit('close', 1000);
  }

  #connect(): void {
    this.#clearTimers();
    this.#state = 'connecting';
    let socket: SocketLike;
    try {
      socket = this.#factory(this.uri);
    } catch {
      this.#scheduleRetry(true);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => { this.#onOpen(socket); };
    socket.onclose = (ev) => { this.#onClose(socket, ev.code); };
    socket.onerror = () => undefined; // a close follows
    socket.onmessage = (ev) => { this.#onMessage(socket, ev.data); };
    this.#connectTimer = setTimeout(() => {
      if (this.#socket === socket && this.#state === 'connecting') this.#onClose(socket, 4001, true);
    }, CONNECT_TIMEOUT_MS);
  }

  #onOpen(socket: SocketLike): void {
    if (this.#socket !== socket || this.#state !== 'connecting') return;
    if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
    this.#state = 'open';
    this.#openedAt = Date.now();
    this.#armLiveness(socket);
    this.emit('open');
  }

  #onClose(socket: SocketLike, code: number, handshakeTimeout = false): void {
    if (this.#socket !== socket) return;
    const wasOpen = this.#state === 'open';
    this.#socket = null;
    this.#detach(socket);
    try {
      socket.close();
    } catch {
      // already closed
    }
    this.#clearTimers();
    if (this.#state === 'closed') return;
    this.#state = 'disconnected';
    if (wasOpen && Date.now() - this.#openedAt > CONNECTED_LONG_ENOUGH_MS) this.#attempt = 0;
    if (wasOpen) this.emit('close', code);
    // A `close` listener may have closed the transport for good.
    if (!this.#isClosed()) this.#scheduleRetry(handshakeTimeout || (!wasOpen && (code === 1006 || code === 1015)));
  }

  #onMessage(socket: SocketLike, data: unknown): void {
    if (this.#socket !== socket) return;
    this.#armLiveness(socket);
    if (typeof data !== 'string') return;
    if (data === '\n') {
      try {
        socket.send('\n');
      } catch {
        // the close event follows
      }
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const { type, payload } = parsed as { type?: unknown; payload?: unknown };
    if (typeof type !== 'string') return;
    const body = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
    this.emit('message', type, body);
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #armLiveness(socket: SocketLike): void {
    if (this.#livenessTimer !== null) clearTimeout(this.#livenessTimer);
    this.#livenessTimer = setTimeout(() => { this.#onClose(socket, 4002); }, LIVENESS_MS);
  }

  #scheduleRetry(fallback: boolean): void {
    if (fallback && this.#uris.length > 1) this.#uriIndex = (this.#uriIndex + 1) % this.#uris.length;
    const base = Math.min(this.#backoffMaxMs, BACKOFF_MIN_MS * 2 ** this.#attempt);
    const delay = Math.max(0, base * (1 + BACKOFF_JITTER * (2 * Math.random() - 1)));
    this.#attempt = Math.min(this.#attempt + 1, 30);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === 'disconnected') this.#connect();
    }, delay);
  }

  #detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onclose = null;
    socket.onerror = null;
    socket.onmessage = null;
  }

  #clearTimers(): void {
    for (const t of [this.#connectTimer, this.#livenessTimer, this.#retryTimer]) if (t !== null) clearTimeout(t);
    this.#connectTimer = null;
    this.#livenessTimer = null;
    this.#retryTimer = null;
  }
}
