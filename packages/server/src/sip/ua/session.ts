/**
 * An established INVITE session (the dialog usage of RFC 3261 §13–15): BYE either way, re-INVITE and
 * UPDATE from the peer (hold, unhold, refresh: the user answers the SDP), Denwa's own re-INVITE, INFO
 * (DTMF relay), OPTIONS in the dialog, the 2xx Denwa re-sends until its ACK arrives (§13.3.1.4), and
 * the session timer (RFC 4028): refreshes when Denwa is the refresher, BYE when the peer's stop.
 */
import { randomInt } from 'node:crypto';
import type { TimerHandle } from '../../core/index.ts';
import type { Dialog } from '../dialog/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import { responseTo, type ServerTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { uriTarget, type UaCore, type UaLink } from './core.ts';
import { SessionTimer, allowsMethod, parseMinSE, refreshHeaders, uacTimerTerms, uasTimerTerms, withMinSE, type SessionTimerTerms } from './session-timer.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Why a session ended: the peer's BYE; Denwa's BYE; no ACK for Denwa's 2xx (or no PRACK for its
 * reliable 18x before it); a request in the dialog timed out or got 408/481; no session refresh in
 * time (RFC 4028).
 */
export type SessionEnd = 'bye-received' | 'bye-sent' | 'ack-timeout' | 'request-timeout' | 'session-expired';

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

/** How a session starts: Denwa's last SDP, the negotiated session timer, whether the peer takes UPDATE. */
export interface SessionInit {
  readonly localSdp?: string | null;
  readonly timer?: SessionTimerTerms | null;
  /** The peer's `Allow` lists UPDATE: session refreshes go as UPDATE without a body, else as re-INVITE. */
  readonly peerAllowsUpdate?: boolean;
  /** Receives a function that ends the session without BYE (its 2xx was never sent: no PRACK came). */
  readonly abandon?: (end: (cause: SessionEnd) => void) => void;
}

export class SipSession {
  readonly dialog: Dialog;
  readonly link: UaLink;
  /** The SDP the peer last sent (offer or answer). */
  remoteSdp: string | null;
  /** The SDP Denwa last sent (offer or answer); session refreshes by re-INVITE re-send it unchanged. */
  localSdp: string | null;
  events: SessionEvents = {};
  readonly #core: UaCore;
  readonly #onEnd: (session: SipSession) => void;
  readonly #timer: SessionTimer;
  #peerAllowsUpdate: boolean;
  #pending2xx: { readonly seq: number; readonly retransmitter: TwoXxRetransmitter } | null = null;
  /** Denwa's own re-INVITE is out (a peer's re-INVITE meanwhile gets 491, RFC 3261 §14.2). */
  #inviting = false;
  #glareRetries = 0;
  #ended = false;

