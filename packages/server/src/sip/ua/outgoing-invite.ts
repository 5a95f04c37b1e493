/**
 * An INVITE Denwa sends (RFC 3261 §13.2): provisional responses with early media, the digest
 * challenge answered once (401/407, MD5 or SHA-256), the ACK for a 2xx (also for each retransmitted
 * 2xx), CANCEL (sent once a provisional response has arrived, §9.1), a 2xx after CANCEL or from a
 * second fork ACKed and ended with BYE, and every other outcome reported as a status code.
 */
import { SipHeaders, parseVia, type SipRequest, type SipResponse } from '../message/index.ts';
import type { ClientTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { Dialog, tagOf } from '../dialog/index.ts';
import { newCallId, newTag, uriTarget, type UaCore, type UaLink } from './core.ts';
import { answerDigestChallenge, type DigestCredentials } from './digest.ts';
import { SipSession, sdpBody, withSdp } from './session.ts';

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
  #session: SipSession | null = null;
  readonly #forks = new Set<string>();

  constructor(core: UaCore, options: OutgoingInviteOptions, events: OutgoingInviteEvents, sessions: { register(s: SipSession): void; unregister(s: SipSession): void }) {
    this.#core = core;
    this.#o = options;
    this.events = events;
    this.#sessions = sessions;
    this.callId = newCallId(core.host);
    const target = uriTarget(options.proxy ?? options.uri);
    this.#link = core.link(target?.protocol ?? 'UDP');
    this.#to = target?.address ?? null;
  }

  /** Sends the INVITE; an unroutable target fails with 503 (in a microtask). */
  start(): void {
    if (this.#to === null) {
      queueMicrotask(() => { this.#fail(503, 'No route to the target (the host must be an IP address)'); });
      return;
    }
    this.#send(this.#request([]));
  }

  #request(auth: readonly (readonly [string, string])[]): SipRequest {
    const h = new SipHeaders();
    h.append('Max-Forwards', '70');
    h.append('From', `${this.#o.from};tag=${this.#fromTag}`);
    h.append('To', this.#o.to);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${String(this.#seq)} INVITE`);
    h.append('Contact', this.#core.contact(this.#link));
    h.append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE');
    h.append('User-Agent', this.#core.userAgent);
    for (const [name, value] of auth) h.append(name, value);
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
    const h = new SipHeaders();
    h.append('Max-Forwards', '70');
    for (const name of ['From', 'To', 'Call-ID'] as const) h.append(name, invite.headers.get(name) ?? '');
    h.append('CSeq', `${String(this.#seq)} CANCEL`);
    for (const route of invite.headers.getAll('Route')) h.append('Route', route);
    const branch = parseVia(invite.headers.getAll('Via')[0] ?? '')?.branch ?? undefined;
    this.#core.send(this.#link, { kind: 'request', method: 'CANCEL', uri: invite.uri, headers: h, body: new Uint8Array(0) }, to, { response: () => undefined, timeout: () => undefined }, branch);
  }

  #response(r: SipResponse): void {
    if (r.status < 200) {
      if (r.status === 100) return;
      this.#provisional = true;
      if (this.#canceled) this.#sendCancel();
      else if (!this.#settled) this.events.progress?.(r.status, r.reason, sdpBody(r));
      return;
    }
    if (r.status < 300) {
      this.#answered(r);
      return;
    }
    if ((r.status === 401 || r.status === 407) && this.#retryWithAuth(r)) return;
    this.#fail(r.status, r.reason);
  }

  #retryWithAuth(r: SipResponse): boolean {
    const credentials = this.#o.credentials;
    const challenge = r.headers.get(r.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    if (credentials === undefined || challenge === undefined || this.#canceled || this.#authTries >= 2) return false;
    const stale = /stale\s*=\s*"?true/i.test(challenge);
    if (this.#authTries === 1 && !stale) return false;
    const value = answerDigestChallenge(challenge, { method: 'INVITE', uri: this.#o.uri }, credentials);
    if (value === null) return false;
    this.#authTries++;
    this.#seq++;
    this.#provisional = false;
    this.#send(this.#request([[r.status === 401 ? 'Authorization' : 'Proxy-Authorization', value]]));
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
    const session = new SipSession(this.#core, this.#link, dialog, sdpBody(r), (s) => { this.#sessions.unregister(s); });
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
