/**
 * Client → server PStream messages: what `@twilio/voice-sdk` 2.x, `twilio-client` 1.x and Denwa's
 * SDK send over the signaling WebSocket (twilio-signaling.md §3.2, sequences in §4).
 *
 * Objects use zod's default *strip* mode: unknown fields never fail parsing and are dropped from
 * the result, while every field the server acts on is checked strictly. There is no client
 * `cancel`, `unregister`, `close`, `ringing` or `candidate` message; such types are refused (31100).
 */
import { z } from 'zod';
import { JsonContentSchema, SignalingIdSchema, wireMessage } from './wire-values.ts';

/** DTMF digits the SDKs accept; each `w` is a 500 ms pause (§4.6). @public */
export const DTMF_PATTERN = /^[0-9*#w]+$/;

/**
 * `listen.browserinfo`: informational only. A malformed value is dropped rather than refusing the
 * `listen`, since nothing depends on it.
 * @public
 */
export const BrowserInfoSchema = z.object({
  /** Always `"browser"`. */
  p: z.string().optional(),
  /** SDK release, e.g. `"2.18.5"` or `"1.15.1"`. */
  v: z.string().optional(),
  /** Always `"rtc"`. */
  plugin: z.string().optional(),
  browser: z
    .object({
      userAgent: z.string().optional(),
      platform: z.string().optional(),
    })
    .optional(),
});

/** @public */
export type BrowserInfo = z.infer<typeof BrowserInfoSchema>;

/**
 * `listen` — authenticate the socket. Sent on every socket open (before anything else), and
 * again on the same socket on token refresh (§4.1, §4.10). Answered by `connected`, or by
 * `error` (+ optionally `close`) when the token is refused (§4.11).
 * @public
 */
export const ListenPayloadSchema = z.object({
  /** The Access Token or Capability Token (JWT). Emptiness is the token verifier's 31102. */
  token: z.string(),
  browserinfo: BrowserInfoSchema.optional().catch(undefined),
  /**
   * 2.x only: seconds the server should keep a dropped socket's calls and presence for the
   * client to reconnect (`min(ceil(maxCallSignalingTimeoutMs / 1000), 30)`, 0 by default).
   */
  reconnectTimeout: z.int().nonnegative().optional(),
});

/**
 * `register` — presence. `audio: true` registers for incoming calls (and refreshes every 30 s);
 * `audio: false` unregisters. Answered by `ready` / `offline` (§4.1).
 * @public
 */
export const RegisterPayloadSchema = z.object({
  media: z.object({ audio: z.boolean() }),
});

/**
 * `invite` from the client, in two forms (§4.2, §4.9, §4.10):
 *
 * - **new call**: `callsid` is a temporary `TJS…` id, `sdp` is the offer (normally without
 *   candidates), `twilio.params` carries the urlencoded custom parameters; 1.x adds `preflight`.
 *   Answered by `ringing` (optional) then `answer`, or ended by `hangup {error}`.
 * - **resume** (2.x): `reconnect` holds the server's opaque token, `callsid` the real `CA…` Sid,
 *   `sdp` the current local description and `twilio` is `{}`. Sent after every `connected` while a
 *   call holds a token (socket reconnect, token refresh) and by `Device.connect({connectToken})`.
 *   Answered by `answer {callsid, reconnect}`. Use {@link isResumeInvite} to tell the forms apart;
 *   judging the token itself (31107/31104/31209) is the session's job.
 * @public
 */
export const ClientInvitePayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1),
  /** Absent is read as `{}`. `params` is the urlencoded string; see `parseTwilioParams`. */
  twilio: z.object({ params: z.string().optional() }).default({}),
  /** The opaque resume token the server minted; present only on a resume invite. */
  reconnect: z.string().optional(),
  /** 1.x only, always `false` for ordinary calls. */
  preflight: z.boolean().optional(),
});

/**
 * `answer` from the client — accepts an incoming call: `sdp` answers the server's offer (§4.4a).
 * No reply is required.
 * @public
 */
export const ClientAnswerPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1),
});

/**
 * `reinvite` — ICE restart offer during media reconnection (§4.8). Answered by `answer` with an
 * SDP carrying fresh ICE credentials. Never queued by the SDK while the socket is down.
 * @public
 */
export const ReinvitePayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1),
});

/**
 * `hangup` from the client — ends a call (§4.5). `callsid` is the `CA…` Sid, or the temporary
 * `TJS…` id when none was assigned yet. No reply is expected.
 * @public
 */
export const ClientHangupPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  /** A reason such as "Connection with Twilio was interrupted." */
  message: z.string().optional(),
});

