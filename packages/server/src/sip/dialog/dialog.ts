/**
 * A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE sets up, identified by Call-ID and
 * the two tags. It numbers the requests Denwa sends in it, checks the order of those it receives, and
 * knows where they go: the route set (from Record-Route) and the remote target (the peer's Contact).
 */
import { SipHeaders, parseNameAddr, parseSipUri, type SipRequest, type SipResponse } from '../message/index.ts';

export type DialogRole = 'uac' | 'uas';

export interface DialogInit {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The local party's name-addr without its tag (From for a UAC, To for a UAS). */
  readonly localUri: string;
  readonly remoteUri: string;
  /** The CSeq number of the last request Denwa sent in the dialog. */
  readonly localSeq: number;
  /** The CSeq number of the last request received in the dialog; null before one arrives. */
  readonly remoteSeq: number | null;
  /** The peer's Contact URI: the Request-URI of requests Denwa sends. */
  readonly remoteTarget: string;
  /** Record-Route URIs in the order requests traverse them (name-addr values, as written). */
  readonly routeSet: readonly string[];
}

/** The dialog id of a message as the side that sends `role`'s requests sees it. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

export function tagOf(headerValue: string | undefined): string | null {
  if (headerValue === undefined) return null;
  return parseNameAddr(headerValue)?.params.get('tag') ?? null;
}

function withoutTag(headerValue: string): string {
  return headerValue.replace(/;\s*tag=[^;,\s]*/i, '');
}

function contactUri(message: SipRequest | SipResponse): string | null {
  const contact = message.headers.get('Contact');
  return contact === undefined ? null : (parseNameAddr(contact)?.uri ?? null);
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly routeSet: readonly string[];
  localSeq: number;
  remoteSeq: number | null;
  remoteTarget: string;

  constructor(init: DialogInit) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
  }

  /** The dialog a UAC's INVITE and the peer's 2xx (or reliable 1xx) set up (§12.1.2); null without a To tag. */
  static fromResponse(invite: SipRequest, response: SipResponse): Dialog | null {
    const remoteTag = tagOf(response.headers.get('To'));
    const localTag = tagOf(invite.headers.get('From'));
    if (remoteTag === null || localTag === null) return null;
    const seq = Number.parseInt(invite.headers.get('CSeq') ?? '0', 10);
    return new Dialog({
      callId: invite.headers.get('Call-ID') ?? '',
      localTag,
      remoteTag,
      localUri: withoutTag(invite.headers.get('From') ?? ''),
      remoteUri: withoutTag(response.headers.get('To') ?? ''),
      localSeq: Number.isFinite(seq) ? seq : 0,
      remoteSeq: null,
      remoteTarget: contactUri(response) ?? invite.uri,
      routeSet: [...response.headers.getAll('Record-Route')].reverse(),
    });
  }

  /** The dialog a UAS sets up when it answers `invite` with `localTag` (§12.1.1). */
  static fromRequest(invite: SipRequest, localTag: string): Dialog {
    const seq = Number.parseInt(invite.headers.get('CSeq') ?? '0', 10);
    return new Dialog({
      callId: invite.headers.get('Call-ID') ?? '',
      localTag,
      remoteTag: tagOf(invite.headers.get('From')) ?? '',
      localUri: withoutTag(invite.headers.get('To') ?? ''),
      remoteUri: withoutTag(invite.headers.get('From') ?? ''),
      localSeq: 0,
      remoteSeq: Number.isFinite(seq) ? seq : null,
      remoteTarget: contactUri(invite) ?? '',
      routeSet: invite.headers.getAll('Record-Route'),
    });
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /**
   * A new request in the dialog (§12.2.1.1), without a Via (the user agent adds it when sending):
   * Request-URI the remote target, Route the route set, the next local CSeq (the same one for ACK).
   */
  request(method: string, options: { readonly body?: Uint8Array; readonly contentType?: string; readonly headers?: readonly (readonly [string, string])[]; readonly seq?: number } = {}): SipRequest {
    const seq = options.seq ?? (method === 'ACK' ? this.localSeq : ++this.localSeq);
    const headers = new SipHeaders();
    headers.append('Max-Forwards', '70');
    headers.append('From', `${this.localUri};tag=${this.localTag}`);
    headers.append('To', `${this.remoteUri};tag=${this.remoteTag}`);
    headers.append('Call-ID', this.callId);
    headers.append('CSeq', `${String(seq)} ${method}`);
    for (const route of this.routeSet) headers.append('Route', route);
    for (const [name, value] of options.headers ?? []) headers.append(name, value);
    if (options.contentType !== undefined) headers.append('Content-Type', options.contentType);
    return { kind: 'request', method, uri: this.remoteTarget, headers, body: options.body ?? new Uint8Array(0) };
  }

  /**
   * Checks a request received in the dialog (§12.2.2): a CSeq lower than the last one is out of
   * order (answered 500). A target refresh (re-INVITE, UPDATE) may move the remote target.
   */
  receive(request: SipRequest): 'ok' | 'out-of-order' {
    const seq = Number.parseInt(request.headers.get('CSeq') ?? '', 10);
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      if (!Number.isFinite(seq) || (this.remoteSeq !== null && seq < this.remoteSeq)) return 'out-of-order';
      this.remoteSeq = seq;
    }
    if (request.method === 'INVITE' || request.method === 'UPDATE') {
      const target = contactUri(request);
      if (target !== null && parseSipUri(target) !== null) this.remoteTarget = target;
    }
    return 'ok';
  }

  /** Where a request in the dialog goes: the first route (loose routing), else the remote target. */
  nextHop(): string {
    const first = this.routeSet[0];
    return first === undefined ? this.remoteTarget : (parseNameAddr(first)?.uri ?? this.remoteTarget);
  }
}
