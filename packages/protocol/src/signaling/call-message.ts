/**
 * Semantic checks of a 2.x call message (`message`, twilio-signaling.md §4.7), beyond the shape
 * the schema checks. The server answers a failure with
 * `error {callsid, voiceeventsid, error: {code: 31210 | 31212, message}}`, otherwise with `ack`.
 */
import { VoiceError } from '../errors/index.ts';
import type { JsonValue } from './wire-values.ts';

/** The message type the SDK's `Call.MessageType` defines and Twilio delivers. @public */
export const USER_DEFINED_MESSAGE_TYPE = 'user-defined-message';

/**
 * Limits for {@link checkCallMessage}. Denwa's choice: Twilio's own limit is not in the spec, so
 * the default errs on the permissive side to keep apps that work on Twilio working here.
 * @public
 */
export interface CallMessageLimits {
  /** Accepted `messagetype` values; anything else is 31210. */
  readonly messageTypes: readonly string[];
  /** Most UTF-8 bytes of `JSON.stringify(content)`; more is 31212. */
  readonly maxContentBytes: number;
}

/** `user-defined-message` only, up to 10 KiB of content. @public */
export const DEFAULT_CALL_MESSAGE_LIMITS: CallMessageLimits = {
  messageTypes: [USER_DEFINED_MESSAGE_TYPE],
  maxContentBytes: 10_240,
};

/** UTF-8 length of a string, without TextEncoder (not in every lib this package compiles with). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks a call message's type and content size. Returns the error to send back, or `undefined`
 * when the message may be delivered. Content so deeply nested that it cannot be serialized counts
 * as too large. Never throws.
 * @public
 */
export function checkCallMessage(
  message: { readonly messagetype: string; readonly content: JsonValue },
  limits: CallMessageLimits = DEFAULT_CALL_MESSAGE_LIMITS,
): VoiceError | undefined {
  if (!limits.messageTypes.includes(message.messagetype)) {
    return new VoiceError(31210, 'unsupported message type', { details: { path: 'payload.messagetype' } });
  }
  let serialized: string;
  try {
    serialized = JSON.stringify(message.content);
  } catch (err) {
    return new VoiceError(31212, 'content cannot be serialized', { cause: err, details: { path: 'payload.content' } });
  }
  // UTF-8 is never shorter than UTF-16, so a long string needs no counting.
  if (serialized.length > limits.maxContentBytes || utf8Length(serialized) > limits.maxContentBytes) {
    return new VoiceError(31212, `content larger than ${limits.maxContentBytes} bytes`, {
      details: { path: 'payload.content' },
    });
  }
  return undefined;
}
