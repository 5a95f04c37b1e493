/**
 * Value types shared by the client→server and server→client signaling messages: identifiers,
 * JSON content and the `{code, message}` error body (twilio-signaling.md §3.4, §5).
 */
import { z } from 'zod';

/**
 * What a `callsid` or `voiceeventsid` may look like on the wire: 1–64 ASCII letters, digits, `-`
 * or `_`. Covers real Call Sids (`CA` + 32 hex), the SDK's temporary ids (`TJS` + UUID, 39
 * characters) and `KX…` event ids, while keeping arbitrary text out of maps, logs and the
 * `callsid` the server echoes back.
 * @public
 */
export const SIGNALING_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A `callsid` or `voiceeventsid` field (see {@link SIGNALING_ID_PATTERN}). @public */
export const SignalingIdSchema = z.string().regex(SIGNALING_ID_PATTERN, 'expected 1-64 of [A-Za-z0-9_-]');

const TEMPORARY_CALL_SID = /^TJS[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VOICE_EVENT_SID = /^KX[0-9a-f]{32}$/;

/**
 * True for the temporary id an SDK puts in the `callsid` of a new-call `invite` (and of a `hangup`
 * sent before the server assigned a Call Sid): `TJS` followed by a UUID. The server maps it to the
 * `CA…` Sid it announces in `ringing`/`answer` (§3.4).
 * @public
 */
export function isTemporaryCallSid(value: string): boolean {
  return TEMPORARY_CALL_SID.test(value);
}

/** True for a call message id as the 2.x SDK makes it: `KX` + 32 lowercase hex digits (§3.4). @public */
export function isVoiceEventSid(value: string): boolean {
  return VOICE_EVENT_SID.test(value);
}

/** Any value JSON can carry. The `content` of call messages. @public */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A present JSON value. Values reaching the schema came out of `JSON.parse`, so only presence is
 * checked; walking the value would cost time and stack on deeply nested input.
 */
export const JsonContentSchema = z.custom<JsonValue>((value) => value !== undefined, 'expected a JSON value');

/**
 * The error body of server `error` and `hangup` messages. `retryAfter` (seconds, only on `error`)
 * makes the 2.x SDK wait that long before its next reconnection attempt (§2.4).
 * @public
 */
export const SignalingErrorBodySchema = z.object({
  /** A catalog code (§5.1); the SDK maps unknown codes to 53000 (device) or 31005 (call). */
  code: z.int(),
  /** Human-readable text shown to the application. */
  message: z.string(),
  /** Seconds the SDK should wait before reconnecting (2.x honours it up to 60 s). */
  retryAfter: z.number().nonnegative().optional(),
});

/** @public */
export type SignalingErrorBody = z.infer<typeof SignalingErrorBodySchema>;

/** One member of a message union: `{type: <literal>, payload}`. @internal */
export function wireMessage<const T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({ type: z.literal(type), payload });
}
