/**
 * Client transactions (RFC 3261 §17.1, with RFC 6026 §7.2): they send a request, retransmit it over
 * unreliable transports, hand each response to the transaction user once state allows it, and end
 * on their timers.
 *
 * INVITE client:
 *
 *     calling ──1xx──▶ proceeding ──2xx──▶ accepted ──Timer M──▶ terminated
 *        │  └──2xx──────────────────────────▲                        ▲
 *        └──300-699 (ACK sent)──▶ completed ──Timer D───────────────┘
 *     calling ──Timer B / transport error──▶ terminated (timeout)
 *
 * - calling: the INVITE is out; Timer A retransmits it (T1, doubling, §17.1.1.2), Timer B gives up.
 * - proceeding: a provisional response came; no more retransmissions and no Timer B (a phone may
 *   ring for minutes): the TU cancels, and ends the transaction with `terminate` when even the
 *   CANCEL brings no final response (§9.1).
 * - accepted: a 2xx came; retransmitted 2xx still reach the TU, which ACKs them (RFC 6026 §7.2).
 * - completed: a failure came and was ACKed here; its retransmissions are ACKed again.
 *
 * Non-INVITE client: trying ──1xx──▶ proceeding ──final──▶ completed ──Timer K──▶ terminated; Timer
 * E retransmits, doubling up to T2 (§17.1.2.2; sip-spike.md §1 bug 4), and Timer F times out.
 */
import { assertTransition, type Clock, type TimerHandle, type TransitionTable } from '../../core/index.ts';
import { SipHeaders, type SipRequest, type SipResponse } from '../message/index.ts';
import { DEFAULT_SIP_TIMERS, type SipTimers, type TransactionTransport } from './timers.ts';

export type ClientTransactionState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

const TRANSITIONS: TransitionTable<ClientTransactionState> = {
  calling: ['proceeding', 'accepted', 'completed', 'terminated'],
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['terminated'],
  terminated: [],
};

export interface ClientTransactionUser {
  /** A response the TU should see (retransmitted failures are absorbed; retransmitted 2xx are not). */
  response(response: SipResponse): void;
  /** Timer B or F fired (or the transport failed) before a final response: treat as 408. */
  timeout(): void;
  terminated?(): void;
}

export interface ClientTransactionOptions {
  readonly clock: Clock;
  readonly transport: TransactionTransport;
  readonly user: ClientTransactionUser;
  readonly timers?: SipTimers;
}

/** The ACK for a non-2xx final response to an INVITE (RFC 3261 §17.1.1.3): same branch, To with the response's tag. */
export function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const via = invite.headers.getAll('Via')[0];
  if (via !== undefined) headers.append('Via', via);
  headers.append('Max-Forwards', '70');
  for (const name of ['From', 'Call-ID'] as const) headers.append(name, invite.headers.get(name) ?? '');
  headers.append('To', response.headers.get('To') ?? invite.headers.get('To') ?? '');
  headers.append('CSeq', `${(invite.headers.get('CSeq') ?? '0').split(/\s+/)[0] ?? '0'} ACK`);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: new Uint8Array(0) };
}

export class ClientTransaction {
  readonly request: SipRequest;
  readonly #o: ClientTransactionOptions;
  readonly #t: SipTimers;
  readonly #invite: boolean;
  #state: ClientTransactionState;
  #retransmit: TimerHandle | null = null;
  #deadline: TimerHandle | null = null;
  #interval: number;
  #ack: SipRequest | null = null;

  constructor(request: SipRequest, options: ClientTransactionOptions) {
    this.request = request;
    this.#o = options;
    this.#t = options.timers ?? DEFAULT_SIP_TIMERS;
    this.#invite = request.method === 'INVITE';
    this.#state = this.#invite ? 'calling' : 'trying';
    this.#interval = this.#t.t1;
  }

  get state(): ClientTransactionState {
    return this.#state;
  }

