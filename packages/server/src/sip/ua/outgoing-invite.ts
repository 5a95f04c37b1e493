/**
 * An INVITE Denwa sends (RFC 3261 §13.2): provisional responses with early media (a reliable one,
 * RFC 3262, PRACKed in its early dialog before the user hears of it; retransmissions and ones out
 * of order dropped), the digest challenge answered once (401/407, MD5 or SHA-256), a 422 retried
 * once with the peer's Min-SE (RFC 4028 §7.4), the ACK for a 2xx (also for each retransmitted 2xx),
 * CANCEL (sent once a provisional response has arrived, §9.1), a 2xx after CANCEL or from a second
 * fork ACKed and ended with BYE, and every other outcome reported as a status code. The INVITE asks
 * for a session timer (`Session-Expires`, `Supported: timer`); the 2xx says who refreshes.
 *
 * Ringing lasts until the user cancels, at most {@link MAX_RINGING_MS} after the last provisional
 * response (then CANCEL and 408), or 64·T1 after a lone 100 Trying; an INVITE still without a final
 * response 64·T1 after its CANCEL is given up (§9.1).
 */
import type { TimerHandle } from '../../core/index.ts';
import { SipHeaders, parseVia, type SipRequest, type SipResponse } from '../message/index.ts';
import type { ClientTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { Dialog, tagOf } from '../dialog/index.ts';
import { newCallId, newTag, uriTarget, type UaCore, type UaLink } from './core.ts';
import { answerDigestChallenge, type DigestCredentials } from './digest.ts';
import { RSeqTracker, isReliable } from './reliable.ts';
import { SipSession, sdpBody, withSdp } from './session.ts';
import { allowsMethod, parseMinSE, uacTimerTerms } from './session-timer.ts';

/** The longest Denwa waits for a final response after a provisional one (Timer C of a proxy, RFC 3261 §16.6, is over 3 minutes). */
export const MAX_RINGING_MS = 180_000;

export interface OutgoingInviteOptions {
  /** The Request-URI, e.g. `sip:+81312345678@carrier.example`. */
  readonly uri: string;
  /** From without a tag, e.g. `<sip:+815012345678@denwa.example>`. */
  readonly from: string;
  /** To, e.g. `<sip:+81312345678@carrier.example>`. */
  readonly to: string;
  readonly sdp: string;
  /** Answers a 401/407 challenge once. */
  readonly credentials?: DigestCredentials;
  /** An outbound proxy URI (`sip:10.0.0.1:5060;transport=tcp`); default: the Request-URI's host. */
  readonly proxy?: string;
  /** Extra headers (P-Asserted-Identity, Privacy, X-…). */
  readonly headers?: readonly (readonly [string, string])[];
}

export interface OutgoingInviteEvents {
  /** 101–199: `sdp` is early media (183 or 180 with SDP). */
  progress?(status: number, reason: string, sdp: string | null): void;
  answered?(session: SipSession, sdp: string | null): void;
  /** A final failure: the peer's status, 408 when nothing answered, 487 once canceled, 503 with no route. */
  failed?(status: number, reason: string): void;
}

export class OutgoingInvite {
  readonly callId: string;
  events: OutgoingInviteEvents;
  readonly #core: UaCore;
  readonly #link: UaLink;
  readonly #to: SipAddress | null;
  readonly #o: OutgoingInviteOptions;
  readonly #sessions: { register(s: SipSession): void; unregister(s: SipSession): void };
  readonly #fromTag = newTag();
  #seq = 1;
  #tx: ClientTransaction | null = null;
  #provisional = false;
  #canceled = false;
  #cancelSent = false;
  #settled = false;
  #authTries = 0;
  /** The last challenge answered: every later INVITE of this call carries a fresh answer to it. */
  #challenge: { readonly status: 401 | 407; readonly value: string } | null = null;
  #sessionExpires: number;
  #minSE: number;
  #retried422 = false;
  #session: SipSession | null = null;
  readonly #forks = new Set<string>();
  readonly #rseq = new RSeqTracker();
  /** Early dialogs by To tag, set up by the PRACKs sent in them (their CSeq numbers go on in the session). */
  readonly #early = new Map<string, Dialog>();
  #ringing: TimerHandle | null = null;

  constructor(core: UaCore, options: OutgoingInviteOptions, events: OutgoingInviteEvents, sessions: { register(s: SipSession): void; unregister(s: SipSession): void }) {
    this.#core = core;
    this.#o = options;
    this.events = events;
    this.#sessions = sessions;
    this.callId = newCallId(core.host);
    const target = uriTarget(options.proxy ?? options.uri);
    this.#link = core.link(target?.protocol ?? 'UDP');
    this.#to = target?.address ?? null;
    this.#sessionExpires = core.sessionTimer.sessionExpires;
    this.#minSE = core.sessionTimer.minSessionExpires;
  }

  /** Sends the INVITE; an unroutable target fails with 503 (in a microtask). */
  start(): void {
    if (this.#to === null) {
      queueMicrotask(() => { this.#fail(503, 'No route to the target (the host must be an IP address)'); });
      return;
    }
    this.#send(this.#request());
  }

  #request(): SipRequest {
    const h = new SipHeaders();
    h.append('Max-Forwards', '70');
    h.append('From', `${this.#o.from};tag=${this.#fromTag}`);
    h.append('To', this.#o.to);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${String(this.#seq)} INVITE`);
    h.append('Contact', this.#core.contact(this.#link));
    h.append('Allow', this.#core.allow);
    h.append('Supported', this.#core.supported);
    if (this.#core.reliableProvisional === 'required') h.append('Require', '100rel');
    if (this.#sessionExpires > 0) h.append('Session-Expires', String(this.#sessionExpires)).append('Min-SE', String(this.#minSE));
    h.append('User-Agent', this.#core.userAgent);
    const challenge = this.#challenge;
    const credentials = this.#o.credentials;
    const answer = challenge === null || credentials === undefined ? null : answerDigestChallenge(challenge.value, { method: 'INVITE', uri: this.#o.uri }, credentials);
    if (answer !== null && challenge !== null) h.append(challenge.status === 401 ? 'Authorization' : 'Proxy-Authorization', answer);
    for (const [name, value] of this.#o.headers ?? []) h.append(name, value);
    return withSdp({ kind: 'request', method: 'INVITE', uri: this.#o.uri, headers: h, body: new Uint8Array(0) }, this.#o.sdp);
  }

  #send(request: SipRequest): void {
    const to = this.#to;
    if (to === null) return;
    this.#tx = this.#core.send(this.#link, request, to, {
      response: (r) => { this.#response(r); },
      timeout: () => { this.#fail(408, 'Request Timeout'); },
    });
  }

  /** Gives up: CANCEL goes out now or once a provisional response arrives; the user hears 487 at once. */
  cancel(): void {
    if (this.#settled || this.#canceled) return;
    this.#canceled = true;
    if (this.#provisional) this.#sendCancel();
    this.#fail(487, 'Request Terminated');
  }

  #sendCancel(): void {
    const invite = this.#tx?.request;
    const to = this.#to;
    if (this.#cancelSent || invite === undefined || to === null) return;
    this.#cancelSent = true;
    this.#clearRinging();
    const tx = this.#tx;
    this.#core.clock.setTimeout(() => { tx?.terminate(); }, 64 * this.#core.timers.t1);
    const h = new SipHeaders();
    h.append('Max-Forwards', '70');
    for (const name of ['From', 'To', 'Call-ID'] as const) h.append(name, invite.headers.get(name) ?? '');
    h.append('CSeq', `${String(this.#seq)} CANCEL`);
    for (const route of invite.headers.getAll('Route')) h.append('Route', route);
    const branch = parseVia(invite.headers.getAll('Via')[0] ?? '')?.branch ?? undefined;
    this.#core.send(this.#link, { kind: 'request', method: 'CANCEL', uri: invite.uri, headers: h, body: new Uint8Array(0) }, to, { response: () => undefined, timeout: () => undefined }, branch);
  }

  #response(r: SipResponse): void {
    if (r.status >= 200) this.#clearRinging();
    if (r.status < 200) {
      if (r.status === 100) {
        if (!this.#provisional && this.#ringing === null && !this.#canceled) this.#ring(64 * this.#core.timers.t1);
        return;
      }
      this.#provisional = true;
      if (this.#canceled) {
        this.#sendCancel();
        return;
      }
      this.#ring(MAX_RINGING_MS);
      if (isReliable(r)) {
        if (!this.#rseq.accept(r)) return;
        if (!this.#settled) this.#prack(r);
      }
      if (!this.#settled) this.events.progress?.(r.status, r.reason, sdpBody(r));
      return;
    }
    if (r.status < 300) {
      this.#answered(r);
      return;
    }
    if ((r.status === 401 || r.status === 407) && this.#retryWithAuth(r)) return;
    if (r.status === 422 && this.#retryWithMinSE(r)) return;
    this.#fail(r.status, r.reason);
  }

  /**
   * (Re)starts the wait for a final response: CANCEL and 408 when none comes in time. After only a
   * 100 Trying the wait is Timer B's 64·T1, and the INVITE is given up without CANCEL (§9.1 allows
   * none before a provisional response).
   */
  #ring(ms: number): void {
    this.#clearRinging();
    this.#ringing = this.#core.clock.setTimeout(() => {
      this.#ringing = null;
      if (this.#settled || this.#canceled) return;
      this.#canceled = true;
      if (this.#provisional) this.#sendCancel();
      else this.#tx?.terminate();
      this.#fail(408, 'Request Timeout');
    }, ms);
  }

  #clearRinging(): void {
    if (this.#ringing !== null) this.#core.clock.clearTimeout(this.#ringing);
    this.#ringing = null;
  }

  /** PRACK for a new reliable provisional (RFC 3262 §4), in its early dialog. */
  #prack(r: SipResponse): void {
    const invite = this.#tx?.request;
    const tag = tagOf(r.headers.get('To'));
    if (invite === undefined || tag === null || this.#to === null) return;
    const dialog = this.#early.get(tag) ?? Dialog.fromResponse(invite, r);
    if (dialog === null) return;
    this.#early.set(tag, dialog);
    const rack = `${r.headers.get('RSeq')?.trim() ?? ''} ${String(this.#seq)} INVITE`;
    const prack = dialog.request('PRACK', { headers: [['RAck', rack], ['User-Agent', this.#core.userAgent]] });
    this.#core.send(this.#link, prack, uriTarget(dialog.nextHop())?.address ?? this.#to, { response: () => undefined, timeout: () => undefined });
  }

  /** A new INVITE transaction of this call (CSeq + 1): its early dialogs start afresh. */
  #resend(): void {
    this.#seq++;
    this.#provisional = false;
    this.#rseq.clear();
    this.#early.clear();
    this.#send(this.#request());
  }

  /** 422 Session Interval Too Small: once more with the peer's Min-SE as both interval floor and Min-SE. */
  #retryWithMinSE(r: SipResponse): boolean {
    const min = parseMinSE(r.headers.get('Min-SE'));
    if (min === null || this.#retried422 || this.#canceled || this.#sessionExpires <= 0) return false;
    this.#retried422 = true;
    this.#minSE = Math.max(this.#minSE, min);
    this.#sessionExpires = Math.max(this.#sessionExpires, min);
    this.#resend();
    return true;
  }

  #retryWithAuth(r: SipResponse): boolean {
    const credentials = this.#o.credentials;
    const challenge = r.headers.get(r.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    if (credentials === undefined || challenge === undefined || this.#canceled || this.#authTries >= 2) return false;
    const stale = /stale\s*=\s*"?true/i.test(challenge);
    if (this.#authTries === 1 && !stale) return false;
    if (answerDigestChallenge(challenge, { method: 'INVITE', uri: this.#o.uri }, credentials) === null) return false;
    this.#authTries++;
    this.#challenge = { status: r.status === 401 ? 401 : 407, value: challenge };
    this.#resend();
    return true;
  }

  #answered(r: SipResponse): void {
    const invite = this.#tx?.request;
    const to = this.#to;
    if (invite === undefined || to === null) return;
    const dialog = Dialog.fromResponse(invite, r);
    const tag = tagOf(r.headers.get('To'));
    if (dialog === null || tag === null) return;
    const ackTo = (d: Dialog): SipAddress => uriTarget(d.nextHop())?.address ?? to;
    // Every 2xx is ACKed, retransmissions too (RFC 6026).
    this.#core.sendAck(this.#link, dialog.request('ACK', { seq: this.#seq }), ackTo(dialog));
    if (this.#forks.has(tag)) return;
    this.#forks.add(tag);
    // The session's CSeq numbers go on after the PRACKs of its early dialog.
    dialog.localSeq = Math.max(dialog.localSeq, this.#early.get(tag)?.localSeq ?? 0);
    const session = new SipSession(this.#core, this.#link, dialog, sdpBody(r), (s) => { this.#sessions.unregister(s); }, {
      localSdp: this.#o.sdp,
      timer: uacTimerTerms(r, this.#minSE, null),
      peerAllowsUpdate: allowsMethod(r, 'UPDATE'),
    });
    this.#sessions.register(session);
    if (this.#session !== null || this.#canceled || this.#settled) {
      session.bye();
      return;
    }
    this.#session = session;
    this.#settled = true;
    this.events.answered?.(session, sdpBody(r));
  }

  #fail(status: number, reason: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.events.failed?.(status, reason);
  }
}
