/**
 * Encoding what the server sends, and decoding it on the browser side (Denwa's SDK).
 */
import type { VoiceError } from '../errors/index.ts';
import { PROTOCOL_VERSION, invalidPayload, isHeartbeatFrame, isJsonObject, malformed, readEnvelope } from './envelope.ts';
import {
  SERVER_MESSAGE_TYPES,
  ServerMessageSchema,
  type ServerErrorMessage,
  type ServerMessage,
  type ServerMessageType,
} from './server-messages.ts';
import type { HeartbeatFrame } from './client-frames.ts';
import type { SignalingErrorBody } from './wire-values.ts';

/**
 * Encodes a server message as a text frame with version {@link PROTOCOL_VERSION}. The message is
 * trusted: its type is the check, there is no run-time validation. Send `HEARTBEAT_FRAME` for
 * heartbeats; never send other non-JSON text (the official SDKs parse every other frame as JSON
 * without a guard, §2.4).
 * @throws TypeError if a call message `content` cannot be serialized (cycle, BigInt).
 * @public
 */
export function encodeServerMessage(msg: ServerMessage): string {
  return JSON.stringify({ type: msg.type, version: PROTOCOL_VERSION, payload: msg.payload });
}

/** The `{code, message}` body for a {@link VoiceError}, as `error`/`hangup` carry it. @public */
export function signalingErrorBody(err: VoiceError): { code: number; message: string } {
  return { code: err.code, message: err.message };
}

/** Where an `error` message is addressed, and how long the client should back off. @public */
export interface SignalingErrorOptions {
  readonly callsid?: string | undefined;
  /** Set for a failed call message; the SDK then raises the error on the call, not the Device. */
  readonly voiceeventsid?: string | undefined;
  /** Seconds before the SDK's next reconnection attempt (§2.4). */
  readonly retryAfter?: number | undefined;
}

/**
 * Builds the `error` message for a {@link VoiceError}. Passing a `ClientFrameError` as `options`
 * addresses the reply to the frame that failed.
 * @public
 */
export function signalingErrorMessage(err: VoiceError, options: SignalingErrorOptions = {}): ServerErrorMessage {
  const error: SignalingErrorBody = {
    ...signalingErrorBody(err),
    ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
  };
  return {
    type: 'error',
    payload: {
      error,
      ...(options.callsid === undefined ? {} : { callsid: options.callsid }),
      ...(options.voiceeventsid === undefined ? {} : { voiceeventsid: options.voiceeventsid }),
    },
  };
}

/** A valid server message. @public */
export interface ServerMessageFrame {
  readonly kind: 'message';
  readonly message: ServerMessage;
  readonly version?: string;
}

/** A well-formed frame of a type this protocol does not define; the official SDKs ignore these. @public */
export interface UnknownServerFrame {
  readonly kind: 'unknown';
  /** The frame's type, cut to 64 characters. */
  readonly type: string;
}

/** What {@link decodeServerFrame} returns for a usable frame. @public */
export type ServerFrame = HeartbeatFrame | ServerMessageFrame | UnknownServerFrame;

/** A server frame that cannot be used: always a 31100. @public */
export interface ServerFrameError {
  readonly kind: 'error';
  readonly error: VoiceError;
  readonly type?: ServerMessageType;
  readonly callsid?: string;
  readonly voiceeventsid?: string;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(SERVER_MESSAGE_TYPES);

function isServerMessageType(type: string): type is ServerMessageType {
  return KNOWN_TYPES.has(type);
}

/**
 * Decodes one text frame received from the server (Denwa's SDK side). Never throws. Mirrors the
 * official SDKs' leniency: a missing or `null` payload reads as `{}` and unknown types are
 * reported as `unknown` rather than refused; anything else malformed is a 31100.
 * @public
 */
export function decodeServerFrame(text: string): ServerFrame | ServerFrameError {
  if (isHeartbeatFrame(text)) return { kind: 'heartbeat' };
  const envelope = readEnvelope(text);
  if (!envelope.ok) return { kind: 'error', error: envelope.error, ...envelope.address };
  const { type, address } = envelope;
  if (!isServerMessageType(type)) return { kind: 'unknown', type: type.slice(0, 64) };
  const payload = envelope.payload ?? {};
  if (!isJsonObject(payload)) {
    return { kind: 'error', type, error: malformed('payload must be a JSON object', { path: 'payload' }), ...address };
  }
  const parsed = ServerMessageSchema.safeParse({ type, payload });
  if (!parsed.success) {
    return { kind: 'error', type, error: invalidPayload(parsed.error), ...address };
  }
  return {
    kind: 'message',
    message: parsed.data,
    ...(envelope.version === undefined ? {} : { version: envelope.version }),
  };
}
