/**
 * Cuts SIP messages out of a TCP or TLS byte stream (RFC 3261 §18.3: on a stream, `Content-Length`
 * is mandatory and delimits the body). Keep-alive CRLFs between messages (RFC 5626 §3.5.1) are
 * skipped and counted so the transport can answer a double-CRLF ping. A stream that breaks the framing
 * (no Content-Length, a message over the size limit) is unusable: the transport closes it.
 */
import { MAX_SIP_MESSAGE_BYTES, headerEnd } from './parse.ts';

export type FramerOutput =
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'ping' }
  | { readonly kind: 'error'; readonly reason: string };

const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*$/im;
const decoder = new TextDecoder('utf-8');

export class SipStreamFramer {
  #buffer = new Uint8Array(0);
  #failed = false;

  /** Feeds bytes; returns the complete messages (and pings) they finish, in order. */
  push(chunk: Uint8Array): FramerOutput[] {
    if (this.#failed) return [];
    const merged = new Uint8Array(this.#buffer.length + chunk.length);
    merged.set(this.#buffer, 0);
    merged.set(chunk, this.#buffer.length);
    const out: FramerOutput[] = [];
    let at = 0;
    for (;;) {
      let crlfs = 0;
      while (at + 1 < merged.length && merged[at] === 0x0d && merged[at + 1] === 0x0a) {
        at += 2;
        crlfs++;
      }
      if (crlfs >= 2) out.push({ kind: 'ping' });
      const end = headerEnd(merged, at);
      if (end === null) {
        if (merged.length - at > MAX_SIP_MESSAGE_BYTES) return this.#fail(out, 'headers exceed the message size limit');
        break;
      }
      const head = decoder.decode(merged.subarray(at, end.headEnd));
      const m = CONTENT_LENGTH.exec(head);
      if (m === null) return this.#fail(out, 'a message on a stream transport needs Content-Length');
      const total = end.bodyStart - at + Number(m[1]);
      if (total > MAX_SIP_MESSAGE_BYTES) return this.#fail(out, 'message exceeds the size limit');
      if (merged.length - at < total) break;
      out.push({ kind: 'message', bytes: merged.slice(at, at + total) });
      at += total;
    }
    this.#buffer = merged.slice(at);
    return out;
  }

  #fail(out: FramerOutput[], reason: string): FramerOutput[] {
    this.#failed = true;
    this.#buffer = new Uint8Array(0);
    out.push({ kind: 'error', reason });
    return out;
  }
}
