/**
 * The HTTP side of {@link S3Storage}: one signed request to an S3-compatible service over the
 * global `fetch`, with a deadline on every attempt, bounded retries with backoff, and failures
 * mapped to {@link RecordingStorageError}s carrying the service's error code and the HTTP status.
 *
 * Nothing here writes a log line, and no message is built from a request header, so neither the
 * secret nor a signature can leak through an error.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordingStorageError } from './recording-storage.ts';
import { EMPTY_SHA256, signRequest, type SigV4Credentials } from './s3-sigv4.ts';

/** Connection settings shared by every request of one storage. */
export interface S3ClientOptions {
  /** `http(s)://host[:port]` of an S3-compatible service; omitted for AWS (`https://s3.<region>.amazonaws.com`). */
  readonly endpoint?: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `origin/bucket/key` rather than `bucket.host/key`. Default: true with an endpoint, false for AWS. */
  readonly pathStyle?: boolean;
  /** Deadline of one attempt without a body to send. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Attempts of a request whose failure is worth retrying (5xx, throttling, network, timeout). Default 3, at most 10. */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubled for each further one, with jitter, at most 5 s. Default 200 ms. */
  readonly retryBaseDelayMs?: number;
}

/** A request body, made anew for every attempt (a stream cannot be sent twice). */
export interface S3Body {
  readonly data: Uint8Array | Readable;
  readonly length: number;
  /** Hex SHA-256 of `data`, or `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string;
}

/** One request. `onResponse` reads a 2xx answer while the attempt's deadline still runs. */
export interface S3Call<T> {
  /** The S3 action, for messages: `PutObject`, `HeadObject`, … */
  readonly operation: string;
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** Object name in the bucket, not encoded; '' for the bucket itself. */
  readonly key: string;
  readonly query?: readonly (readonly [string, string])[];
  /** Sent and signed (`range`, `x-amz-*`). */
  readonly signedHeaders?: Readonly<Record<string, string>>;
  /** Sent, not signed: headers a proxy may rewrite (`content-type`, `accept-encoding`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: () => S3Body;
  /**
   * Whether any failure may be retried. A non-idempotent request (creating or completing a
   * multipart upload) is retried only when the connection was refused, i.e. it never arrived.
   */
  readonly idempotent: boolean;
  /** Deadline of one attempt, when longer than the default (uploads). */
  readonly timeoutMs?: number;
  readonly onResponse: (response: Response) => Promise<T>;
}

const AWS_DEFAULT_PATH_STYLE = false;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_RETRY_DELAY_MS = 5_000;
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable']);
/** Failures that prove the request never reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Codes for answers without an XML body (HEAD, some proxies). */
const STATUS_CODES: ReadonlyMap<number, string> = new Map([
  [400, 'BadRequest'],
  [403, 'Forbidden'],
  [404, 'NotFound'],
  [416, 'InvalidRange'],
  [500, 'InternalError'],
  [503, 'ServiceUnavailable'],
]);

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;

/** Fails with `InvalidArgument`: a misconfiguration found before any request. */
function configError(message: string): RecordingStorageError {
  return new RecordingStorageError(`S3 recording storage: ${message}`, { code: 'InvalidArgument' });
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of the first `<tag>` element in `xml`, decoded; for the few fields read here a regex is enough. */
export function xmlField(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
}

/** Reads at most `limit` bytes of a body as UTF-8 and drops the rest. */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // Bounded: every turn either ends, or adds a chunk until `limit` bytes (or 4096 reads) are in.
    for (let turn = 0; turn < 4096 && total < limit; turn++) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The system or undici code behind a `fetch` failure (`TypeError('fetch failed')` with causes). */
function failureCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** Signed requests to one bucket. */
export class S3Client {
  readonly bucket: string;
  readonly region: string;
  /** Deadline of one attempt without a body to send. */
  readonly requestTimeoutMs: number;
  readonly #credentials: SigV4Credentials;
  readonly #origin: URL;
  readonly #pathStyle: boolean;
  readonly #maxAttempts: number;
  readonly #retryBaseDelayMs: number;

  constructor(options: S3ClientOptions) {
    if (!BUCKET_NAME.test(options.bucket)) throw configError(`invalid bucket name ${JSON.stringify(options.bucket)}`);
    if (!REGION.test(options.region)) throw configError(`invalid region ${JSON.stringify(options.region)}`);
    if (options.accessKeyId === '' || options.secretAccessKey === '') throw configError('access key id and secret are required');
    this.bucket = options.bucket;
    this.region = options.region;
    this.#credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    this.requestTimeoutMs = positiveInteger(options.requestTimeoutMs ?? 30_000, 'requestTimeoutMs');
    this.#maxAttempts = positiveInteger(options.maxAttempts ?? 3, 'maxAttempts');
    if (this.#maxAttempts > 10) throw configError('maxAttempts is at most 10');
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 200;
    if (!(this.#retryBaseDelayMs >= 0)) throw configError('retryBaseDelayMs must be >= 0');

    const base = options.endpoint === undefined ? new URL(`https://s3.${options.region}.amazonaws.com`) : parseEndpoint(options.endpoint);
    this.#pathStyle = options.pathStyle ?? (options.endpoint === undefined ? AWS_DEFAULT_PATH_STYLE : true);
    this.#origin = this.#pathStyle ? new URL(base.origin) : new URL(`${base.protocol}//${options.bucket}.${base.host}`);
  }

  /** `s3://bucket/key`, how messages name an object. */
  label(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /**
   * Sends `call`, retrying what may be retried, and returns what `onResponse` made of the 2xx
   * answer. Rejects with a {@link RecordingStorageError}: the service's code and status for an
   * HTTP failure, `Timeout` or `NetworkError` otherwise.
   */
  async send<T>(call: S3Call<T>): Promise<T> {
    let failure = new RecordingStorageError(`S3 ${call.operation} ${this.label(call.key)} was not attempted`, { code: 'NetworkError' });
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.#backoff(attempt - 1));
      const outcome = await this.#attempt(call, attempt);
      if (outcome.ok) return outcome.value;
      failure = outcome.error;
      if (!outcome.retryable) break;
    }
    throw failure;
  }

  async #attempt<T>(
    call: S3Call<T>,
    attempt: number,
  ): Promise<{ ok: true; value: T } | { ok: false; error: RecordingStorageError; retryable: boolean }> {
    const controller = new AbortController();
    const timeoutMs = call.timeoutMs ?? this.requestTimeoutMs;
    const timer = setTimeout(() => { controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')); }, timeoutMs);
    const body = call.body?.();
    const target = this.label(call.key);
    const after = attempt > 1 ? ` after ${attempt} attempts` : '';
    try {
      const path = this.#pathStyle ? `/${this.bucket}${call.key === '' ? '' : `/${call.key}`}` : `/${call.key}`;
      const signed = signRequest(
        {
          method: call.method,
          host: this.#origin.host,
          path,
          query: call.query ?? [],
          headers: call.signedHeaders ?? {},
          payloadHash: body?.payloadHash ?? EMPTY_SHA256,
        },
        this.#credentials,
        { region: this.region, service: 's3', date: new Date() },
      );
      const headers: Record<string, string> = { ...call.headers, ...signed.headers };
      if (body !== undefined) headers['content-length'] = String(body.length);
      const response = await fetch(new URL(signed.pathAndQuery, this.#origin), {
        method: call.method,
        headers,
        signal: controller.signal,
        redirect: 'manual',
        ...(body === undefined ? {} : { body: body.data, duplex: 'half' as const }),
      });
      if (response.status >= 200 && response.status < 300) return { ok: true, value: await call.onResponse(response) };

      const xml = await readCapped(response, MAX_ERROR_BODY_BYTES);
      const code = xmlField(xml, 'Code') ?? STATUS_CODES.get(response.status) ?? `Http${response.status}`;
      const message = xmlField(xml, 'Message')?.slice(0, 300);
      const requestId = xmlField(xml, 'RequestId') ?? response.headers.get('x-amz-request-id') ?? undefined;
      const detail = `${message === undefined ? '' : `: ${message}`}${requestId === undefined ? '' : ` [request ${requestId}]`}`;
      const retryable = call.idempotent && (RETRYABLE_STATUSES.has(response.status) || RETRYABLE_CODES.has(code));
      return {
        ok: false,
        retryable,
        error: new RecordingStorageError(`S3 ${call.operation} ${target} failed${after}: HTTP ${response.status} ${code}${detail}`, {
          code,
          status: response.status,
          attempts: attempt,
        }),
      };
    } catch (error) {
      if (error instanceof RecordingStorageError) return { ok: false, error, retryable: false };
      if (controller.signal.aborted) {
        return {
          ok: false,
          retryable: call.idempotent,
          error: new RecordingStorageError(`S3 ${call.operation} ${target} failed${after}: no answer within ${timeoutMs} ms`, {
            code: 'Timeout',
            attempts: attempt,
            cause: error,
          }),
        };
      }
      const systemCode = failureCode(error);
      return {
        ok: false,
        retryable: call.idempotent || (systemCode !== undefined && NOT_SENT_CODES.has(systemCode)),
        error: new RecordingStorageError(
          `S3 ${call.operation} ${target} failed${after}: cannot reach ${this.#origin.host} (${systemCode ?? (error instanceof Error ? error.message : 'unknown error')})`,
          { code: 'NetworkError', attempts: attempt, cause: error },
        ),
      };
    } finally {
      clearTimeout(timer);
      if (body !== undefined && !(body.data instanceof Uint8Array)) body.data.destroy();
    }
  }

  #backoff(retry: number): number {
    const exponential = Math.min(this.#retryBaseDelayMs * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
    return exponential * (0.5 + Math.random() / 2);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw configError(`${name} must be a positive integer`);
  return value;
}

/** An `http(s)://host[:port]` endpoint; anything else (a path, a query, credentials) is refused. */
function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    // Not echoed: a mistyped endpoint may hold anything, a credential included.
    throw configError('endpoint is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('endpoint must be http(s)://host[:port]');
  if (url.username !== '' || url.password !== '') throw configError('endpoint must not carry credentials');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw configError('endpoint must be http(s)://host[:port] without a path');
  return url;
}
