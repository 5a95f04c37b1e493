/** SIP messages as plain data (RFC 3261 §7). Bodies are raw bytes; header text is UTF-8. */
import type { SipHeaders } from './headers.ts';

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  /** The Request-URI as written. */
  readonly uri: string;
  readonly headers: SipHeaders;
  readonly body: Uint8Array;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: SipHeaders;
  readonly body: Uint8Array;
}

export type SipMessage = SipRequest | SipResponse;

/** Why a datagram or stream chunk is not a SIP message; `status` is what a server answers a request with. */
export interface SipParseError {
  readonly status: 400 | 413 | 505;
  readonly reason: string;
}

export type SipParseResult = { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly error: SipParseError };
