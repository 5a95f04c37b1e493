/**
 * The `/signal` WebSocket endpoint of the browser SDKs (the only `ws` user): accepts upgrades for
 * `/signal` and `<prefix>/signal` from the HTTP and HTTPS servers, and gives each socket a
 * {@link SignalingSession}.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_FRAME_LENGTH } from '@denwa/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../core/index.ts';
import { SignalingSession, type SessionDeps } from './session/index.ts';

export interface SignalingServerOptions extends SessionDeps {
  /** Allowed `Origin` values; null allows any origin (tokens authenticate). */
  readonly allowedOrigins?: readonly string[] | null;
}

const SIGNAL_PATH = /^(?:\/[^?#]*)?\/signal$/;

export class SignalingServer {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_LENGTH, perMessageDeflate: false });
  readonly #options: SignalingServerOptions;
  readonly #log: Logger;
  readonly #sockets = new Set<WebSocket>();

  constructor(options: SignalingServerOptions) {
    this.#options = options;
    this.#log = options.log.child({ mod: 'signal' });
  }

  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** Handles an HTTP upgrade; false (and nothing done) when the path is not a signaling path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!SIGNAL_PATH.test(path)) return false;
    const origins = this.#options.allowedOrigins ?? null;
    const origin = req.headers.origin;
    if (origins !== null && (origin === undefined || !origins.includes(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => { this.#accept(ws); });
    return true;
  }

  #accept(ws: WebSocket): void {
    this.#sockets.add(ws);
    const session = new SignalingSession({ ...this.#options, log: this.#log }, {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: () => { ws.close(1000); },
    });
    this.#log.debug({ session: session.id }, 'signaling socket open');
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      session.receive(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    });
    ws.on('error', (err) => { this.#log.debug({ err, session: session.id }, 'signaling socket error'); });
    ws.on('close', () => {
      this.#sockets.delete(ws);
      session.socketClosed();
      this.#log.debug({ session: session.id }, 'signaling socket closed');
    });
  }

  /** Closes every socket (1001 going away). */
  close(): void {
    for (const ws of this.#sockets) ws.close(1001);
    this.#wss.close();
  }
}
