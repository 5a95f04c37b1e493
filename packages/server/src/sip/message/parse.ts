/**
 * Parses one SIP message from bytes (a UDP datagram, or one message cut from a TCP stream by
 * `SipStreamFramer`). Pure and total: every input gives a message or a `SipParseError` whose status a
 * server answers a request with (RFC 3261 §21.4.1 400, §21.4.12 413, §21.5.8 505), never an exception.
 *
 * Header text is UTF-8 (RFC 3261 §7.3.1 allows UTF-8 in display names and reason phrases); the body is
 * kept as the exact bytes `Content-Length` counts (§18.3, §20.14). Folded header lines (LWS, §7.3.1)
 * are unfolded.
 */
import { SipHeaders } from './headers.ts';
import type { SipMessage, SipParseError, SipParseResult } from './types.ts';

/** Largest message accepted (a UDP datagram cannot be larger; RFC 3261 §18.1.1 keeps them far smaller). */
export const MAX_SIP_MESSAGE_BYTES = 65_535;
const MAX_HEADER_FIELDS = 256;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const STATUS_LINE = /^SIP\/(\d+\.\d+) ([1-6]\d\d)(?: (.*))?$/;
const REQUEST_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/(\d+\.\d+)$/;
const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

const decoder = new TextDecoder('utf-8');

function fail(status: SipParseError['status'], reason: string): SipParseResult {
  return { ok: false, error: { status, reason } };
}

/** Index just past the blank line that ends the header section, and its start; null when absent. */
export function headerEnd(bytes: Uint8Array, from = 0): { readonly headEnd: number; readonly bodyStart: number } | null {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return { headEnd: i, bodyStart: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headEnd: i, bodyStart: i + 3 };
  }
  return null;
}

export function parseSipMessage(bytes: Uint8Array): SipParseResult {
  if (bytes.length > MAX_SIP_MESSAGE_BYTES) return fail(413, 'Message Too Large');
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x0d || bytes[start] === 0x0a)) start++; // §7.5: leading CRLFs
  const end = headerEnd(bytes, start);
  if (end === null) return fail(400, 'Bad Request: no end of headers');
  const lines = decoder.decode(bytes.subarray(start, end.headEnd)).split(/\r?\n/);
  const first = lines.shift() ?? '';
  const fields: [string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    const last = fields.at(-1);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined) return fail(400, 'Bad Request: continuation before any header');
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (!TOKEN.test(name)) return fail(400, 'Bad Request: malformed header line');
    if (fields.length >= MAX_HEADER_FIELDS) return fail(413, 'Message Too Large: too many headers');
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  const headers = new SipHeaders(fields);
  const bodyResult = body(bytes, end.bodyStart, headers);
  if (!bodyResult.ok) return bodyResult;
  const status = STATUS_LINE.exec(first);
  let message: SipMessage;
  if (status !== null) {
    if (status[1] !== '2.0') return fail(505, 'Version Not Supported');
    message = { kind: 'response', status: Number(status[2]), reason: status[3] ?? '', headers, body: bodyResult.body };
  } else {
    const request = REQUEST_LINE.exec(first);
    if (request === null) return fail(400, 'Bad Request: malformed start line');
    if (request[3] !== '2.0') return fail(505, 'Version Not Supported');
    message = { kind: 'request', method: request[1] ?? '', uri: request[2] ?? '', headers, body: bodyResult.body };
  }
  return checkRequired(message);
}

function body(bytes: Uint8Array, bodyStart: number, headers: SipHeaders): { ok: true; body: Uint8Array } | { ok: false; error: SipParseError } {
  const declared = headers.get('Content-Length');
  const available = bytes.length - bodyStart;
  if (declared === undefined) return { ok: true, body: bytes.slice(bodyStart) }; // UDP may omit it (§18.3)
  if (!/^\d{1,9}$/.test(declared)) return { ok: false, error: { status: 400, reason: 'Bad Request: malformed Content-Length' } };
  const length = Number(declared);
  if (length > available) return { ok: false, error: { status: 400, reason: 'Bad Request: body shorter than Content-Length' } };
  return { ok: true, body: bytes.slice(bodyStart, bodyStart + length) };
}

function checkRequired(message: SipMessage): SipParseResult {
  for (const name of REQUIRED) if (!message.headers.has(name)) return fail(400, `Bad Request: missing ${name}`);
  const cseq = /^(\d{1,10})\s+(\S+)$/.exec(message.headers.get('CSeq') ?? '');
  if (cseq === null || Number(cseq[1]) > 2 ** 31 - 1) return fail(400, 'Bad Request: malformed CSeq');
  if (message.kind === 'request' && cseq[2] !== message.method) return fail(400, 'Bad Request: CSeq method does not match');
  return { ok: true, message };
}
