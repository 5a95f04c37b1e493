/**
 * The PStream envelope (twilio-signaling.md §2.4, §3.1): every text frame is one JSON object
 * `{"type": …, "version": …, "payload": {…}}`, except the heartbeat, a bare `"\n"` that is not JSON.
 */
import type { z } from 'zod';
import { VoiceError } from '../errors/index.ts';
import { SIGNALING_ID_PATTERN } from './wire-values.ts';

/** The version Denwa writes into every frame it sends (the 2.x SDK's; the SDKs ignore it). @public */
export const PROTOCOL_VERSION = '1.6';

/**
 * Envelope versions the official SDKs send: `"1.6"` from `@twilio/voice-sdk` 2.x, `"1.5"` from
 * `twilio-client` 1.x. Other strings are accepted too and reported as they are.
 * @public
 */
export const CLIENT_PROTOCOL_VERSIONS = ['1.5', '1.6'] as const;

/** A version an official SDK sends. @public */
export type ClientProtocolVersion = (typeof CLIENT_PROTOCOL_VERSIONS)[number];

/**
 * The heartbeat frame: exactly one newline, never JSON. The server sends it every 5–10 s (the SDK
 * drops a socket that is silent for 15 s) and the SDK echoes it back unchanged (§2.4).
 * @public
 */
export const HEARTBEAT_FRAME = '\n';

/**
 * Longest text frame accepted, in UTF-16 code units (256 Ki). Real frames are a few KiB (an SDP
 * offer, a token); the WebSocket server should also bound frames in bytes before they get here.
 * @public
 */
export const MAX_FRAME_LENGTH = 262_144;

/** Longest `version` string accepted in an envelope. @public */
export const MAX_VERSION_LENGTH = 16;

/** True when a text frame is the heartbeat. @public */
export function isHeartbeatFrame(text: string): boolean {
  return text === HEARTBEAT_FRAME;
}

/** The addressable parts of a frame, read before (and whatever the outcome of) validation. */
export interface FrameAddress {
  readonly callsid?: string;
  readonly voiceeventsid?: string;
}

/** An envelope whose shape is known good; `payload` is still unchecked. */
export interface RawEnvelope {
  readonly ok: true;
  readonly type: string;
  readonly version?: string;
  /** `undefined` when the key is absent; may be `null` or any JSON value. */
  readonly payload: unknown;
  readonly address: FrameAddress;
}

/** Why an envelope could not be read. Always a 31100. */
export interface EnvelopeFailure {
  readonly ok: false;
  readonly error: VoiceError;
  readonly address: FrameAddress;
}

/** A JSON object (not an array, not `null`), as a record of unknowns. */
export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addressOf(payload: unknown): FrameAddress {
  if (!isJsonObject(payload)) return {};
  const callsid = payload['callsid'];
  const voiceeventsid = payload['voiceeventsid'];
  return {
    ...(typeof callsid === 'string' && SIGNALING_ID_PATTERN.test(callsid) ? { callsid } : {}),
    ...(typeof voiceeventsid === 'string' && SIGNALING_ID_PATTERN.test(voiceeventsid) ? { voiceeventsid } : {}),
  };
}

/** A 31100 that names what was wrong; the text goes on the wire, so it never quotes the frame. */
export function malformed(detail: string, details: Readonly<Record<string, unknown>> = {}, cause?: unknown): VoiceError {
  return new VoiceError(31100, detail, { details, ...(cause === undefined ? {} : { cause }) });
}

/** A 31100 from the first schema issue, e.g. `payload.sdp: Invalid input: expected string, received number`. */
export function invalidPayload(error: z.ZodError): VoiceError {
  const issue = error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const reason = issue === undefined ? 'invalid message' : issue.message;
  return malformed(path === '' ? reason : `${path}: ${reason}`, { path }, error);
}

/**
 * Reads a non-heartbeat text frame up to (not including) payload validation: size limit, JSON, a
 * JSON object, a string `type`, a string `version` if present. Never throws.
 */
export function readEnvelope(text: string): RawEnvelope | EnvelopeFailure {
  if (text.length > MAX_FRAME_LENGTH) {
    return { ok: false, address: {}, error: malformed(`frame longer than ${MAX_FRAME_LENGTH} characters`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, address: {}, error: malformed('frame is not JSON', {}, err) };
  }
  if (!isJsonObject(value)) {
    return { ok: false, address: {}, error: malformed('frame is not a JSON object') };
  }
  const payload = value['payload'];
  const address = addressOf(payload);
  const type = value['type'];
  if (type === undefined) return { ok: false, address, error: malformed('missing type', { path: 'type' }) };
  if (typeof type !== 'string') return { ok: false, address, error: malformed('type must be a string', { path: 'type' }) };
  const version = value['version'];
  if (version !== undefined && (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH)) {
    return { ok: false, address, error: malformed('version must be a short string', { path: 'version' }) };
  }
  return { ok: true, type, payload, address, ...(version === undefined ? {} : { version }) };
}