  constructor(core: UaCore, link: UaLink, dialog: Dialog, remoteSdp: string | null, onEnd: (session: SipSession) => void, init: SessionInit = {}) {
    this.#core = core;
    this.link = link;
    this.dialog = dialog;
    this.remoteSdp = remoteSdp;
    this.localSdp = init.localSdp ?? null;
    this.#onEnd = onEnd;
    this.#peerAllowsUpdate = init.peerAllowsUpdate ?? false;
    this.#timer = new SessionTimer(core.clock, { refresh: () => { this.#refresh(); }, expired: () => { this.#expired(); } });
    this.#timer.set(init.timer ?? null);
    init.abandon?.((cause) => { this.#end(cause); });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The session timer in force (RFC 4028), or null when the session has none. */
  get sessionTimer(): SessionTimerTerms | null {
    return this.#timer.terms;
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
  async reinvite(sdp: string): Promise<string | null> {
    const ok = await this.#update('INVITE', sdp);
    if (ok === null) return null;
    this.localSdp = sdp;
    return sdpBody(ok);
  }

  /**
   * A re-INVITE or UPDATE from Denwa, with the session timer's headers (every one refreshes the
   * session, RFC 4028 §7.4); resolves with the 2xx, or null. A 422 is retried once with the peer's
   * Min-SE; 408, 481 and no answer end the session with BYE (RFC 4028 §10, RFC 5057).
   */
  #update(method: 'INVITE' | 'UPDATE', sdp: string | null, retried = false): Promise<SipResponse | null> {
    const to = this.#target();
    if (this.#ended || to === null || (method === 'INVITE' && this.#inviting)) return Promise.resolve(null);
    const headers: [string, string][] = [['Contact', this.#core.contact(this.link)], ['Supported', this.#core.supported], ...refreshHeaders(this.#timer.terms)];
    let request = this.dialog.request(method, { headers });
    if (sdp !== null) request = withSdp(request, sdp);
    if (method === 'INVITE') this.#inviting = true;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: SipResponse | null): void => {
        if (done) return;
        done = true;
        if (method === 'INVITE') this.#inviting = false;
        resolve(r);
      };
      this.#core.send(this.link, request, to, {
        response: (r) => {
          if (r.status < 200) return;
          if (r.status < 300) {
            // Every 2xx to a re-INVITE is ACKed, retransmissions too.
            if (method === 'INVITE') this.#core.sendAck(this.link, this.dialog.request('ACK', { seq: Number.parseInt(r.headers.get('CSeq') ?? '0', 10) }), to);
            if (done) return;
            this.#glareRetries = 0;
            if (r.headers.has('Allow')) this.#peerAllowsUpdate = allowsMethod(r, 'UPDATE');
            if (!this.#ended) this.#timer.set(uacTimerTerms(r, this.#core.sessionTimer.minSessionExpires, this.#timer.terms));
            const answer = sdpBody(r);
            if (answer !== null) this.remoteSdp = answer;
            finish(r);
            return;
          }
          const minSE = parseMinSE(r.headers.get('Min-SE'));
          const terms = this.#timer.terms;
          if (r.status === 422 && !retried && minSE !== null && terms !== null && !done) {
            this.#timer.set({ ...terms, interval: Math.max(terms.interval, minSE), minSE });
            if (method === 'INVITE') this.#inviting = false;
            done = true;
            void this.#update(method, sdp, true).then(resolve);
            return;
          }
          finish(null);
          if (r.status === 408 || r.status === 481) this.#fail('request-timeout');
          else if (r.status === 491 && this.#glareRetries++ < 3) this.#timer.retryRefresh(randomInt(100, 2000));
        },
        timeout: () => { finish(null); this.#fail('request-timeout'); },
      });
    });
  }

  /** Half the interval passed: refresh with UPDATE when the peer takes it, else re-INVITE with the same SDP. */
  #refresh(): void {
    if (this.#ended || this.#inviting) return;
    if (this.#peerAllowsUpdate || this.localSdp === null) void this.#update('UPDATE', null);
    else void this.#update('INVITE', this.localSdp);
  }

  /** No refresh in time (RFC 4028 §10): BYE. */
  #expired(): void {
    this.#fail('session-expired');
  }

  /** A request of this dialog from the peer. */
  receive(request: SipRequest, tx: ServerTransaction | null, from: SipAddress): void {
    if (request.method === 'ACK') {
      const seq = Number.parseInt(request.headers.get('CSeq') ?? '', 10);
      if (this.#pending2xx?.seq === seq) {
        this.#pending2xx.retransmitter.stop();
        this.#pending2xx = null;
        const answer = sdpBody(request);
        if (answer !== null) this.remoteSdp = answer;
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
    ok.headers.append('Contact', this.#core.contact(this.link)).append('Allow', this.#core.allow).append('Supported', this.#core.supported);
    return ok;
  }

  /** A re-INVITE or UPDATE from the peer: a new offer (or none), and a session refresh (RFC 4028 §9). */
  #offer(request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
    if (request.method === 'INVITE' && (this.#pending2xx !== null || this.#inviting)) {
      tx.respond(responseTo(request, 491, 'Request Pending'));
      return;
    }
    const timer = uasTimerTerms(request, this.#core.sessionTimer, this.#timer.terms);
    if (!timer.ok) {
      tx.respond(withMinSE(request, timer.minSE));
      return;
    }
    const offer = sdpBody(request);
    let response = this.#ok(request);
    for (const [name, value] of timer.headers) response.headers.append(name, value);
    if (offer !== null) {
      const answer: OfferAnswer = this.events.offer?.(offer) ?? { refuse: 488 };
      if ('refuse' in answer) {
        tx.respond(responseTo(request, answer.refuse, answer.refuse === 488 ? 'Not Acceptable Here' : 'Refused'));
        return;
      }
      this.remoteSdp = offer;
      this.localSdp = answer.sdp;
      response = withSdp(response, answer.sdp);
    } else if (request.method === 'INVITE' && this.localSdp !== null) {
      // An offerless re-INVITE (often a refresh): the 2xx offers the current SDP, the ACK answers.
      response = withSdp(response, this.localSdp);
    }
    if (request.headers.has('Allow')) this.#peerAllowsUpdate = allowsMethod(request, 'UPDATE');
    tx.respond(response);
    this.#timer.set(timer.terms);
    if (request.method !== 'INVITE') return;
    const seq = Number.parseInt(request.headers.get('CSeq') ?? '0', 10);
    this.#pending2xx = { seq, retransmitter: new TwoXxRetransmitter(this.#core, this.link, response, from, () => { this.#pending2xx = null; }) };
  }

  /** The 2xx of the INVITE that set up this session was sent: re-send it until the ACK. */
  awaitAck(seq: number, response: SipResponse, to: SipAddress): void {
    this.#pending2xx = { seq, retransmitter: new TwoXxRetransmitter(this.#core, this.link, response, to, () => { this.#fail('ack-timeout'); }) };
  }

  /** Ends the session for `cause` and tells the peer with BYE. */
  #fail(cause: SessionEnd): void {
    if (this.#ended) return;
    this.#end(cause);
    this.#sendBye();
  }

  #end(cause: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#timer.stop();
    this.#pending2xx?.retransmitter.stop();
    this.#pending2xx = null;
    this.#onEnd(this);
    this.events.ended?.(cause);
  }
}
