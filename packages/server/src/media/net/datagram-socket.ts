/**
 * The media relay's UDP port, as the relay sees it. `native-udp.ts` implements it with Denwa's batched
 * UDP addon (Linux), `node-udp.ts` over `node:dgram`; tests may implement it in memory.
 */

/**
 * Called once per received datagram. The callee may rewrite `data` in place and send it on. An RTP or
 * RTCP datagram (first byte 128–191) may be a view that is only valid until the handler returns: a
 * handler that keeps it must copy it. Must not throw.
 */
export type DatagramHandler = (data: Buffer, address: string, port: number, family: 4 | 6) => void;

/** How datagrams reach the process: the batched addon (`recvmmsg`/`sendmmsg`) or `node:dgram`. */
export type DatagramIo = 'native' | 'dgram';

export interface DatagramSocket {
  readonly io: DatagramIo;
  /** Sends `data[offset, offset + length)`; `data` must not be modified afterwards. Never throws. */
  send(data: Buffer, offset: number, length: number, port: number, address: string): void;
  /** The bound local address and port. */
  address(): { readonly address: string; readonly port: number };
  /** Datagrams whose send failed (the kernel refused them). */
  readonly sendErrors: number;
  close(): Promise<void>;
}

export interface BindOptions {
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly onMessage: DatagramHandler;
  /** Kernel socket buffer size in bytes (both directions); default 4 MiB, capped by the OS. */
  readonly bufferBytes?: number;
  /** `auto` (default): the batched addon when it is built and the address is IPv4, else `node:dgram`. */
  readonly io?: DatagramIo | 'auto';
}
