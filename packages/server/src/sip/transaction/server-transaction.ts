/**
 * Server transactions (RFC 3261 §17.2, with RFC 6026 §7.1): they absorb request retransmissions by
 * re-sending the last response, retransmit INVITE failures until the ACK comes, and end on their timers.
 *
 * INVITE server:
 *
 *     proceeding ──2xx──▶ accepted ──Timer L──▶ terminated
 *         └──300-699──▶ completed ──ACK──▶ confirmed ──Timer I──▶ terminated
 *                          └──Timer H (no ACK)────────────────────▶ terminated
 *
 * - proceeding: the INVITE came (100 Trying sent at once, §17.2.1); the TU may send provisionals.
 * - completed: a failure is out; Timer G retransmits it (T1, doubling up to T2) until the ACK.
 * - confirmed: the ACK came; later ACKs are absorbed for Timer I (T4 over UDP).
 * - accepted: a 2xx is out; the TU retransmits it and receives the ACK itself (RFC 6026 §7.1).
 *
 * Non-INVITE server: trying ──1xx──▶ proceeding ──final──▶ completed ──Timer J──▶ terminated.
 */
import { assertTransition, type Clock, type TimerHandle, type TransitionTable } from '../../core/index.ts';
import { SipHeaders, type SipRequest, type SipResponse } from '../message/index.ts';
import { DEFAULT_SIP_TIMERS, type SipTimers, type TransactionTransport } from './timers.ts';

export type ServerTransactionState = 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

const TRANSITIONS: TransitionTable<ServerTransactionState> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export interface ServerTransactionUser {
  /** Timer H fired: the ACK for our failure never came. */
  timeout?(): void;
  terminated?(): void;
}

export interface ServerTransactionOptions {
  readonly clock: Clock;
  readonly transport: TransactionTransport;
  readonly user?: ServerTransactionUser;
  readonly timers?: SipTimers;
}

/** A response to `request` with its Via, From, To (plus `toTag` when given), Call-ID and CSeq (§8.2.6.2). */
export function responseTo(request: SipRequest, status: number, reason: string, toTag?: string): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  headers.append('From', request.headers.get('From') ?? '');
  const to = request.headers.get('To') ?? '';
  headers.append('To', toTag === undefined || /;\s*tag=/i.test(to) ? to : `${to};tag=${toTag}`);
  headers.append('Call-ID', request.headers.get('Call-ID') ?? '');
  headers.append('CSeq', request.headers.get('CSeq') ?? '');
  return { kind: 'response', status, reason, headers, body: new Uint8Array(0) };
}

export class ServerTransaction {
  readonly request: SipRequest;
  readonly #o: ServerTransactionOptions;
  readonly #t: SipTimers;
  readonly #invite: boolean;
  #state: ServerTransactionState;
  #last: SipResponse | null = null;
  #retransmit: TimerHandle | null = null;
  #deadline: TimerHandle | null = null;
  #interval: number;

  constructor(request: SipRequest, options: ServerTransactionOptions) {
    this.request = request;
    this.#o = options;
    this.#t = options.timers ?? DEFAULT_SIP_TIMERS;
    this.#invite = request.method === 'INVITE';
    this.#state = this.#invite ? 'proceeding' : 'trying';
    this.#interval = this.#t.t1;
    if (this.#invite) this.respond(responseTo(request, 100, 'Trying'));
  }

  get state(): ServerTransactionState {
    return this.#state;
  }

  /** Sends a response from the TU; ignored once a final response went out. */
  respond(response: SipResponse): void {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
    this.#last = response;
    this.#o.transport.send(response);
    const s = response.status;
    if (s < 200) {
      if (this.#state === 'trying') this.#transition('proceeding');
      return;
    }
    if (this.#invite && s < 300) {
      this.#transition('accepted');
      this.#deadline = this.#o.clock.setTimeout(() => { this.#end(); }, 64 * this.#t.t1); // Timer L
      return;
    }
    this.#transition('completed');
    if (this.#invite) {
      if (!this.#o.transport.reliable) this.#armTimerG();
      this.#deadline = this.#o.clock.setTimeout(() => { // Timer H
        this.#o.user?.timeout?.();
        this.#end();
      }, 64 * this.#t.t1);
    } else {
      this.#deadline = this.#o.clock.setTimeout(() => { this.#end(); }, this.#o.transport.reliable ? 0 : 64 * this.#t.t1); // Timer J
    }
  }

  /** A retransmission of the request (same branch): re-send the last response, if any (§17.2.1, §17.2.2). */
  receiveRetransmission(): void {
    if (this.#last === null) return;
    if (this.#state === 'proceeding' || this.#state === 'completed' || (this.#state === 'trying' && this.#last.status >= 100)) this.#o.transport.send(this.#last);
  }

  /** An ACK matching this INVITE transaction: the failure was received (§17.2.1). */
  receiveAck(): void {
    if (this.#state !== 'completed') return;
    this.#stop();
    this.#transition('confirmed');
    this.#deadline = this.#o.clock.setTimeout(() => { this.#end(); }, this.#o.transport.reliable ? 0 : this.#t.t4); // Timer I
  }

  #armTimerG(): void {
    this.#retransmit = this.#o.clock.setTimeout(() => {
      if (this.#state !== 'completed' || this.#last === null) return;
      this.#o.transport.send(this.#last);
      this.#interval = Math.min(this.#interval * 2, this.#t.t2);
      this.#armTimerG();
    }, this.#interval);
  }

  #stop(): void {
    if (this.#retransmit !== null) this.#o.clock.clearTimeout(this.#retransmit);
    if (this.#deadline !== null) this.#o.clock.clearTimeout(this.#deadline);
    this.#retransmit = null;
    this.#deadline = null;
  }

  #end(): void {
    if (this.#state === 'terminated') return;
    this.#stop();
    this.#transition('terminated');
    this.#o.user?.terminated?.();
  }

  #transition(to: ServerTransactionState): void {
    assertTransition('SIP server transaction', TRANSITIONS, this.#state, to);
    this.#state = to;
  }
}
