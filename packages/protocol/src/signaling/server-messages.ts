/**
 * Server → client PStream messages: what Denwa's signaling server sends and what the official SDKs
 * read (twilio-signaling.md §3.3, sequences in §4).
 *
 * The server builds these as plain typed objects (no runtime validation on the way out); the
 * schemas serve Denwa's SDK, which validates what it receives. Objects strip unknown fields.
 */
import { z } from 'zod';
import { JsonContentSchema, SignalingErrorBodySchema, SignalingIdSchema, wireMessage } from './wire-values.ts';

/**
 * `connected` — reply to `listen` (§4.1, §4.10). 2.x stores `edge`/`home`/`identity`, derives its
 * Insights host from `home` (`eventgw.<home>.twilio.com`, §7) and arms `tokenWillExpire` at
 * `ttl * 1000 - tokenRefreshMs`; 1.x answers it with `register`. Each `connected` also makes 2.x
 * send a resume `invite` for every call holding a reconnect token.
 * @public
 */
export const ConnectedPayloadSchema = z.object({
  /** Region name (AWS-style such as `US_EAST_VIRGINIA`, or any string). */
  region: z.string(),
  /** Edge name. Without `chunderw`, 2.x reconnects to `voice-js.<edge>.twilio.com`. */
  edge: z.string(),
  /** Home region; steers the 2.x Insights host. */
  home: z.string().optional(),
  /** Gateway name, stored by the SDK for Insights. */
  gateway: z.string().optional(),
  /** 2.x reads identity and the *remaining* token lifetime in seconds from here. */
  token: z
    .object({
      identity: z.string(),
      ttl: z.number().nonnegative(),
    })
    .optional(),
});

/** `ready` — registration accepted (`register {audio:true}`); Device → `registered` (§4.1). @public */
export const ReadyPayloadSchema = z.object({});

/**
 * `offline` — not (or no longer) registered: answer to `register {audio:false}` or a refused
 * registration (then after an `error`). Device → `unregistered`; a pending `register()` rejects.
 * @public
 */
export const OfflinePayloadSchema = z.object({});

/**
 * The `parameters` of an incoming `invite`, copied to `call.parameters` (§10.2). `Params` is the
 * urlencoded `<Parameter>` list (→ `call.customParameters`); `StirStatus`
 * `"TN-Validation-Passed-A"` marks the caller as verified. Build it with
 * `buildIncomingCallParameters`.
 * @public
 */
export const IncomingCallParametersSchema = z.object({
  CallSid: z.string(),
  AccountSid: z.string(),
  /** The caller: `+1555…` or `client:bob`. */
  From: z.string(),
  /** The callee: `client:<identity>`. */
  To: z.string(),
  ApiVersion: z.string(),
  Params: z.string().optional(),
  StirStatus: z.string().optional(),
});

/**
 * `invite` from the server — an incoming call (§4.4). `sdp` is the full offer with the server's
 * candidates (no trickle ICE). The client answers with `answer`/`reject`, or says nothing
 * (ignore, or busy device), in which case the server times out and sends `cancel`. A missing
 * `callsid`/`sdp` is a 31400 on the SDK side.
 * @public
 */
export const ServerInvitePayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1),
  parameters: IncomingCallParametersSchema,
  /** 2.x: the opaque token for signaling reconnection and `call.connectToken`. */
  reconnect: z.string().optional(),
});

/**
 * `ringing` — the outgoing call is ringing (§4.2). It tells the SDK the real `CA…` Sid. With `sdp`
 * it is early media (§4.3): the SDP is applied at once as the *final* answer, so a later `answer`
 * SDP is ignored. 1.x without `enableRingingState` treats a `ringing` with SDP as the answer.
 * @public
 */
export const RingingPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1).optional(),
});

/**
 * `answer` from the server (§4.2, §4.8, §4.9):
 * - outgoing call answered: `sdp` (unless `ringing` carried it) and `reconnect`;
 * - accepted incoming call: optional, only refreshes `reconnect`;
 * - reply to a resume `invite`: `reconnect` (SDP, if any, is not applied);
 * - reply to `reinvite`: `sdp` with the new ICE credentials.
 * @public
 */
export const ServerAnswerPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  sdp: z.string().min(1).optional(),
  reconnect: z.string().optional(),
});

/**
 * `hangup` from the server — ends an *accepted* call (§4.5). Without `callsid` it ends every
 * accepted call. With `error` the SDK first emits a call `error` (mapped per §5.1). Use `cancel`
 * for an incoming call that was not accepted.
 * @public
 */
export const ServerHangupPayloadSchema = z.object({
  callsid: SignalingIdSchema.optional(),
  error: SignalingErrorBodySchema.pick({ code: true, message: true }).optional(),
});

/**
 * `cancel` — the pending incoming call went away: caller hung up, answered elsewhere, or the ring
 * timed out (§4.4d). Not for accepted calls (those get `hangup`).
 * @public
 */
export const CancelPayloadSchema = z.object({
  callsid: SignalingIdSchema,
});

/**
 * `error` (§4.7, §4.11, §5.1). With `voiceeventsid` it fails that call message (Call `error`);
 * without, it is a Device `error`. It never ends a call. A refused registration is `error` then
 * `offline`; a fatal one is `error` then `close`.
 * @public
 */
