/**
 * An established INVITE session (the dialog usage of RFC 3261 §13–15): BYE either way, re-INVITE and
 * UPDATE from the peer (hold, unhold, refresh: the user answers the SDP), Denwa's own re-INVITE, INFO
 * (DTMF relay), OPTIONS in the dialog, and the 2xx Denwa re-sends until its ACK arrives (§13.3.1.4).
 */
import type { TimerHandle } from '../../core/index.ts';
import type { Dialog } from '../dialog/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import { responseTo, type ServerTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { uriTarget, type UaCore, type UaLink } from './core.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Why a session ended. */
export type SessionEnd = 'bye-received' | 'bye-sent' | 'ack-timeout' | 'request-timeout';

/** The answer to a re-INVITE or UPDATE with SDP: Denwa's SDP, or a refusal (488 Not Acceptable Here). */
export type OfferAnswer = { readonly sdp: string } | { readonly refuse: number };

export interface SessionEvents {
  /** The peer sent a new offer (hold, unhold, address change, refresh). */
  offer?(sdp: string): OfferAnswer;
  /** INFO in the dialog (e.g. `application/dtmf-relay`). */
  info?(contentType: string, body: string): void;
  ended?(cause: SessionEnd): void;
}

export function sdpBody(message: SipRequest | SipResponse): string | null {
  const type = message.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/sdp' && message.body.length > 0 ? dec.decode(message.body) : null;
}

export function withSdp<T extends SipRequest | SipResponse>(message: T, sdp: string): T {
  message.headers.set('Content-Type', 'application/sdp');
  return { ...message, body: enc.encode(sdp) };
}

/**
 * Re-sends a 2xx to an INVITE at T1, doubling up to T2, until `stop` (its ACK) or 64·T1; then
 * `expired` runs (§13.3.1.4: the session should end with BYE).
 */
export class TwoXxRetransmitter {
  readonly #core: UaCore;
  #timer: TimerHandle | null = null;

  constructor(core: UaCore, link: UaLink, response: SipResponse, to: SipAddress, expired: () => void) {
    this.#core = core;
    if (link.transport.reliable) {
      this.#timer = core.clock.setTimeout(expired, 64 * core.timers.t1);
      return;
    }
    const started = core.clock.now();
    let interval = core.timers.t1;
    const again = (): void => {
      if (core.clock.now() - started >= 64 * core.timers.t1) {
        this.#timer = null;
        expired();
        return;
      }
      core.resend(link, response, to);
      interval = Math.min(interval * 2, core.timers.t2);
      this.#timer = core.clock.setTimeout(again, interval);
    };
    this.#timer = core.clock.setTimeout(again, interval);
  }