/**
 * `reject` — refuses a pending incoming call (§4.4b); also sent by `device.destroy()`.
 * @public
 */
export const RejectPayloadSchema = z.object({
  callsid: SignalingIdSchema,
});

/**
 * `dtmf` — signaling fallback for digits, used only when the remote SDP lacks telephone-event
 * (§4.6). The whole string, `w` included.
 * @public
 */
export const DtmfPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  dtmf: z.string().regex(DTMF_PATTERN, 'expected digits 0-9, *, # or w'),
});

/**
 * `message` from the client (2.x call message, §4.7). Answered by `ack {acktype:"message"}` or by
 * `error {callsid, voiceeventsid, error: 31210|31212}`; see `checkCallMessage`.
 * @public
 */
export const ClientCallMessagePayloadSchema = z.object({
  callsid: SignalingIdSchema,
  /** Any JSON value; the SDK refuses `null`/`undefined` before sending. */
  content: JsonContentSchema,
  /** MIME type of `content`; the SDK sends `application/json` by default. */
  contenttype: z.string().default('application/json'),
  /** Application-chosen kind, e.g. `user-defined-message`; must not be empty. */
  messagetype: z.string().min(1),
  /** Correlates the `ack`/`error` reply; `KX` + 32 hex from the 2.x SDK. */
  voiceeventsid: SignalingIdSchema,
});

/**
 * Every client → server message as `{type, payload}` (the envelope's `version` is reported beside
 * the message by the decoder), discriminated on `type`.
 * @public
 */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  wireMessage('listen', ListenPayloadSchema),
  wireMessage('register', RegisterPayloadSchema),
  wireMessage('invite', ClientInvitePayloadSchema),
  wireMessage('answer', ClientAnswerPayloadSchema),
  wireMessage('reinvite', ReinvitePayloadSchema),
  wireMessage('hangup', ClientHangupPayloadSchema),
  wireMessage('reject', RejectPayloadSchema),
  wireMessage('dtmf', DtmfPayloadSchema),
  wireMessage('message', ClientCallMessagePayloadSchema),
]);

/** A validated client → server message. @public */
export type ClientMessage = z.output<typeof ClientMessageSchema>;
/** The `type` of a client → server message. @public */
export type ClientMessageType = ClientMessage['type'];
/** The client message of one type. @public */
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** The client message types, in the order of §3.2. @public */
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'listen',
  'register',
  'invite',
  'answer',
  'reinvite',
  'hangup',
  'reject',
  'dtmf',
  'message',
];

/** @public */ export type ListenPayload = z.output<typeof ListenPayloadSchema>;
/** @public */ export type RegisterPayload = z.output<typeof RegisterPayloadSchema>;
/** @public */ export type ClientInvitePayload = z.output<typeof ClientInvitePayloadSchema>;
/** @public */ export type ClientAnswerPayload = z.output<typeof ClientAnswerPayloadSchema>;
/** @public */ export type ReinvitePayload = z.output<typeof ReinvitePayloadSchema>;
/** @public */ export type ClientHangupPayload = z.output<typeof ClientHangupPayloadSchema>;
/** @public */ export type RejectPayload = z.output<typeof RejectPayloadSchema>;
/** @public */ export type DtmfPayload = z.output<typeof DtmfPayloadSchema>;
/** @public */ export type ClientCallMessagePayload = z.output<typeof ClientCallMessagePayloadSchema>;

/** @public */ export type ListenMessage = ClientMessageOf<'listen'>;
/** @public */ export type RegisterMessage = ClientMessageOf<'register'>;
/** @public */ export type ClientInviteMessage = ClientMessageOf<'invite'>;
/** @public */ export type ClientAnswerMessage = ClientMessageOf<'answer'>;
/** @public */ export type ReinviteMessage = ClientMessageOf<'reinvite'>;
/** @public */ export type ClientHangupMessage = ClientMessageOf<'hangup'>;
/** @public */ export type RejectMessage = ClientMessageOf<'reject'>;
/** @public */ export type DtmfMessage = ClientMessageOf<'dtmf'>;
/** @public */ export type ClientCallMessage = ClientMessageOf<'message'>;

/** A resume `invite`: it carries the server's `reconnect` token (§4.9). @public */
export type ResumeInvitePayload = ClientInvitePayload & { readonly reconnect: string };

/** True when an `invite` resumes (or picks up, via connectToken) an existing call. @public */
export function isResumeInvite(payload: ClientInvitePayload): payload is ResumeInvitePayload {
  return payload.reconnect !== undefined;
}
