/**
 * Denwa's SIP user agent core (RFC 3261 §8, §12–15), over one transaction layer per transport. It
 * sends INVITEs ({@link OutgoingInvite}), hands new INVITEs to its handler ({@link IncomingInvite}),
 * answers CANCEL, routes requests inside a dialog to their {@link SipSession} and PRACKs to the
 * INVITE whose reliable provisional they acknowledge, answers OPTIONS, registers with carriers
 * ({@link Registration}), and refuses what it does not do: extensions it does not know in `Require`
 * (420), session intervals below its minimum (422), other methods (405, unless the handler takes
 * them). A screen hook sees every new request first (allow-lists, scanners, rate limits).
 */
import type { Clock, Logger } from '../../core/index.ts';
import { dialogKey, tagOf } from '../dialog/index.ts';
import { SipHeaders, parseVia, serializeSipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { DEFAULT_SIP_TIMERS, TransactionLayer, responseTo, type ServerTransaction, type SipTimers } from '../transaction/index.ts';
import type { SipAddress, SipTransport, SipTransportProtocol } from '../transport/index.ts';
import { newCallId, newTag, uriTarget, withVia, type ReliableProvisionalMode, type UaCore, type UaLink } from './core.ts';
import { IncomingInvite, type IncomingInviteRegistry } from './incoming-invite.ts';
import { OutgoingInvite, type OutgoingInviteEvents, type OutgoingInviteOptions } from './outgoing-invite.ts';
import { Registration, type RegistrationEvents, type RegistrationOptions } from './registration.ts';
import type { SipSession } from './session.ts';
import { DEFAULT_SESSION_TIMER, uasTimerTerms, withMinSE } from './session-timer.ts';

/** What the screen hook decides for a new request: go on, drop it silently, or refuse it. */
export type ScreenVerdict = 'accept' | 'drop' | { readonly status: number; readonly reason: string };

export interface SipUaHandler {
  /** A new INVITE: the handler answers it (progress, accept or reject). */
  invite(invite: IncomingInvite): void;
  /** Every request outside a dialog before anything else (default: accept). */
  screen?(request: SipRequest, source: SipAddress, protocol: SipTransportProtocol): ScreenVerdict;
  /**
   * Other requests outside a dialog (REGISTER, MESSAGE, SUBSCRIBE, …; not INVITE, CANCEL, OPTIONS or
   * BYE): the handler answers through `tx`. Without this hook they get 405.
   */
  request?(request: SipRequest, tx: ServerTransaction, source: SipAddress): void;
}

export interface SipUserAgentOptions {
  readonly clock: Clock;
  /** At least one; the first of a protocol serves it. */
  readonly transports: readonly SipTransport[];
  /** Host in Via and Contact (the public address); default: the first transport's address. */
  readonly host?: string;
  readonly userAgent?: string;
  readonly timers?: SipTimers;
  readonly log?: Logger;
  readonly handler: SipUaHandler;
  /** The session interval Denwa asks for and grants at most, seconds (RFC 4028; default 1800; 0: ask for none). */
  readonly sessionExpires?: number;
  /** The shortest session interval Denwa accepts, seconds (`Min-SE`; default 90, the RFC's floor; lower only in tests). */
  readonly minSessionExpires?: number;
  /** Reliable provisional responses (RFC 3262; default `supported`): see {@link ReliableProvisionalMode}. */
  readonly reliableProvisional?: ReliableProvisionalMode;
}

export interface SipUaStats {
  /** Requests the screen dropped or refused. */
  screened: number;
  /** In-dialog requests for no known dialog (481). */
  unknownDialog: number;
}

export class SipUserAgent {
  readonly stats: SipUaStats = { screened: 0, unknownDialog: 0 };
  readonly #core: UaCore;
  readonly #links: UaLink[] = [];
  readonly #handler: SipUaHandler;
  readonly #sessions = new Map<string, SipSession>();
  /** Unanswered incoming INVITEs by Call-ID and top Via branch (for CANCEL). */
  readonly #pending = new Map<string, IncomingInvite>();
  /** Early dialogs of incoming INVITEs sending reliable provisionals: where their PRACKs go. */
  readonly #early = new Map<string, (request: SipRequest, tx: ServerTransaction) => void>();
  readonly #registrations = new Set<Registration>();
  readonly #registry: IncomingInviteRegistry = {
    register: (s: SipSession): void => { this.#sessions.set(s.dialog.key, s); },
    unregister: (s: SipSession): void => { if (this.#sessions.get(s.dialog.key) === s) this.#sessions.delete(s.dialog.key); },
    early: (key, prack) => { if (prack === null) this.#early.delete(key); else this.#early.set(key, prack); },
  };

  constructor(options: SipUserAgentOptions) {
    if (options.transports.length === 0) throw new TypeError('a SIP user agent needs a transport');
    this.#handler = options.handler;
    const host = options.host ?? options.transports[0]?.local.address ?? '127.0.0.1';
    const links = this.#links;
    const timers = options.timers ?? DEFAULT_SIP_TIMERS;
    const reliableProvisional = options.reliableProvisional ?? 'supported';
    this.#core = {
      clock: options.clock,
      timers,
      log: options.log ?? null,
      userAgent: options.userAgent ?? 'Denwa',
      sessionTimer: {
        sessionExpires: options.sessionExpires ?? DEFAULT_SESSION_TIMER.sessionExpires,
        minSessionExpires: options.minSessionExpires ?? DEFAULT_SESSION_TIMER.minSessionExpires,
      },
      reliableProvisional,
      supported: reliableProvisional === 'never' ? 'timer' : 'timer, 100rel',
      allow: `INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE${reliableProvisional === 'never' ? '' : ', PRACK'}`,
      host,
      link: (protocol) => links.find((l) => l.transport.protocol === protocol) ?? links.find((l) => l.transport.protocol === 'UDP') ?? (links[0] as UaLink),
      contact: (link, user = 'denwa') => {
        const t = link.transport;
        return `<sip:${user}@${host}:${String(t.local.port)}${t.protocol === 'UDP' ? '' : `;transport=${t.protocol.toLowerCase()}`}>`;
      },
      send: (link, request, to, user, branch) => link.layer.sendRequest(withVia(request, link, host, branch), to, user),
      sendAck: (link, ack, to) => { link.layer.sendStateless(withVia(ack, link, host), to); },
      resend: (link, response, to) => { link.transport.send(serializeSipMessage(response), to); },
    };
    for (const transport of options.transports) {
      const link: { transport: SipTransport; layer: TransactionLayer | null } = { transport, layer: null };
      link.layer = new TransactionLayer({
        clock: options.clock,
        transport,
        timers,
        user: {
          request: (request, tx, from) => { this.#request(link as UaLink, request, tx, from); },
          strayResponse: (response) => { this.#strayResponse(response); },
        },
      });
      links.push(link as UaLink);
    }
  }

  /** Open server and client transactions, and malformed messages dropped, over every transport (metrics, tests). */
  get transactions(): { readonly server: number; readonly client: number; readonly malformed: number } {
    let server = 0;
    let client = 0;
    let malformed = 0;
    for (const { layer } of this.#links) {
      server += layer.serverTransactions;
      client += layer.clientTransactions;
      malformed += layer.stats.malformed;
    }
    return { server, client, malformed };
  }

  /** Live sessions (answered calls, either direction). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Places a call. */
  invite(options: OutgoingInviteOptions, events: OutgoingInviteEvents = {}): OutgoingInvite {
    const invite = new OutgoingInvite(this.#core, options, events, this.#registry);
    invite.start();
    return invite;
  }

  /**
   * Registers `options.aor` with a carrier's registrar (RFC 3261 §10) and keeps the binding fresh
   * until {@link Registration.unregister}.
   */
  register(options: RegistrationOptions, events: RegistrationEvents = {}): Registration {
    const registration = new Registration(this.#core, options, events, () => { this.#registrations.delete(registration); });
    this.#registrations.add(registration);
    registration.start();
    return registration;
  }

  /**
   * OPTIONS to `uri` (trunk keep-alive, RFC 3261 §11): resolves with the final status, 408 when nothing
   * answered, 503 when the URI's host is not an IP address.
   */
  ping(uri: string): Promise<number> {
    const target = uriTarget(uri);
    if (target === null) return Promise.resolve(503);
    const link = this.#core.link(target.protocol);
    const h = new SipHeaders();
    h.append('Max-Forwards', '70').append('From', `${this.#core.contact(link)};tag=${newTag()}`).append('To', `<${uri}>`)
      .append('Call-ID', newCallId(this.#core.host)).append('CSeq', '1 OPTIONS').append('User-Agent', this.#core.userAgent).append('Accept', 'application/sdp');
    return new Promise((resolve) => {
      this.#core.send(link, { kind: 'request', method: 'OPTIONS', uri, headers: h, body: new Uint8Array(0) }, target.address, {
        response: (r) => { if (r.status >= 200) resolve(r.status); },
        timeout: () => { resolve(408); },
      });
    });
  }

  /** Ends every session with BYE and removes every registration (shutdown; best effort, nothing awaited). */
  close(): void {
    for (const registration of [...this.#registrations]) void registration.unregister();
    for (const session of [...this.#sessions.values()]) session.bye();
    for (const invite of [...this.#pending.values()]) invite.reject(503, 'Service Unavailable');
    this.#pending.clear();
  }

  #request(link: UaLink, request: SipRequest, tx: ServerTransaction | null, from: SipAddress): void {
    const callId = request.headers.get('Call-ID') ?? '';
    const toTag = tagOf(request.headers.get('To'));
    if (request.method === 'PRACK' && tx !== null) {
      const prack = toTag === null ? undefined : this.#early.get(dialogKey(callId, toTag, tagOf(request.headers.get('From')) ?? ''));
      if (prack === undefined) tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
      else prack(request, tx);
      return;
    }
    if (toTag !== null) {
      const session = this.#sessions.get(dialogKey(callId, toTag, tagOf(request.headers.get('From')) ?? ''));
      if (session !== undefined) session.receive(request, tx, from);
      else if (tx !== null) {
        this.stats.unknownDialog++;
        tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
      }
      return;
    }
    if (tx === null) return;
    if (request.method === 'CANCEL') {
      this.#cancel(request, tx);
      return;
    }
    const verdict = this.#handler.screen?.(request, from, link.transport.protocol) ?? 'accept';
    if (verdict !== 'accept') {
      this.stats.screened++;
      if (verdict !== 'drop') tx.respond(responseTo(request, verdict.status, verdict.reason));
      return;
    }
    if (!this.#extensionsKnown(request, tx)) return;
    switch (request.method) {
      case 'INVITE':
        this.#invite(link, request, tx, from);
        return;
      case 'OPTIONS': {
        const ok = responseTo(request, 200, 'OK');
        ok.headers.append('Allow', this.#core.allow).append('Accept', 'application/sdp').append('Supported', this.#core.supported);
        tx.respond(ok);
        return;
      }
      case 'BYE':
        tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
        return;
      default:
        this.#other(request, tx, from);
    }
  }

  /** A method the user agent does not handle itself: the handler's `request` hook, else 405 with Allow. */
  #other(request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
    if (this.#handler.request === undefined) {
      const r = responseTo(request, 405, 'Method Not Allowed');
      r.headers.append('Allow', this.#core.allow);
      tx.respond(r);
      return;
    }
    try {
      this.#handler.request(request, tx, from);
    } catch (err) {
      this.#core.log?.error({ err, method: request.method }, 'SIP request handler threw');
      tx.respond(responseTo(request, 500, 'Server Internal Error'));
    }
  }

  /** RFC 3261 §8.2.2.3: an option tag in `Require` that Denwa does not do gets 420 with `Unsupported`. */
  #extensionsKnown(request: SipRequest, tx: ServerTransaction): boolean {
    const known = this.#core.supported.split(',').map((t) => t.trim());
    const unknown = request.headers.getAll('Require').filter((t) => !known.includes(t.toLowerCase()));
    if (unknown.length === 0) return true;
    const r = responseTo(request, 420, 'Bad Extension');
    r.headers.append('Unsupported', unknown.join(', '));
    tx.respond(r);
    return false;
  }

  #pendingKey(request: SipRequest): string {
    const branch = parseVia(request.headers.getAll('Via')[0] ?? '')?.branch ?? '';
    return `${request.headers.get('Call-ID') ?? ''}\u0000${branch}`;
  }

  #invite(link: UaLink, request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
    const timer = uasTimerTerms(request, this.#core.sessionTimer, null);
    if (!timer.ok) {
      tx.respond(withMinSE(request, timer.minSE));
      return;
    }
    const invite = new IncomingInvite(this.#core, link, request, tx, from, this.#registry);
    const key = this.#pendingKey(request);
    this.#pending.set(key, invite);
    // Forget it once answered; an INVITE transaction lasts at most 64·T1 after its final response.
    const forget = (): void => { if (invite.state === 'pending') this.#core.clock.setTimeout(forget, 1000); else this.#pending.delete(key); };
    this.#core.clock.setTimeout(forget, 1000);
    try {
      this.#handler.invite(invite);
    } catch (err) {
      this.#core.log?.error({ err }, 'SIP INVITE handler threw');
      invite.reject(500, 'Server Internal Error');
    }
  }

  /** CANCEL (§9.2): 200 to the CANCEL; the INVITE gets 487 when it is still unanswered. */
  #cancel(request: SipRequest, tx: ServerTransaction): void {
    const invite = this.#pending.get(this.#pendingKey(request));
    if (invite === undefined) {
      tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    tx.respond(responseTo(request, 200, 'OK', invite.localTag));
    invite.cancel();
  }

  /** A 2xx re-sent after its transaction ended: ACK it again through its session's dialog. */
  #strayResponse(response: SipResponse): void {
    if (response.status < 200 || response.status >= 300) return;
    if (!/INVITE/i.test(response.headers.get('CSeq') ?? '')) return;
    const key = dialogKey(response.headers.get('Call-ID') ?? '', tagOf(response.headers.get('From')) ?? '', tagOf(response.headers.get('To')) ?? '');
    const session = this.#sessions.get(key);
    if (session === undefined) return;
    const seq = Number.parseInt(response.headers.get('CSeq') ?? '0', 10);
    session.resendAck(seq);
  }
}
