/**
 * Writes a SIP message as bytes: CRLF line ends, header order kept, and `Content-Length` set to the
 * body's length in bytes (never in UTF-16 units: sip-spike.md §1, bug 1).
 */
import type { SipMessage } from './types.ts';

const encoder = new TextEncoder();

export function serializeSipMessage(message: SipMessage): Uint8Array {
  const start = (message.kind === 'request'
    ? `${message.method} ${message.uri} SIP/2.0`
    : `SIP/2.0 ${String(message.status)} ${message.reason}`).replace(/[\r\n]+/g, ' ');
  const lines = [start];
  for (const [name, value] of message.headers.entries()) {
    if (name === 'Content-Length') continue;
    lines.push(`${name}: ${value.replace(/[\r\n]+/g, ' ')}`); // no header injection through a value
  }
  lines.push(`Content-Length: ${String(message.body.length)}`, '', '');
  const head = encoder.encode(lines.join('\r\n'));
  const out = new Uint8Array(head.length + message.body.length);
  out.set(head, 0);
  out.set(message.body, head.length);
  return out;
}
