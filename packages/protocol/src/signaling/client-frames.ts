/**
 * Decoding what a browser sends (the server's trust boundary) and encoding it (Denwa's SDK).
 */
import type { z } from 'zod';
import { VoiceError } from '../errors/index.ts';
import {
  CLIENT_MESSAGE_TYPES,
  ClientMessageSchema,
  type ClientMessage,
  type ClientMessageType,
} from './client-messages.ts';
import {
  PROTOCOL_VERSION,
  isHeartbeatFrame,
  invalidPayload,
  isJsonObject,
  malformed,
  readEnvelope,
  type ClientProtocolVersion,
} from './envelope.ts';

/** The heartbeat echo. @public */
export interface HeartbeatFrame {
  readonly kind: 'heartbeat';
}

/** A valid client message, with the envelope's `version` when it had one. @public */
export interface ClientMessageFrame {
  readonly kind: 'message';
  readonly message: ClientMessage;
  /** `"1.6"` (2.x), `"1.5"` (1.x) or whatever else the client wrote; absent if it wrote none. */
  readonly version?: string;
}

/** What {@link decodeClientFrame} returns for a good frame. @public */
export type ClientFrame = HeartbeatFrame | ClientMessageFrame;

/**
 * A refused frame. `error` is a 31100 (malformed) or 31101 (payload missing). `callsid` and
 * `voiceeventsid` are copied from the payload when they could be read and look like ids, so the
 * server can address its `error` reply (a call message failure needs both).
 * @public
 */
export interface ClientFrameError {
  readonly kind: 'error';
  readonly error: VoiceError;
  /** The message type, when it is a known one. */
  readonly type?: ClientMessageType;
  readonly callsid?: string;
  readonly voiceeventsid?: string;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_TYPES);

function isClientMessageType(type: string): type is ClientMessageType {
  return KNOWN_TYPES.has(type);
}

/**
 * Decodes one text frame received from a browser SDK. Never throws.
 *
 * - exactly `"\n"` → `{kind: 'heartbeat'}`;
 * - a valid message → `{kind: 'message', message, version}`;
 * - otherwise `{kind: 'error', error}` with **31101** when `payload` is absent or `null`, and
 *   **31100** for everything else: longer than `MAX_FRAME_LENGTH`, not JSON, not a JSON object,
 *   missing or non-string `type`, unknown `type`, non-string `version`, non-object `payload`, or a
 *   payload field that does not match its schema.
 * @public
 */
export function decodeClientFrame(text: string): ClientFrame | ClientFrameError {
  if (isHeartbeatFrame(text)) return { kind: 'heartbeat' };
  const envelope = readEnvelope(text);
  if (!envelope.ok) return { kind: 'error', error: envelope.error, ...envelope.address };
  const { type, payload, address } = envelope;
  if (!isClientMessageType(type)) {
    return { kind: 'error', error: malformed('unknown message type', { path: 'type' }), ...address };
  }
  if (payload === undefined || payload === null) {
    return { kind: 'error', type, error: new VoiceError(31101, `${type} has no payload`, { details: { path: 'payload' } }), ...address };
  }
  if (!isJsonObject(payload)) {
    return { kind: 'error', type, error: malformed('payload must be a JSON object', { path: 'payload' }), ...address };
  }
  const parsed = ClientMessageSchema.safeParse({ type, payload });
  if (!parsed.success) {
    return { kind: 'error', type, error: invalidPayload(parsed.error), ...address };
  }
  return {
    kind: 'message',
    message: parsed.data,
    ...(envelope.version === undefined ? {} : { version: envelope.version }),
  };
}

/** A client message as Denwa's SDK builds it: defaulted fields (`twilio`, `contenttype`) may be left out. @public */
export type ClientMessageInput = z.input<typeof ClientMessageSchema>;

/**
 * Encodes a client message as a text frame (Denwa's SDK side). The message is trusted (checked by
 * its type, not at run time). Use `HEARTBEAT_FRAME` to echo heartbeats.
 * @throws TypeError if `content` of a call message cannot be serialized (cycle, BigInt).
 * @public
 */
export function encodeClientMessage(msg: ClientMessageInput, version: ClientProtocolVersion = PROTOCOL_VERSION): string {
  return JSON.stringify({ type: msg.type, version, payload: msg.payload });
}
