/**
 * Denwa's SIP user agent core (RFC 3261 §8, §12–15), over one transaction layer per transport. It
 * sends INVITEs ({@link OutgoingInvite}), hands new INVITEs to its handler ({@link IncomingInvite}),
 * answers CANCEL, routes requests inside a dialog to their {@link SipSession}, answers OPTIONS, and
 * refuses what it does not do. A screen hook sees every new request first (allow-lists, scanners,
 * rate limits).
 */
import type { Clock, Logger } from '../../core/index.ts';
import { dialogKey, tagOf } from '../dialog/index.ts';
import { SipHeaders, parseVia, serializeSipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { DEFAULT_SIP_TIMERS, TransactionLayer, responseTo, type ServerTransaction, type SipTimers } from '../transaction/index.ts';
import type { SipAddress, SipTransport, SipTransportProtocol } from '../transport/index.ts';
import { newCallId, newTag, uriTarget, withVia, type UaCore, type UaLink } from './core.ts';
import { IncomingInvite } from './incoming-invite.ts';
import { OutgoingInvite, type OutgoingInviteEvents, type OutgoingInviteOptions } from './outgoing-invite.ts';
import type { SipSession } from './session.ts';

/** What the screen hook decides for a new request: go on, drop it silently, or refuse it. */
export type ScreenVerdict = 'accept' | 'drop' | { readonly status: number; readonly reason: string };

export interface SipUaHandler {
  /** A new INVITE: the handler answers it (progress, accept or reject). */
  invite(invite: IncomingInvite): void;
  /** Every request outside a dialog before anything else (default: accept). */
  screen?(request: SipRequest, source: SipAddress, protocol: SipTransportProtocol): ScreenVerdict;
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
  readonly #registry = {
    register: (s: SipSession): void => { this.#sessions.set(s.dialog.key, s); },
    unregister: (s: SipSession): void => { if (this.#sessions.get(s.dialog.key) === s) this.#sessions.delete(s.dialog.key); },
  };

  constructor(options: SipUserAgentOptions) {
    if (options.transports.length === 0) throw new TypeError('a SIP user agent needs a transport');
    this.#handler = options.handler;
    const host = options.host ?? options.transports[0]?.local.address ?? '127.0.0.1';
    const links = this.#links;
    const timers = options.timers ?? DEFAULT_SIP_TIMERS;
    this.#core = {
      clock: options.clock,
      timers,
      log: options.log ?? null,
      userAgent: options.userAgent ?? 'Denwa',
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

  /** Ends every session with BYE (shutdown). */
  close(): void {
    for (const session of [...this.#sessions.values()]) session.bye();
    for (const invite of [...this.#pending.values()]) invite.reject(503, 'Service Unavailable');
    this.#pending.clear();
  }

  #request(link: UaLink, request: SipRequest, tx: ServerTransaction | null, from: SipAddress): void {
    const callId = request.headers.get('Call-ID') ?? '';
    const toTag = tagOf(request.headers.get('To'));
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
    switch (request.method) {
      case 'INVITE':
        this.#invite(link, request, tx, from);
        return;
      case 'OPTIONS': {
        const ok = responseTo(request, 200, 'OK');
        ok.headers.append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE').append('Accept', 'application/sdp').append('Supported', 'timer');
        tx.respond(ok);
        return;
      }
      case 'BYE':
        tx.respond(responseTo(request, 481, 'Call/Transaction Does Not Exist'));
        return;
      default:
        tx.respond(responseTo(request, 405, 'Method Not Allowed'));
    }
  }

  #pendingKey(request: SipRequest): string {
    const branch = parseVia(request.headers.getAll('Via')[0] ?? '')?.branch ?? '';
    return `${request.headers.get('Call-ID') ?? ''}\u0000${branch}`;
  }

  #invite(link: UaLink, request: SipRequest, tx: ServerTransaction, from: SipAddress): void {
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
    tx.respond(responseTo(request, 200, 'OK'));
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