  stop(): void {
    if (this.#timer !== null) this.#core.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}

export class SipSession {
  readonly dialog: Dialog;
  readonly link: UaLink;
  /** The SDP the peer last sent (offer or answer). */
  remoteSdp: string | null;
  events: SessionEvents = {};
  readonly #core: UaCore;
  readonly #onEnd: (session: SipSession) => void;
  #pending2xx: { readonly seq: number; readonly retransmitter: TwoXxRetransmitter } | null = null;
  #ended = false;

  constructor(core: UaCore, link: UaLink, dialog: Dialog, remoteSdp: string | null, onEnd: (session: SipSession) => void) {
    this.#core = core;
    this.link = link;
    this.dialog = dialog;
    this.remoteSdp = remoteSdp;
    this.#onEnd = onEnd;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Where requests in the dialog go; null when the next hop is not an IP address. */
  #target(): SipAddress | null {
    return uriTarget(this.dialog.nextHop())?.address ?? null;
  }

  /** Ends the session with BYE (no-op once ended). */
  bye(headers: readonly (readonly [string, string])[] = []): void {
    if (this.#ended) return;
    this.#end('bye-sent');
    this.#sendBye(headers);
  }

  #sendBye(headers: readonly (readonly [string, string])[] = []): void {
    const to = this.#target();
    if (to === null) return;
    this.#core.send(this.link, this.dialog.request('BYE', { headers: [['User-Agent', this.#core.userAgent], ...headers] }), to, { response: () => undefined, timeout: () => undefined });
  }

  /** ACKs a re-sent 2xx of the INVITE with CSeq `seq` again. */
  resendAck(seq: number): void {
    const to = this.#target();
    if (to !== null) this.#core.sendAck(this.link, this.dialog.request('ACK', { seq }), to);
  }

  /** Sends a re-INVITE with `sdp` (hold, unhold, new media); resolves with the peer's answer, or null on failure. */
  reinvite(sdp: string): Promise<string | null> {
    const to = this.#target();
    if (this.#ended || to === null) return Promise.resolve(null);
    const request = withSdp(this.dialog.request('INVITE', { headers: [['Contact', this.#core.contact(this.link)]] }), sdp);
    return new Promise((resolve) => {
      this.#core.send(this.link, request, to, {
        response: (r) => {
          if (r.status < 200) return;
          if (r.status >= 300) {
            resolve(null);
            if (r.status === 408 || r.status === 481) this.#ackTimeout('request-timeout');
            return;
          }
          const seq = Number.parseInt(r.headers.get('CSeq') ?? '0', 10);
          this.#core.sendAck(this.link, this.dialog.request('ACK', { seq }), to);
          const answer = sdpBody(r);
          if (answer !== null) this.remoteSdp = answer;
          resolve(answer);
        },
        timeout: () => { resolve(null); this.#ackTimeout('request-timeout'); },
      });
    });
  }

  /** A request of this dialog from the peer. */
  receive(request: SipRequest, tx: ServerTransaction | null, from: SipAddress): void {
    if (request.method === 'ACK') {
      const seq = Number.parseInt(request.headers.get('CSeq') ?? '', 10);
      if (this.#pending2xx?.seq === seq) {
        this.#pending2xx.retransmitter.stop();
        this.#pending2xx = null;
      }
      return;
    }
    if (tx === null) return;
    if (this.#ended) {
      tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    if (this.dialog.receive(request) === 'out-of-order') {
      tx.respond(responseTo(request, 500, 'Server Internal Error'));
      return;
    }
    switch (request.method) {
      case 'BYE':
        tx.respond(responseTo(request, 200, 'OK'));
        this.#end('bye-received');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.#offer(request, tx, from);
        return;
      case 'INFO':
        tx.respond(responseTo(request, 200, 'OK'));
        this.events.info?.(request.headers.get('Content-Type') ?? '', dec.decode(request.body));
        return;
      case 'OPTIONS':
        tx.respond(this.#ok(request));
        return;
      default:
        tx.respond(responseTo(request, 501, 'Not Implemented'));
    }
  }

  #ok(request: SipRequest): SipResponse {
    const ok = responseTo(request, 200, 'OK');
    ok.headers.append('Contact', this.#core.contact(this.link)).append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE').append('Supported', 'timer');
    return ok;
  }

  #offer(request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
    if (request.method === 'INVITE' && this.#pending2xx !== null) {
      tx.respond(responseTo(request, 491, 'Request Pending'));
      return;
    }
    const offer = sdpBody(request);
    let response = this.#ok(request);
    if (offer !== null) {
      const answer: OfferAnswer = this.events.offer?.(offer) ?? { refuse: 488 };
      if ('refuse' in answer) {
        tx.respond(responseTo(request, answer.refuse, answer.refuse === 488 ? 'Not Acceptable Here' : 'Refused'));
        return;
      }
      this.remoteSdp = offer;
      response = withSdp(response, answer.sdp);
    }
    tx.respond(response);
    if (request.method !== 'INVITE') return;
    const seq = Number.parseInt(request.headers.get('CSeq') ?? '0', 10);
    this.#pending2xx = { seq, retransmitter: new TwoXxRetransmitter(this.#core, this.link, response, from, () => { this.#pending2xx = null; }) };
  }

  /** The 2xx of the INVITE that set up this session was sent: re-send it until the ACK. */
  awaitAck(seq: number, response: SipResponse, to: SipAddress): void {
    this.#pending2xx = { seq, retransmitter: new TwoXxRetransmitter(this.#core, this.link, response, to, () => { this.#ackTimeout('ack-timeout'); }) };
  }

  #ackTimeout(cause: SessionEnd): void {
    if (this.#ended) return;
    this.#end(cause);
    this.#sendBye();
  }

  #end(cause: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#pending2xx?.retransmitter.stop();
    this.#pending2xx = null;
    this.#onEnd(this);
    this.events.ended?.(cause);
  }
}
