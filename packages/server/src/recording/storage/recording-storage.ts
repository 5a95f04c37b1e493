/**
 * The storage port for finished call recordings. The recorder writes a WAV (later also an MP3) to
 * a local spool file while the call runs; when the recording completes it hands each finished file
 * to {@link RecordingStorage.put}, which owns it from then on. The REST API serves the media back
 * with {@link RecordingStorage.stat} (for `Content-Length` and `Content-Type`) and
 * {@link RecordingStorage.read} (whole or one byte range, for HTTP `Range`).
 *
 * Keys are validated here, once, for every implementation: a key becomes a file path under the
 * filesystem root and an object name in a bucket, so only a strict alphabet is accepted and a path
 * can never leave the root.
 */
import type { Readable } from 'node:stream';

/** What {@link RecordingStorage.stat} knows about a stored object. */
export interface StoredObject {
  /** Bytes. */
  readonly size: number;
  /** As given to `put` (e.g. `audio/x-wav`, `audio/mpeg`). */
  readonly contentType: string;
}

/** A byte range, both ends inclusive, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Where recordings live: a local directory or an S3-compatible bucket. */
export interface RecordingStorage {
  readonly kind: 'filesystem' | 's3';
  /**
   * Takes ownership of the local file at `localPath`: moves or uploads it under `key` (replacing
   * any object stored there) and, on success, the local file is gone. On failure the local file is
   * left where it was, so the caller can retry or report it.
   */
  put(key: string, localPath: string, contentType: string): Promise<void>;
  /** Size and content type, or null when the key does not exist. */
  stat(key: string): Promise<StoredObject | null>;
  /**
   * A readable stream of the whole object or of `range`; null when the key does not exist. An
   * `end` past the last byte is clamped to it (as HTTP does); a `start` past the last byte rejects
   * with code `InvalidRange`. The API should answer 416 itself from {@link stat}: that rejection
   * is a backstop, and a stream obtained before a concurrent `delete` may or may not still deliver.
   */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes the object. Idempotent: a missing key is fine. */
  delete(key: string): Promise<void>;
  /** Waits for uploads in flight, then refuses further calls (code `Closed`). Idempotent. */
  close(): Promise<void>;
}

/**
 * Codes of {@link RecordingStorageError}. Besides these, an S3 failure carries the `<Code>` of the
 * service's XML error body (`SignatureDoesNotMatch`, `NoSuchBucket`, `AccessDenied`, …) or, for a
 * body-less answer such as a HEAD, `Http<status>`.
 */
export type RecordingStorageErrorCode =
  /** The key is not a valid recording key; nothing was touched. */
  | 'InvalidKey'
  /** A malformed argument: a range with a negative or reversed bound, a bad content type. */
  | 'InvalidArgument'
  /** The range starts past the last byte (HTTP 416). */
  | 'InvalidRange'
  /** The storage was closed. */
  | 'Closed'
  /** No answer within the request deadline (after the bounded retries). */
  | 'Timeout'
  /** The service could not be reached (after the bounded retries). */
  | 'NetworkError'
  | (string & {});

/** Options of {@link RecordingStorageError}. */
export interface RecordingStorageErrorOptions {
  readonly code: RecordingStorageErrorCode;
  /** The HTTP status of an S3 failure; 416 for `InvalidRange` from either storage. */
  readonly status?: number;
  /** Requests made before giving up (1 when not retried). */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/**
 * Every failure the storages report on purpose. Messages name the operation, the key, the code
 * and, for S3, the HTTP status; they never carry a secret, a signature or an `Authorization`.
 */
export class RecordingStorageError extends Error {
  readonly code: RecordingStorageErrorCode;
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(message: string, options: RecordingStorageErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecordingStorageError';
    this.code = options.code;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
  }
}

/** Longest key accepted; S3 allows 1024 bytes, and a prefix may come in front. */
export const MAX_KEY_LENGTH = 512;

const KEY_ALPHABET = /^[A-Za-z0-9._/-]+$/;

/**
 * Why `key` is not a valid recording key, or null when it is. Keys are `/`-separated segments of
 * `[A-Za-z0-9._-]`; no empty segment (so no leading, trailing or double `/`), no `..` anywhere,
 * and no segment starting with `.`: that rules out `.` and `..` and leaves dot-names free for the
 * filesystem storage's own temporary and metadata files, which then can never collide with a key.
 */
export function recordingKeyProblem(key: string): string | null {
  if (key.length === 0) return 'is empty';
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  if (!KEY_ALPHABET.test(key)) return 'has a character outside [A-Za-z0-9._/-]';
  if (key.includes('..')) return 'contains ".."';
  if (key.startsWith('/')) return 'starts with "/"';
  for (const segment of key.split('/')) {
    if (segment.length === 0) return 'has an empty path segment';
    if (segment.startsWith('.')) return 'has a path segment starting with "."';
  }
  return null;
}

/** Throws `InvalidKey` unless `key` is a valid recording key (see {@link recordingKeyProblem}). */
export function assertRecordingKey(key: string): void {
  const problem = recordingKeyProblem(key);
  if (problem !== null) {
    throw new RecordingStorageError(`Invalid recording key ${JSON.stringify(key.slice(0, 80))}: it ${problem}`, {
      code: 'InvalidKey',
    });
  }
}

/** Throws `InvalidArgument` unless `range` has integer bounds with 0 <= start <= end. */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RecordingStorageError(`Invalid byte range ${String(start)}-${String(end)}: need integers 0 <= start <= end`, {
      code: 'InvalidArgument',
    });
  }
}

const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/** Throws `InvalidArgument` unless `contentType` is printable ASCII (no CR/LF), 1–255 characters. */
export function assertContentType(contentType: string): void {
  if (!CONTENT_TYPE.test(contentType)) {
    throw new RecordingStorageError(`Invalid content type ${JSON.stringify(contentType.slice(0, 80))}`, {
      code: 'InvalidArgument',
    });
  }
}

/** The `Closed` error for a call after {@link RecordingStorage.close}. */
export function closedError(operation: string): RecordingStorageError {
  return new RecordingStorageError(`Recording storage is closed (${operation})`, { code: 'Closed' });
}

/** The `InvalidRange` error for a range starting at or past the end of an object of `size` bytes. */
export function rangeNotSatisfiable(key: string, range: ByteRange, size: number | undefined): RecordingStorageError {
  const of = size === undefined ? '' : ` of ${size} bytes`;
  return new RecordingStorageError(`Range ${range.start}-${range.end} not satisfiable for ${key}${of}`, {
    code: 'InvalidRange',
    status: 416,
  });
}
