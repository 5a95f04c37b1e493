/** {@link SipTransport} over a `node:dgram` UDP socket (RFC 3261 §18.1.1, §18.2.1). */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { SipAddress, SipTransport } from './sip-transport.ts';

class NodeSipUdp implements SipTransport {
  readonly protocol = 'UDP';
  readonly reliable = false;
  readonly local: SipAddress;
  onMessage: ((bytes: Uint8Array, from: SipAddress) => void) | null = null;
  readonly #socket: Socket;
  #sendErrors = 0;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    socket.on('error', () => { this.#sendErrors++; });
    socket.on('message', (msg, rinfo) => {
      try {
        this.onMessage?.(msg, { address: rinfo.address, port: rinfo.port });
      } catch {
        // A throwing handler must not take the socket down; the layer above logs its own errors.
      }
    });
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  send(bytes: Uint8Array, to: SipAddress): void {
    if (this.#closed) return;
    try {
      this.#socket.send(bytes, to.port, to.address);
    } catch {
      this.#sendErrors++;
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => { this.#socket.close(() => { resolve(); }); });
  }
}

/** Binds a SIP UDP socket (port 0 picks a free one). */
export function bindSipUdp(local: SipAddress): Promise<SipTransport> {
  const socket = createSocket({ type: isIPv6(local.address) ? 'udp6' : 'udp4', reuseAddr: false });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(local.port, local.address, () => {
      socket.off('error', reject);
      resolve(new NodeSipUdp(socket));
    });
  });
}
