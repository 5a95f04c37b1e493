/**
 * Errors as the Voice SDK 2.x shapes them: every error the SDK emits or rejects with is a
 * `TwilioError` (a {@link VoiceError} from the shared catalog) with Twilio's class `name`,
 * `description`, `explanation`, `causes`, `solutions` and the `originalError` when there was one.
 * `TwilioErrors.<Namespace>.<Name>` are the classes per code, built from the catalog.
 */
import { VoiceError, errorDefinition, isErrorCode, type ErrorCode } from '@denwa/protocol';

/** Twilio's namespace and class name for the codes the SDK meets (2.x `errors/generated.ts`). */
const TWILIO_CLASSES: Readonly<Record<string, readonly [namespace: string, name: string]>> = {
  31000: ['GeneralErrors', 'UnknownError'],
  31001: ['GeneralErrors', 'ApplicationNotFound'],
  31002: ['GeneralErrors', 'ConnectionDeclined'],
  31003: ['GeneralErrors', 'ConnectionTimeout'],
  31005: ['GeneralErrors', 'ConnectionError'],
  31008: ['GeneralErrors', 'CallCancelledError'],
  31009: ['GeneralErrors', 'TransportError'],
  31100: ['MalformedRequestErrors', 'MalformedRequestError'],
  31101: ['MalformedRequestErrors', 'MissingParameterArrayError'],
  31102: ['MalformedRequestErrors', 'AuthorizationTokenMissingError'],
  31103: ['MalformedRequestErrors', 'MaxParameterLengthExceededError'],
  31104: ['MalformedRequestErrors', 'InvalidBridgeTokenError'],
  31105: ['MalformedRequestErrors', 'InvalidClientNameError'],
  31107: ['MalformedRequestErrors', 'ReconnectParameterInvalidError'],
  20101: ['AuthorizationErrors', 'AccessTokenInvalid'],
  20104: ['AuthorizationErrors', 'AccessTokenExpired'],
  20151: ['AuthorizationErrors', 'AuthenticationFailed'],
  31201: ['AuthorizationErrors', 'AuthorizationError'],
  31202: ['AuthorizationErrors', 'JWTSignatureValidationFailed'],
  31203: ['AuthorizationErrors', 'NoValidAccountError'],
  31204: ['AuthorizationErrors', 'InvalidJWTTokenError'],
  31205: ['AuthorizationErrors', 'JWTTokenExpiredError'],
  31206: ['AuthorizationErrors', 'RateExceededError'],
  31207: ['AuthorizationErrors', 'JWTTokenExpirationTooLongError'],
  31209: ['AuthorizationErrors', 'ReconnectAttemptError'],
  31210: ['AuthorizationErrors', 'CallMessageEventTypeInvalidError'],
  31212: ['AuthorizationErrors', 'PayloadSizeExceededError'],
  31400: ['ClientErrors', 'BadRequest'],
  31404: ['ClientErrors', 'NotFound'],
  31480: ['ClientErrors', 'TemporarilyUnavailable'],
  31486: ['ClientErrors', 'BusyHere'],
  31603: ['SIPServerErrors', 'Decline'],
  31401: ['UserMediaErrors', 'PermissionDeniedError'],
  31402: ['UserMediaErrors', 'AcquisitionFailedError'],
  53000: ['SignalingErrors', 'ConnectionError'],
  53001: ['SignalingErrors', 'ConnectionDisconnected'],
  53405: ['MediaErrors', 'ConnectionError'],
};

/** @public */
export class TwilioError extends VoiceError {
  /** Twilio's class name for the code, e.g. `AccessTokenExpired`. */
  override readonly name: string;
  /** The catalog's short message (2.x `description`). */
  readonly description: string;
  /** What the code means (2.x `explanation`). */
  readonly explanation: string;
  readonly causes: readonly string[] = [];
  readonly solutions: readonly string[] = [];
  /** The browser or network error behind this one, if any. */
  readonly originalError: unknown;

  constructor(code: ErrorCode, detail?: string, originalError?: unknown) {
    super(code, detail, originalError === undefined ? {} : { cause: originalError });
    const def = errorDefinition(code);
    this.name = TWILIO_CLASSES[code]?.[1] ?? def.name;
    this.description = def.message;
    this.explanation = def.description;
    this.originalError = originalError;
  }
}

/** A class per code: `new TwilioErrors.AuthorizationErrors.AccessTokenExpired(message?)`. @public */
export type TwilioErrorClass = new (message?: string, originalError?: unknown) => TwilioError;

function classFor(code: ErrorCode): TwilioErrorClass {
  return class extends TwilioError {
    constructor(message?: string, originalError?: unknown) {
      super(code, message, originalError);
    }
  };
}

/** @public */
export const TwilioErrors: Readonly<Record<string, Readonly<Record<string, TwilioErrorClass>>>> = (() => {
  const out: Record<string, Record<string, TwilioErrorClass>> = {};
  for (const [code, [namespace, name]] of Object.entries(TWILIO_CLASSES)) {
    const n = Number(code);
    if (!isErrorCode(n)) continue;
    (out[namespace] ??= {})[name] = classFor(n);
  }
  return out;
})();

/** A server error body as a TwilioError (codes outside the catalog become 31000). */
export function toTwilioError(code: unknown, message: unknown): TwilioError {
  const detail = typeof message === 'string' ? message : undefined;
  return new TwilioError(isErrorCode(code) ? code : 31000, detail);
}
