import { errorDefinition, moreInfoUrl, type ErrorCode } from './catalog.ts';
import type { ErrorKind } from './definition.ts';

export interface VoiceErrorOptions {
  /** The underlying error, kept for logs; never sent on the wire. */
  readonly cause?: unknown;
  /** Extra machine-readable context (the parameter name, the TwiML line, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * An operational error with a catalog code. Thrown by domain code and mapped once at each edge
 * (REST error JSON, signaling `error` frame, SIP final response, call notification).
 *
 * The message is the catalog message, followed by `: <detail>` when a detail is given.
 * @public
 */
export class VoiceError extends Error {
  override readonly name: string = 'VoiceError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly httpStatus: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, options: VoiceErrorOptions = {}) {
    const def = errorDefinition(code);
    super(detail === undefined || detail === '' ? def.message : `${def.message}: ${detail}`, {
      cause: options.cause,
    });
    this.code = code;
    this.kind = def.kind;
    this.httpStatus = def.httpStatus;
    this.details = options.details ?? {};
  }

  /** Twilio's documentation URL for this code. */
  get moreInfo(): string {
    return moreInfoUrl(this.code);
  }

  /** The wire form used by REST and signaling: `{code, message, more_info, status}`. */
  toJSON(): { code: number; message: string; more_info: string; status: number } {
    return { code: this.code, message: this.message, more_info: this.moreInfo, status: this.httpStatus };
  }
}

/** True when `err` is a {@link VoiceError}, optionally with the given code. @public */
export function isVoiceError(err: unknown, code?: ErrorCode): err is VoiceError {
  return err instanceof VoiceError && (code === undefined || err.code === code);
}
