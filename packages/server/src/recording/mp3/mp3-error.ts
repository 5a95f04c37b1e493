/**
 * The one error type of WAV → MP3 encoding. `kind` lets the caller decide without parsing messages:
 * a missing or invalid WAV will not get better on a retry, `queue-full` and `worker-crashed` may.
 */

/** Why an encode failed. */
export type Mp3ErrorKind =
  /** The WAV file does not exist. */
  | 'wav-not-found'
  /** The WAV is not the canonical 44-byte PCM16 mono/stereo header at a supported rate. */
  | 'invalid-wav'
  /** The WAV holds no sample frame. */
  | 'empty-wav'
  /** Reading the WAV, or writing or renaming the MP3, failed (permissions, disk full, missing folder). */
  | 'io'
  /** LAME refused the settings or failed while encoding. */
  | 'encoder'
  /** The worker thread died during the job (the pool replaces it for the next job). */
  | 'worker-crashed'
  /** The pool's queue is at its bound. */
  | 'queue-full'
  /** The pool was closed before the job finished. */
  | 'closed';

const KINDS: ReadonlySet<string> = new Set<Mp3ErrorKind>([
  'wav-not-found',
  'invalid-wav',
  'empty-wav',
  'io',
  'encoder',
  'worker-crashed',
  'queue-full',
  'closed',
]);

/** Narrows a kind that crossed the worker boundary as a plain string. */
export function isMp3ErrorKind(value: unknown): value is Mp3ErrorKind {
  return typeof value === 'string' && KINDS.has(value);
}

/** A failed encode: the message names the file and the cause, `kind` classifies it. */
export class Mp3EncodeError extends Error {
  readonly kind: Mp3ErrorKind;

  constructor(kind: Mp3ErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Mp3EncodeError';
    this.kind = kind;
  }
}
