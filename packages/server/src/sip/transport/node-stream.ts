/**
 * The connection handling TCP and TLS share (RFC 3261 §18.3): a listener plus outgoing connections,
 * one per remote address and reused both ways (responses go back on the connection the request came
 * in on). Messages are cut from the stream by `SipStreamFramer`; a stream that breaks the framing is
 * closed, and double-CRLF keep-alive pings get a single CRLF pong (RFC 5626 §3.5.1). Bounded: at most
 * `maxConnections` at once, idle connections close after `idleMs`.
 */
import type { Server, Socket } from 'node:net';
import { SipStreamFramer } from '../message/index.ts';
import type { SipAddress, SipTransport } from './sip-transport.ts';

/** Limits of a stream transport (TCP or TLS). */
export interface SipStreamOptions {
  /** Connections open at once, both directions (default 1024). */
  readonly maxConnections?: number;
  /** An idle connection closes after this many ms (default 5 minutes). */
  readonly idleMs?: number;
}

const key = (a: SipAddress): string => `${a.address}|${String(a.port)}`;
const PONG = new Uint8Array([0x0d, 0x0a]);

/** A stream transport over a listening `server`; `connect` opens an outgoing connection. */
export class NodeSipStream implements SipTransport {
  readonly protocol: 'TCP' | 'TLS';
  readonly reliable = true;
  readonly local: SipAddress;
  onMessage: ((bytes: Uint8Array, from: SipAddress) => void) | null = null;
  readonly #server: Server;
  readonly #connect: (to: SipAddress) => Socket;
  readonly #connections = new Map<string, Socket>();
  readonly #max: number;
  readonly #idleMs: number;
  #sendErrors = 0;
  #closed = false;

  /** `acceptEvent`: the server event that hands over a ready connection (`connection`, or `secureConnection` for TLS). */
  constructor(protocol: 'TCP' | 'TLS', server: Server, acceptEvent: 'connection' | 'secureConnection', connect: (to: SipAddress) => Socket, options: SipStreamOptions) {
    this.protocol = protocol;
    this.#server = server;
    this.#connect = connect;
    this.#max = options.maxConnections ?? 1024;
    this.#idleMs = options.idleMs ?? 300_000;
    const a = server.address();
    this.local = typeof a === 'object' && a !== null ? { address: a.address, port: a.port } : { address: '', port: 0 };
    server.on(acceptEvent, (socket: Socket) => { this.#adopt(socket); });
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** Open connections (for tests and metrics). */
  get connections(): number {
    return this.#connections.size;
  }

  send(bytes: Uint8Array, to: SipAddress): void {
    if (this.#closed) return;
    let socket = this.#connections.get(key(to));
    if (socket === undefined) {
      if (this.#connections.size >= this.#max) {
        this.#sendErrors++;
        return;
      }
      socket = this.#connect(to);
      this.#adopt(socket, to);
    }
    socket.write(bytes, (err) => { if (err) this.#sendErrors++; });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const s of this.#connections.values()) s.destroy();
    this.#connections.clear();
    return new Promise((resolve) => { this.#server.close(() => { resolve(); }); });
  }

  #adopt(socket: Socket, remote?: SipAddress): void {
    const peer: SipAddress = remote ?? { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const id = key(peer);
    if (this.#closed || (remote === undefined && this.#connections.size >= this.#max)) {
      socket.destroy();
      return;
    }
    this.#connections.set(id, socket);
    const framer = new SipStreamFramer();
    socket.setNoDelay(true);
    socket.setTimeout(this.#idleMs, () => { socket.destroy(); });
    socket.on('data', (chunk: Buffer) => {
      for (const out of framer.push(chunk)) {
        if (out.kind === 'ping') socket.write(PONG);
        else if (out.kind === 'error') socket.destroy();
        else {
          try {
            this.onMessage?.(out.bytes, peer);
          } catch {
            // The layer above handles its own failures; the connection stays up.
          }
        }
      }
    });
    socket.on('error', () => { this.#sendErrors++; });
    socket.on('close', () => { if (this.#connections.get(id) === socket) this.#connections.delete(id); });
  }
}