export const ServerErrorPayloadSchema = z.object({
  error: SignalingErrorBodySchema,
  callsid: SignalingIdSchema.optional(),
  voiceeventsid: SignalingIdSchema.optional(),
});

/** `ack` — a client call message was accepted (§4.7); Call `messageSent`. @public */
export const AckPayloadSchema = z.object({
  acktype: z.literal('message'),
  callsid: SignalingIdSchema,
  voiceeventsid: SignalingIdSchema,
});

/**
 * `message` from the server — a call message for the application (§4.7); Call
 * `messageReceived`. `callsid` must equal the call's `CallSid` or the SDK ignores it.
 * @public
 */
export const ServerCallMessagePayloadSchema = z.object({
  callsid: SignalingIdSchema,
  content: JsonContentSchema,
  contenttype: z.string(),
  messagetype: z.string().min(1),
  voiceeventsid: SignalingIdSchema,
});

/**
 * `farend` — Denwa only: whether the other party of this call is sending speech-level audio, sent
 * when that changes. Denwa's SDK raises `one-way-audio` when it arrives as speech while the call's
 * received level stays silent; the official SDKs ignore message types they do not know.
 * @public
 */
export const FarEndPayloadSchema = z.object({
  callsid: SignalingIdSchema,
  speaking: z.boolean(),
});

/**
 * `close` — fatal: the SDK closes the socket and does not reconnect; pending `register()` /
 * `connect()` reject (§3.3, §4.11).
 * @public
 */
export const ClosePayloadSchema = z.object({});

/** Every server → client message as `{type, payload}`, discriminated on `type`. @public */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  wireMessage('connected', ConnectedPayloadSchema),
  wireMessage('ready', ReadyPayloadSchema),
  wireMessage('offline', OfflinePayloadSchema),
  wireMessage('invite', ServerInvitePayloadSchema),
  wireMessage('ringing', RingingPayloadSchema),
  wireMessage('answer', ServerAnswerPayloadSchema),
  wireMessage('hangup', ServerHangupPayloadSchema),
  wireMessage('cancel', CancelPayloadSchema),
  wireMessage('error', ServerErrorPayloadSchema),
  wireMessage('ack', AckPayloadSchema),
  wireMessage('message', ServerCallMessagePayloadSchema),
  wireMessage('farend', FarEndPayloadSchema),
  wireMessage('close', ClosePayloadSchema),
]);

/** A server → client message. @public */
export type ServerMessage = z.output<typeof ServerMessageSchema>;
/** The `type` of a server → client message. @public */
export type ServerMessageType = ServerMessage['type'];
/** The server message of one type. @public */
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** @public */ export type ConnectedPayload = z.output<typeof ConnectedPayloadSchema>;
/** @public */ export type IncomingCallParameters = z.output<typeof IncomingCallParametersSchema>;
/** @public */ export type ServerInvitePayload = z.output<typeof ServerInvitePayloadSchema>;
/** @public */ export type RingingPayload = z.output<typeof RingingPayloadSchema>;
/** @public */ export type ServerAnswerPayload = z.output<typeof ServerAnswerPayloadSchema>;
/** @public */ export type ServerHangupPayload = z.output<typeof ServerHangupPayloadSchema>;
/** @public */ export type CancelPayload = z.output<typeof CancelPayloadSchema>;
/** @public */ export type ServerErrorPayload = z.output<typeof ServerErrorPayloadSchema>;
/** @public */ export type AckPayload = z.output<typeof AckPayloadSchema>;
/** @public */ export type ServerCallMessagePayload = z.output<typeof ServerCallMessagePayloadSchema>;
/** @public */ export type FarEndPayload = z.output<typeof FarEndPayloadSchema>;

/** @public */ export type ConnectedMessage = ServerMessageOf<'connected'>;
/** @public */ export type ReadyMessage = ServerMessageOf<'ready'>;
/** @public */ export type OfflineMessage = ServerMessageOf<'offline'>;
/** @public */ export type ServerInviteMessage = ServerMessageOf<'invite'>;
/** @public */ export type RingingMessage = ServerMessageOf<'ringing'>;
/** @public */ export type ServerAnswerMessage = ServerMessageOf<'answer'>;
/** @public */ export type ServerHangupMessage = ServerMessageOf<'hangup'>;
/** @public */ export type CancelMessage = ServerMessageOf<'cancel'>;
/** @public */ export type ServerErrorMessage = ServerMessageOf<'error'>;
/** @public */ export type AckMessage = ServerMessageOf<'ack'>;
/** @public */ export type ServerCallMessage = ServerMessageOf<'message'>;
/** @public */ export type FarEndMessage = ServerMessageOf<'farend'>;
/** @public */ export type CloseMessage = ServerMessageOf<'close'>;

/** The server message types, in the order of §3.3. @public */
export const SERVER_MESSAGE_TYPES: readonly ServerMessageType[] = [
  'connected',
  'ready',
  'offline',
  'invite',
  'ringing',
  'answer',
  'hangup',
  'cancel',
  'error',
  'ack',
  'message',
  'farend',
  'close',
];
