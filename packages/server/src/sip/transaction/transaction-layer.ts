/**
 * The transaction layer over one transport (RFC 3261 §17.1.3, §17.2.3): parses what arrives, matches
 * requests to server transactions and responses to client transactions by branch, sent-by and
 * method, creates server transactions for new requests, and hands the transaction user what it must
 * see. Responses go back to the packet's source (RFC 3581 symmetric response routing), and a request
 * whose top Via asks for `rport` gets `received`/`rport` filled in (§18.2.1).
 *
 * Malformed messages are dropped and counted (`stats.malformed`); over UDP the sender's timers
 * retransmit or give up.
 */
import type { Clock } from '../../core/index.ts';
import { SipHeaders, formatVia, parseSipMessage, parseVia, serializeSipMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import type { SipAddress, SipTransport } from '../transport/index.ts';
import { ClientTransaction, type ClientTransactionUser } from './client-transaction.ts';
import { ServerTransaction } from './server-transaction.ts';
import { DEFAULT_SIP_TIMERS, type SipTimers, type TransactionTransport } from './timers.ts';

/** The RFC 3261 branch cookie: only such branches identify transactions (§17.2.3). */
const MAGIC = 'z9hG4bK';

export interface TransactionLayerUser {
  /** A new request: its server transaction, or null for an ACK to a 2xx (which belongs to the dialog). */
  request(request: SipRequest, transaction: ServerTransaction | null, from: SipAddress): void;
  /** A response no client transaction claims (a 2xx retransmitted after its transaction ended). */
  strayResponse?(response: SipResponse, from: SipAddress): void;
}

export interface TransactionLayerOptions {
  readonly clock: Clock;
  readonly transport: SipTransport;
  readonly user: TransactionLayerUser;
  readonly timers?: SipTimers;
}

export interface TransactionLayerStats {
  malformed: number;
}

function topBranch(message: SipMessage): { readonly branch: string; readonly sentBy: string } | null {
  const via = parseVia(message.headers.getAll('Via')[0] ?? '');
  if (via?.branch === null || via === null || !via.branch.startsWith(MAGIC)) return null;
  return { branch: via.branch, sentBy: `${via.host}:${String(via.port ?? 5060)}` };
}

function cseqMethod(message: SipMessage): string {
  return (message.headers.get('CSeq') ?? '').trim().split(/\s+/)[1] ?? '';
}

export class TransactionLayer {
  readonly stats: TransactionLayerStats = { malformed: 0 };
  readonly #o: TransactionLayerOptions;
  readonly #timers: SipTimers;
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #clients = new Map<string, ClientTransaction>();

  constructor(options: TransactionLayerOptions) {
    this.#o = options;
    this.#timers = options.timers ?? DEFAULT_SIP_TIMERS;
    options.transport.onMessage = (bytes, from) => { this.#receive(bytes, from); };
  }

  get serverTransactions(): number {
    return this.#servers.size;
  }

  get clientTransactions(): number {
    return this.#clients.size;
  }

  /** Sends a request in a new client transaction (its top Via must carry a fresh `z9hG4bK` branch). */
  sendRequest(request: SipRequest, to: SipAddress, user: ClientTransactionUser): ClientTransaction {
    const id = topBranch(request);
    if (id === null) throw new TypeError('a request needs a top Via with a z9hG4bK branch');
    const key = `${id.branch}|${request.method === 'ACK' ? 'INVITE' : request.method}`;
    const tx = new ClientTransaction(request, {
      clock: this.#o.clock,
      transport: this.#sender(to),
      timers: this.#timers,
      user: { ...user, terminated: () => { this.#clients.delete(key); user.terminated?.(); } },
    });
    this.#clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction (a 2xx retransmission, the ACK for a 2xx). */
  sendStateless(message: SipMessage, to: SipAddress): void {
    this.#o.transport.send(serializeSipMessage(message), to);
  }

  #sender(to: SipAddress): TransactionTransport {
    const transport = this.#o.transport;
    return { reliable: transport.reliable, send: (m) => { transport.send(serializeSipMessage(m), to); } };
  }

  #receive(bytes: Uint8Array, from: SipAddress): void {
    const parsed = parseSipMessage(bytes);
    if (!parsed.ok) {
      this.stats.malformed++;
      return;
    }
    const message = parsed.message;
    if (message.kind === 'response') this.#receiveResponse(message, from);
    else this.#receiveRequest(withReceived(message, from), from);
  }

  #receiveResponse(response: SipResponse, from: SipAddress): void {
    const id = topBranch(response);
    const tx = id === null ? undefined : this.#clients.get(`${id.branch}|${cseqMethod(response)}`);
    if (tx !== undefined) tx.receiveResponse(response);
    else this.#o.user.strayResponse?.(response, from);
  }

  #receiveRequest(request: SipRequest, from: SipAddress): void {
    const id = topBranch(request);
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    const key = id === null ? null : `${id.branch}|${id.sentBy}|${method}`;
    const existing = key === null ? undefined : this.#servers.get(key);
    if (request.method === 'ACK') {
      if (existing !== undefined && existing.state === 'completed') existing.receiveAck();
      else if (existing === undefined || existing.state === 'accepted') this.#o.user.request(request, null, from);
      return;
    }
    if (existing !== undefined) {
      existing.receiveRetransmission();
      return;
    }
    const tx = new ServerTransaction(request, {
      clock: this.#o.clock,
      transport: this.#sender(from),
      timers: this.#timers,
      user: { terminated: () => { if (key !== null) this.#servers.delete(key); } },
    });
    if (key !== null && tx.state !== 'terminated') this.#servers.set(key, tx);
    this.#o.user.request(request, tx, from);
  }
}

/** §18.2.1: a top Via with `rport` gets the source port, and `received` the source address. */
function withReceived(request: SipRequest, from: SipAddress): SipRequest {
  const vias = request.headers.getAll('Via');
  const top = vias[0] === undefined ? null : parseVia(vias[0]);
  if (top === null || !top.params.has('rport')) return request;
  const params = new Map(top.params);
  params.set('received', from.address);
  params.set('rport', String(from.port));
  const rewritten = [formatVia({ ...top, params }), ...vias.slice(1)];
  const headers = new SipHeaders();
  let placed = false;
  for (const [name, value] of request.headers.entries()) {
    if (name !== 'Via') headers.append(name, value);
    else if (!placed) {
      for (const v of rewritten) headers.append('Via', v);
      placed = true;
    }
  }
  return { ...request, headers };
}
