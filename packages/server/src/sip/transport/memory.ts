/**
 * An in-process network of {@link SipTransport}s, on an injected clock: what one transport sends
 * reaches the one bound at the destination after `latencyMs` (a clock timer, so a manual clock
 * drives it), unless `filter` drops it. No sockets; for tests of the layers above, and for wiring
 * user agents together in one process.
 */
import type { Clock } from '../../core/index.ts';
import type { SipAddress, SipTransport, SipTransportProtocol } from './sip-transport.ts';

/** One message on its way, as `filter` and `log` see it. */
export interface MemoryPacket {
  readonly from: SipAddress;
  readonly to: SipAddress;
  readonly bytes: Uint8Array;
}

const key = (a: SipAddress): string => `${a.address}|${String(a.port)}`;

/** See the module comment. */
export class MemorySipNetwork {
  /** Return false to drop a packet (loss, a dead peer). */
  filter: ((packet: MemoryPacket) => boolean) | null = null;
  /** Every packet sent, delivered or not. */
  readonly log: MemoryPacket[] = [];
  readonly #clock: Clock;
  readonly #latencyMs: number;
  readonly #bound = new Map<string, MemoryTransport>();

  constructor(clock: Clock, options: { readonly latencyMs?: number } = {}) {
    this.#clock = clock;
    this.#latencyMs = options.latencyMs ?? 1;
  }

  /** A transport at `local` (UDP-like by default; `TCP` or `TLS` makes it reliable). */
  bind(local: SipAddress, protocol: SipTransportProtocol = 'UDP'): SipTransport {
    if (this.#bound.has(key(local))) throw new TypeError(`${key(local)} is already bound`);
    const t = new MemoryTransport(local, protocol, (bytes, to) => { this.#send({ from: local, to, bytes }); }, () => { this.#bound.delete(key(local)); });
    this.#bound.set(key(local), t);
    return t;
  }

  #send(packet: MemoryPacket): void {
    this.log.push(packet);
    if (this.filter !== null && !this.filter(packet)) return;
    this.#clock.setTimeout(() => { this.#bound.get(key(packet.to))?.deliver(packet.bytes, packet.from); }, this.#latencyMs);
  }
}

class MemoryTransport implements SipTransport {
  readonly protocol: SipTransportProtocol;
  readonly reliable: boolean;
  readonly local: SipAddress;
  readonly sendErrors = 0;
  onMessage: ((bytes: Uint8Array, from: SipAddress) => void) | null = null;
  readonly #send: (bytes: Uint8Array, to: SipAddress) => void;
  readonly #unbind: () => void;
  #closed = false;

  constructor(local: SipAddress, protocol: SipTransportProtocol, send: (bytes: Uint8Array, to: SipAddress) => void, unbind: () => void) {
    this.local = local;
    this.protocol = protocol;
    this.reliable = protocol !== 'UDP';
    this.#send = send;
    this.#unbind = unbind;
  }

  send(bytes: Uint8Array, to: SipAddress): void {
    if (!this.#closed) this.#send(bytes.slice(), to);
  }

  deliver(bytes: Uint8Array, from: SipAddress): void {
    if (this.#closed) return;
    try {
      this.onMessage?.(bytes, from);
    } catch {
      // As the socket transports: a throwing handler does not take the transport down.
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#unbind();
    return Promise.resolve();
  }
}
