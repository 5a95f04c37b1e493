/**
 * An INVITE Denwa received outside any dialog, until it is answered (RFC 3261 §13.3): provisional
 * responses (180, 183 with early media), the 2xx that creates a {@link SipSession}, a failure, or the
 * peer's CANCEL (200 to the CANCEL, 487 to the INVITE, §9.2).
 */
import type { SipRequest } from '../message/index.ts';
import { responseTo, type ServerTransaction } from '../transaction/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { Dialog } from '../dialog/index.ts';
import { newTag, type UaCore, type UaLink } from './core.ts';
import { SipSession, sdpBody, withSdp } from './session.ts';

export type IncomingInviteState = 'pending' | 'accepted' | 'rejected' | 'canceled';

export class IncomingInvite {
  readonly request: SipRequest;
  /** Where the INVITE came from (the packet's source). */
  readonly source: SipAddress;
  readonly link: UaLink;
  /** The offer in the INVITE; null for an offerless INVITE (not supported: answered 488 by the user). */
  readonly sdp: string | null;
  /** The caller gave up (CANCEL) before an answer; 487 has been sent. */
  onCancel: (() => void) | null = null;
  readonly #core: UaCore;
  readonly #tx: ServerTransaction;
  readonly #tag = newTag();
  readonly #register: (session: SipSession) => void;
  readonly #onEnd: (session: SipSession) => void;
  #state: IncomingInviteState = 'pending';

  constructor(core: UaCore, link: UaLink, request: SipRequest, tx: ServerTransaction, source: SipAddress, sessions: { register(s: SipSession): void; unregister(s: SipSession): void }) {
    this.#core = core;
    this.link = link;
    this.request = request;
    this.#tx = tx;
    this.source = source;
    this.sdp = sdpBody(request);
    this.#register = (s) => { sessions.register(s); };
    this.#onEnd = (s) => { sessions.unregister(s); };
  }

  get state(): IncomingInviteState {
    return this.#state;
  }

  get callId(): string {
    return this.request.headers.get('Call-ID') ?? '';
  }

  /** 180 Ringing, or 183 Session Progress with early media SDP. */
  progress(status: 180 | 183, sdp?: string): void {
    if (this.#state !== 'pending') return;
    let r = responseTo(this.request, status, status === 180 ? 'Ringing' : 'Session Progress', this.#tag);
    r.headers.append('Contact', this.#core.contact(this.link));
    if (sdp !== undefined) r = withSdp(r, sdp);
    this.#tx.respond(r);
  }

  /** Answers with 200 and `sdp`; the 200 is re-sent until the ACK. */
  accept(sdp: string): SipSession | null {
    if (this.#state !== 'pending') return null;
    this.#state = 'accepted';
    const ok = withSdp(responseTo(this.request, 200, 'OK', this.#tag), sdp);
    ok.headers.append('Contact', this.#core.contact(this.link)).append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE').append('User-Agent', this.#core.userAgent);
    const dialog = Dialog.fromRequest(this.request, this.#tag);
    const session = new SipSession(this.#core, this.link, dialog, this.sdp, this.#onEnd);
    this.#register(session);
    this.#tx.respond(ok);
    session.awaitAck(dialog.remoteSeq ?? 0, ok, this.source);
    return session;
  }

  /** Refuses the call (486 Busy Here, 404, 403, 480, 488, 503, …). */
  reject(status: number, reason: string, headers: readonly (readonly [string, string])[] = []): void {
    if (this.#state !== 'pending') return;
    this.#state = 'rejected';
    const r = responseTo(this.request, status, reason, this.#tag);
    for (const [name, value] of headers) r.headers.append(name, value);
    this.#tx.respond(r);
  }

  /** The CANCEL for this INVITE arrived (its own transaction is answered by the user agent). */
  cancel(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'canceled';
    this.#tx.respond(responseTo(this.request, 487, 'Request Terminated', this.#tag));
    this.onCancel?.();
  }
}
