/**
 * An INVITE Denwa received outside any dialog, until it is answered (RFC 3261 §13.3): provisional
 * responses (180, 183 with early media; reliable ones with RSeq and PRACK when the caller wants them,
 * RFC 3262), the 2xx that creates a {@link SipSession} (with the session timer's `Session-Expires`,
 * RFC 4028 §9), a failure, or the peer's CANCEL (200 to the CANCEL, 487 to the INVITE, §9.2).
 */
import type { SipRequest } from '../message/index.ts';
import { responseTo, type ServerTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { Dialog, dialogKey, tagOf } from '../dialog/index.ts';
import { newTag, type UaCore, type UaLink } from './core.ts';
import { ReliableProvisionals } from './reliable.ts';
import { SipSession, sdpBody, withSdp, type SessionEnd } from './session.ts';
import { allowsMethod, hasOptionTag, uasTimerTerms } from './session-timer.ts';

export type IncomingInviteState = 'pending' | 'accepted' | 'rejected' | 'canceled';

/** Where an incoming INVITE registers its session and, while it sends reliable provisionals, its early dialog (for PRACK). */
export interface IncomingInviteRegistry {
  register(s: SipSession): void;
  unregister(s: SipSession): void;
  /** PRACKs for the early dialog `key` go to `prack` (null: no longer). */
  early?(key: string, prack: ((request: SipRequest, tx: ServerTransaction) => void) | null): void;
}

export class IncomingInvite {
  readonly request: SipRequest;
  /** Where the INVITE came from (the packet's source). */
  readonly source: SipAddress;
  readonly link: UaLink;
  /** The offer in the INVITE; null for an offerless INVITE (not supported: answered 488 by the user). */
  readonly sdp: string | null;
  /**
   * The caller gave up (CANCEL) before an answer, and 487 has been sent; or, before an answer, a
   * reliable 18x never got its PRACK and 500 has been sent (after an answer, the session ends instead).
   */
  onCancel: (() => void) | null = null;
  readonly #core: UaCore;
  readonly #tx: ServerTransaction;
  readonly #tag = newTag();
  readonly #registry: IncomingInviteRegistry;
  /** Set when the 18x go reliably (RFC 3262). */
  readonly #reliable: ReliableProvisionals | null;
  #earlyKey: string | null = null;
  #abandon: ((cause: SessionEnd) => void) | null = null;
  #state: IncomingInviteState = 'pending';

  constructor(core: UaCore, link: UaLink, request: SipRequest, tx: ServerTransaction, source: SipAddress, registry: IncomingInviteRegistry) {
    this.#core = core;
    this.link = link;
    this.request = request;
    this.#tx = tx;
    this.source = source;
    this.sdp = sdpBody(request);
    this.#registry = registry;
    const requires = hasOptionTag(request, 'Require', '100rel');
    const supports = requires || hasOptionTag(request, 'Supported', '100rel');
    const mode = core.reliableProvisional;
    const reliable = mode !== 'never' && (requires || (mode === 'required' && supports));
    this.#reliable = reliable ? new ReliableProvisionals(core, link, request, (r) => { tx.respond(r); }, () => { this.#noPrack(); }) : null;
  }

  get state(): IncomingInviteState {
    return this.#state;
  }

  get callId(): string {
    return this.request.headers.get('Call-ID') ?? '';
  }

  /** The To tag of every response to this INVITE (and to its CANCEL, RFC 3261 §9.2). */
  get localTag(): string {
    return this.#tag;
  }

  /** Whether the 18x go reliably (the caller required 100rel, or supports it and Denwa requires it). */
  get reliableProvisionals(): boolean {
    return this.#reliable !== null;
  }

  /** 180 Ringing, or 183 Session Progress with early media SDP (reliable ones wait for the PRACK of the one before). */
  progress(status: 180 | 183, sdp?: string): void {
    if (this.#state !== 'pending') return;
    let r = responseTo(this.request, status, status === 180 ? 'Ringing' : 'Session Progress', this.#tag);
    r.headers.append('Contact', this.#core.contact(this.link));
    if (sdp !== undefined) r = withSdp(r, sdp);
    if (this.#reliable === null) {
      this.#tx.respond(r);
      return;
    }
    r.headers.append('Allow', this.#core.allow);
    this.#listenForPrack();
    this.#reliable.send(r);
  }

  /**
   * Answers with 200 and `sdp` (re-sent until the ACK). With a reliable provisional still waiting for
   * its PRACK, the 200 goes once the PRACK came (RFC 3262 §3); the session exists at once.
   */
  accept(sdp: string): SipSession | null {
    if (this.#state !== 'pending') return null;
    this.#state = 'accepted';
    const timer = uasTimerTerms(this.request, this.#core.sessionTimer, null);
    const ok = withSdp(responseTo(this.request, 200, 'OK', this.#tag), sdp);
    ok.headers.append('Contact', this.#core.contact(this.link)).append('Allow', this.#core.allow).append('Supported', this.#core.supported).append('User-Agent', this.#core.userAgent);
    if (timer.ok) for (const [name, value] of timer.headers) ok.headers.append(name, value);
    const dialog = Dialog.fromRequest(this.request, this.#tag);
    const session = new SipSession(this.#core, this.link, dialog, this.sdp, (s) => { this.#registry.unregister(s); }, {
      localSdp: sdp,
      timer: timer.ok ? timer.terms : null,
      peerAllowsUpdate: allowsMethod(this.request, 'UPDATE'),
      abandon: (end) => { this.#abandon = end; },
    });
    this.#registry.register(session);
    const send = (): void => {
      this.#final();
      this.#tx.respond(ok);
      session.awaitAck(dialog.remoteSeq ?? 0, ok, this.source);
    };
    if (this.#reliable === null) send();
    else this.#reliable.whenAcknowledged(send);
    return session;
  }

  /** Refuses the call (486 Busy Here, 404, 403, 480, 488, 503, …). */
  reject(status: number, reason: string, headers: readonly (readonly [string, string])[] = []): void {
    if (this.#state !== 'pending') return;
    this.#state = 'rejected';
    const r = responseTo(this.request, status, reason, this.#tag);
    for (const [name, value] of headers) r.headers.append(name, value);
    this.#final();
    this.#tx.respond(r);
  }

  /** The CANCEL for this INVITE arrived (its own transaction is answered by the user agent). */
  cancel(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'canceled';
    this.#final();
    this.#tx.respond(responseTo(this.request, 487, 'Request Terminated', this.#tag));
    this.onCancel?.();
  }

  /** A final response goes out: no more reliable provisionals, and PRACKs no longer come here. */
  #final(): void {
    this.#reliable?.stop();
    if (this.#earlyKey !== null) this.#registry.early?.(this.#earlyKey, null);
    this.#earlyKey = null;
  }

  #listenForPrack(): void {
    if (this.#earlyKey !== null) return;
    this.#earlyKey = dialogKey(this.callId, this.#tag, tagOf(this.request.headers.get('From')) ?? '');
    this.#registry.early?.(this.#earlyKey, (request, tx) => { this.#prack(request, tx); });
  }

  /** A PRACK in the early dialog: 200 when it acknowledges the 18x in flight (then what waited goes), else 481. */
  #prack(request: SipRequest, tx: ServerTransaction): void {
    if (this.#reliable?.acknowledge(request) !== true) {
      tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    tx.respond(responseTo(request, 200, 'OK'));
    this.#reliable.drain();
  }

  /** 64·T1 without a PRACK: the INVITE is refused with 500 (RFC 3262 §3), and an accepted session ends unsent. */
  #noPrack(): void {
    const accepted = this.#state === 'accepted';
    if (this.#state !== 'pending' && !accepted) return;
    this.#state = 'rejected';
    this.#final();
    this.#tx.respond(responseTo(this.request, 500, 'Reliable Provisional Response Not Acknowledged', this.#tag));
    if (accepted) this.#abandon?.('ack-timeout');
    else this.onCancel?.();
  }
}