  /** Sends the request and arms Timer A/B (INVITE) or E/F. */
  start(): void {
    this.#o.transport.send(this.request);
    if (!this.#o.transport.reliable) this.#armRetransmit();
    this.#deadline = this.#o.clock.setTimeout(() => { this.#timedOut(); }, 64 * this.#t.t1); // Timer B / F
  }

  receiveResponse(response: SipResponse): void {
    const s = response.status;
    switch (this.#state) {
      case 'calling':
      case 'trying':
      case 'proceeding':
        if (s < 200) {
          if (this.#state !== 'proceeding') this.#transition('proceeding');
          if (this.#invite) {
            // Timer A stops, and Timer B, which runs in `calling` only (§17.1.1.2); Timer E keeps going at T2 (§17.1.2.2).
            this.#stopRetransmit();
            this.#clearDeadline();
          }
          this.#o.user.response(response);
        } else this.#final(response);
        return;
      case 'accepted':
        if (s >= 200 && s < 300) this.#o.user.response(response); // RFC 6026: the TU ACKs each 2xx
        return;
      case 'completed':
        if (this.#ack !== null && s >= 300) this.#o.transport.send(this.#ack); // §17.1.1.2: ACK retransmissions
        return;
      case 'terminated':
        return;
    }
  }

  /** The transport could not send: the transaction ends as if timed out (§17.1.4). */
  transportError(): void {
    if (this.#state === 'terminated' || this.#state === 'completed' || this.#state === 'accepted') return;
    this.#o.user.timeout();
    this.#end();
  }

  /** The TU gives up on an INVITE with no final response (RFC 3261 §9.1: 64·T1 after its CANCEL); no timeout is reported. */
  terminate(): void {
    if (this.#state === 'calling' || this.#state === 'proceeding') this.#end();
  }

  #final(response: SipResponse): void {
    this.#stopRetransmit();
    this.#clearDeadline();
    const s = response.status;
    if (this.#invite && s < 300) {
      this.#transition('accepted');
      this.#o.user.response(response);
      this.#deadline = this.#o.clock.setTimeout(() => { this.#end(); }, 64 * this.#t.t1); // Timer M
      return;
    }
    this.#transition('completed');
    if (this.#invite) {
      this.#ack = ackForFailure(this.request, response);
      this.#o.transport.send(this.#ack);
    }
    this.#o.user.response(response);
    const linger = this.#o.transport.reliable ? 0 : this.#invite ? 32_000 : this.#t.t4; // Timer D / K
    this.#deadline = this.#o.clock.setTimeout(() => { this.#end(); }, linger);
  }

  #armRetransmit(): void {
    this.#retransmit = this.#o.clock.setTimeout(() => {
      if (this.#state !== 'calling' && this.#state !== 'trying' && this.#state !== 'proceeding') return;
      this.#o.transport.send(this.request);
      // Timer A doubles without limit; Timer E doubles up to T2, and is T2 once proceeding.
      this.#interval = this.#invite ? this.#interval * 2 : this.#state === 'proceeding' ? this.#t.t2 : Math.min(this.#interval * 2, this.#t.t2);
      this.#armRetransmit();
    }, this.#interval);
  }

  #timedOut(): void {
    this.#deadline = null;
    if (this.#state === 'calling' || this.#state === 'trying' || this.#state === 'proceeding') {
      this.#o.user.timeout();
      this.#end();
    }
  }

  #stopRetransmit(): void {
    if (this.#retransmit !== null) this.#o.clock.clearTimeout(this.#retransmit);
    this.#retransmit = null;
  }

  #clearDeadline(): void {
    if (this.#deadline !== null) this.#o.clock.clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  #end(): void {
    if (this.#state === 'terminated') return;
    this.#stopRetransmit();
    this.#clearDeadline();
    this.#transition('terminated');
    this.#o.user.terminated?.();
  }

  #transition(to: ClientTransactionState): void {
    assertTransition('SIP client transaction', TRANSITIONS, this.#state, to);
    this.#state = to;
  }
}
