/**
 * The SIP transport port (RFC 3261 §18): one bound socket or listener per protocol. Datagrams and
 * framed stream messages arrive as bytes with their source; the transaction layer parses them.
 */

export type SipTransportProtocol = 'UDP' | 'TCP' | 'TLS';

export interface SipAddress {
  readonly address: string;
  readonly port: number;
}

export interface SipTransport {
  readonly protocol: SipTransportProtocol;
  /** True for TCP and TLS: no retransmissions, zero linger timers. */
  readonly reliable: boolean;
  /** Where this transport listens (the Via sent-by of what it sends). */
  readonly local: SipAddress;
  /** Receives every message's bytes; set once by the transaction layer. */
  onMessage: ((bytes: Uint8Array, from: SipAddress) => void) | null;
  /** Sends one message; never throws (failures are counted). */
  send(bytes: Uint8Array, to: SipAddress): void;
  readonly sendErrors: number;
  close(): Promise<void>;
}
