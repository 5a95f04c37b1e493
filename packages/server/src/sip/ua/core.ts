/**
 * What the user agent's parts share: fresh branches, tags and Call-IDs, the transaction layer of each
 * transport, and sending with Denwa's Via on top. A request's destination comes from a URI whose host
 * is an IP address (a trunk's host is resolved when the trunk is configured).
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Logger } from '../../core/index.ts';
import { parseSipUri, type SipRequest, type SipResponse } from '../message/index.ts';
import type { ClientTransaction, ClientTransactionUser, SipTimers, TransactionLayer } from '../transaction/index.ts';
import type { SipAddress, SipTransport, SipTransportProtocol } from '../transport/index.ts';
import type { SessionTimerConfig } from './session-timer.ts';

/**
 * When Denwa uses reliable provisional responses (RFC 3262): `supported` advertises `100rel` in the
 * INVITEs it sends and sends 18x reliably only to callers that require it; `required` puts
 * `Require: 100rel` in its INVITEs and sends 18x reliably to every caller that supports it; `never`
 * does neither and refuses INVITEs that require it (420).
 */
export type ReliableProvisionalMode = 'supported' | 'required' | 'never';

export function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export function newCallId(host: string): string {
  return `${randomBytes(12).toString('hex')}@${host}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address, or an IPv6 one (hex groups and colons, possibly with a trailing IPv4 part). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
}

/** The transport and address a URI names (`;transport=`, default port 5060, 5061 for sips/TLS); null for a host name. */
export function uriTarget(uri: string): { readonly protocol: SipTransportProtocol; readonly address: SipAddress } | null {
  const u = parseSipUri(uri);
  if (u === null || u.scheme === 'tel' || !isIpLiteral(u.host)) return null;
  const t = u.params.get('transport')?.toUpperCase();
  const protocol: SipTransportProtocol = u.scheme === 'sips' || t === 'TLS' ? 'TLS' : t === 'TCP' ? 'TCP' : 'UDP';
  return { protocol, address: { address: u.host, port: u.port ?? (protocol === 'TLS' ? 5061 : 5060) } };
}

/** One transport with its transaction layer. */
export interface UaLink {
  readonly transport: SipTransport;
  readonly layer: TransactionLayer;
}

export interface UaCore {
  readonly clock: Clock;
  readonly timers: SipTimers;
  readonly log: Logger | null;
  readonly userAgent: string;
  readonly sessionTimer: SessionTimerConfig;
  readonly reliableProvisional: ReliableProvisionalMode;
  /** The `Supported` value Denwa sends (`timer`, and `100rel` unless it is off). */
  readonly supported: string;
  /** The `Allow` value Denwa sends. */
  readonly allow: string;
  /** The host put in Via and Contact (the public address). */
  readonly host: string;
  /** The link of a protocol, else the first one (UDP when there is one). */
  link(protocol: SipTransportProtocol): UaLink;
  /** `<sip:denwa@host:port;transport=…>` of a link. */
  contact(link: UaLink, user?: string): string;
  /** Sends `request` in a new client transaction with Denwa's Via on top (a fresh branch unless given: CANCEL reuses its INVITE's). */
  send(link: UaLink, request: SipRequest, to: SipAddress, user: ClientTransactionUser, branch?: string): ClientTransaction;
  /** Sends an ACK for a 2xx (its own branch, no transaction). */
  sendAck(link: UaLink, ack: SipRequest, to: SipAddress): void;
  /** Re-sends a response outside its transaction (2xx retransmissions). */
  resend(link: UaLink, response: SipResponse, to: SipAddress): void;
}

/** `request` with Denwa's Via on top (any earlier Via of ours replaced: sip-spike.md §1 bug 3). */
export function withVia(request: SipRequest, link: UaLink, host: string, branch = newBranch()): SipRequest {
  const headers = request.headers.clone();
  headers.delete('Via');
  headers.prepend('Via', `SIP/2.0/${link.transport.protocol} ${host}:${String(link.transport.local.port)};branch=${branch};rport`);
  return { ...request, headers };
}
