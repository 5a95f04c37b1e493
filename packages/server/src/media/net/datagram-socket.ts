/**
 * The media relay's UDP port, as the relay sees it. `node-udp.ts` implements it over `node:dgram`;
 * tests may implement it in memory.
 */

/** Called once per received datagram. `data` belongs to the callee (the relay rewrites it in place). */
export type DatagramHandler = (data: Buffer, address: string, port: number, family: 4 | 6) => void;

export interface DatagramSocket {
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
}
