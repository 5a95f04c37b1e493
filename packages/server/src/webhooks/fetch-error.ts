/**
 * Maps what `fetch` (undici) throws to the webhook error codes. undici wraps the real failure in a
 * `TypeError('fetch failed')` whose `cause` (possibly an `AggregateError` of per-address attempts)
 * carries the system or TLS error code; the deadline surfaces as a `TimeoutError` DOMException.
 */
import { VoiceError, type ErrorCode } from '@denwa/protocol';

const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const TLS_CODES: ReadonlySet<string> = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'INVALID_PURPOSE',
  'INVALID_CA',
]);
const TLS_CODE_PREFIX = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_)/;

const PROTOCOL_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_INFO',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'ERR_INVALID_HTTP_RESPONSE',
]);

/** Nodes of an error's `cause`/`errors` graph examined at most (the graph may be cyclic). */
const MAX_NODES = 16;

interface ErrorNode {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
}

function nodeOf(value: object): ErrorNode {
  const name: unknown = Reflect.get(value, 'name');
  const code: unknown = Reflect.get(value, 'code');
  const message: unknown = Reflect.get(value, 'message');
  return {
    name: typeof name === 'string' ? name : '',
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? message : '',
  };
}

/** The error and its causes, outermost first (breadth-first through `cause` and `errors`). */
function chain(err: unknown): ErrorNode[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  const nodes: ErrorNode[] = [];
  while (queue.length > 0 && nodes.length < MAX_NODES) {
    const value = queue.shift();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    nodes.push(nodeOf(value));
    queue.push(Reflect.get(value, 'cause'));
    const errors: unknown = Reflect.get(value, 'errors');
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]).slice(0, MAX_NODES));
  }
  return nodes;
}

function isTimeout(n: ErrorNode): boolean {
  return n.name === 'TimeoutError';
}

function classify(n: ErrorNode): ErrorCode | null {
  const code = n.code ?? '';
  if (isTimeout(n)) return 11205;
  if (DNS_CODES.has(code)) return 11210;
  if (CONNECTION_CODES.has(code) || n.message === 'socket hang up') return 11205;
  if (TLS_CODES.has(code) || TLS_CODE_PREFIX.test(code)) return 11220;
  if (n.name === 'HTTPParserError' || code.startsWith('HPE_') || PROTOCOL_CODES.has(code)) return 11206;
  // fetch refuses the ports on its blocklist (25, 6000, …) before connecting.
  if (n.message === 'bad port') return 11100;
  return null;
}

function describe(n: ErrorNode, timeoutMs: number): string {
  if (isTimeout(n)) return `no answer within ${timeoutMs} ms`;
  if (n.code !== null) return n.code;
  return n.message.length > 200 ? `${n.message.slice(0, 200)}…` : n.message;
}

/**
 * The {@link VoiceError} for a failed request: 11210 DNS, 11205 refused/reset/hang-up/timeout,
 * 11220 TLS, 11206 malformed HTTP, 11100 a port fetch refuses; anything unrecognized is 11205.
 * The original error is kept as `cause` (for logs only).
 */
export function fetchFailure(err: unknown, timeoutMs: number): VoiceError {
  const nodes = chain(err);
  for (const node of nodes) {
    const code = classify(node);
    if (code !== null) return new VoiceError(code, describe(node, timeoutMs), { cause: err });
  }
  const innermost = nodes.at(-1);
  const detail = innermost === undefined ? String(err) : describe(innermost, timeoutMs);
  return new VoiceError(11205, detail, { cause: err });
}
