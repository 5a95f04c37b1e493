import type { SipMessage } from '../message/index.ts';

/**
 * RFC 3261 §17 timer values (§A, Table 4): T1 the RTT estimate, T2 the cap on non-INVITE request and
 * INVITE response retransmission intervals, T4 the longest a message stays in the network.
 */
export interface SipTimers {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
}

export const DEFAULT_SIP_TIMERS: SipTimers = { t1: 500, t2: 4000, t4: 5000 };

/** Where a transaction sends, and whether the transport retransmits for us (TCP, TLS). */
export interface TransactionTransport {
  readonly reliable: boolean;
  send(message: SipMessage): void;
}
