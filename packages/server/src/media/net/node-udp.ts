/**
 * {@link DatagramSocket} over `node:dgram`: one system call and one JavaScript call per datagram. The
 * portable path; `native-udp.ts` is the fast one.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { BindOptions, DatagramSocket } from './datagram-socket.ts';

const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;

class NodeUdpSocket implements DatagramSocket {
  readonly io = 'dgram';
  readonly #socket: Socket;
  #sendErrors = 0;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    // Without a per-send callback Node skips a completion request per datagram; failures arrive here.
    socket.on('error', () => { this.#sendErrors++; });
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  send(data: Buffer, offset: number, length: number, port: number, address: string): void {
    if (this.#closed) return;
    try {
      this.#socket.send(data, offset, length, port, address);
    } catch {
      this.#sendErrors++;
    }
  }

  address(): { readonly address: string; readonly port: number } {
    const a = this.#socket.address();
    return { address: a.address, port: a.port };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => {
      this.#socket.close(() => { resolve(); });
    });
  }
}

/** Binds a `node:dgram` socket; rejects when the address or port cannot be bound. */
export function bindDgramUdp(options: BindOptions): Promise<DatagramSocket> {
  const socket = createSocket({ type: isIPv6(options.address) ? 'udp6' : 'udp4', reuseAddr: false });
  const onMessage = options.onMessage;
  socket.on('message', (msg, rinfo) => {
    onMessage(msg, rinfo.address, rinfo.port, rinfo.family === 'IPv6' ? 6 : 4);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.address, () => {
      socket.off('error', reject);
      const size = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
      try {
        socket.setRecvBufferSize(size);
        socket.setSendBufferSize(size);
      } catch {
        // The OS cap (net.core.rmem_max) applies; the default buffers still work.
      }
      resolve(new NodeUdpSocket(socket));
    });
  });
}
