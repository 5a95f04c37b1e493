/**
 * Ports of the call engine: the interfaces `calls/` depends on and adapters implement. The engine
 * never touches the network itself; `webhooks/` implements {@link WebhookClient}.
 */
import type { AccountSid, CallSid, VoiceError } from '@denwa/protocol';
import type { HttpMethod, RecordingCallbackEvent, RecordingRecord, RecordingSource, RecordingTrackKind } from '../store/ports.ts';

/** One webhook request: where to send it and the Twilio parameters it carries. */
export interface WebhookRequest {
  /** Absolute http(s) URL, as configured (a GET's parameters are added to its query). */
  readonly url: string;
  readonly method: HttpMethod;
  /** The Twilio request parameters (`CallSid`, `From`, `CallStatus`, …). */
  readonly params: Readonly<Record<string, string>>;
  /** Whose auth token signs the request and whose notification log records failures. */
  readonly accountSid: AccountSid;
  readonly callSid: CallSid | null;
}

/** A voice URL request, with the fallback URL tried when the primary one fails. */
export type TwimlRequest = WebhookRequest & {
  /** Tried once when the primary URL fails in any way; `null` or absent for none. */
  readonly fallbackUrl?: string | null;
  /** Method for the fallback URL; POST when absent. */
  readonly fallbackMethod?: HttpMethod;
};

/**
 * The outcome of fetching TwiML. On success, `url` and `method` are those of the request that
 * answered (after redirects; the base for relative URLs in the document) and `usedFallback` tells
 * whether the fallback URL answered.
 */
export type TwimlFetchResult =
  | {
      readonly ok: true;
      readonly body: string;
      readonly url: string;
      readonly method: HttpMethod;
      readonly usedFallback: boolean;
    }
  | { readonly ok: false; readonly error: VoiceError };

/** The outcome of delivering a status callback; `status` is the 2xx HTTP status received. */
export type CallbackResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: VoiceError };

/**
 * Fetches voice URLs and delivers callbacks, signed with `X-Twilio-Signature` like Twilio's.
 * Failures are values (and are recorded as the account's notifications): neither method throws or
 * rejects.
 */
export interface WebhookClient {
  /** Requests TwiML from `req.url`, then from `req.fallbackUrl` if the first attempt fails. */
  fetchTwiml(req: TwimlRequest): Promise<TwimlFetchResult>;
  /** Delivers a status callback; any 2xx answer counts as delivered and its body is ignored. */
  sendCallback(req: WebhookRequest): Promise<CallbackResult>;
}

// ── Media ───────────────────────────────────────────────────────────────────────────────────────

/** An audio codec negotiated on a media endpoint (RTP payload type as seen on that leg). */
export interface MediaCodec {
  /** Encoding name as in `a=rtpmap`, e.g. `PCMU`, `PCMA`, `opus`. */
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number;
  readonly payloadType: number;
}

/** What a media endpoint reports to the call engine. Delivered asynchronously, never re-entrantly. */
export type MediaEndpointEvent =
  /** ICE nominated and DTLS-SRTP established: media can flow. */
  | { readonly type: 'connected' }
  /** One RFC 4733 digit received (deduplicated: once per event, at its end). */
  | { readonly type: 'dtmf'; readonly digit: string; readonly durationMs: number }
  /** Consent freshness expired (no STUN check for 30 s) or the DTLS/ICE layer failed: the leg is dead. */
  | { readonly type: 'failed'; readonly error: VoiceError }
  /** The leg's sender started or stopped sending speech-level audio. */
  | { readonly type: 'speech'; readonly speaking: boolean };

export type MediaEventListener = (event: MediaEndpointEvent) => void;

/** The result of a media operation that may refuse remote input (SDP) with a catalog error. */
export type MediaResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: VoiceError };

/** One WebRTC (later SIP) media endpoint: one leg's ICE, DTLS-SRTP and RTP/RTCP state. */
export interface MediaEndpoint {
  readonly id: string;
  /** The negotiated audio codec; `null` until an offer/answer has completed. */
  readonly codec: MediaCodec | null;
  /** The SDP Denwa last sent for this endpoint (the answer, or the offer while unanswered). */
  readonly localSdp: string;
  /** For an endpoint created by {@link MediaPort.offer}: applies the remote answer. */
  applyAnswer(sdp: string): MediaResult<void>;
  /** A new remote offer on a live endpoint (ICE restart): returns Denwa's new answer. Media keeps flowing. */
  reoffer(sdp: string): MediaResult<string>;
  /** Stops media, frees the socket demux entry and timers. Idempotent; no event follows. */
  close(): void;
  /** Sends DTMF digits as RFC 4733 events on this leg (0-9 * # A-D; 'w' = 500 ms pause). Returns false if telephone-event was not negotiated. */
  sendDigits?(digits: string): boolean;
  /** Hands every audio packet received on this leg to `tap` (a recorder) as well; null stops. One tap per endpoint. */
  setTap(tap: MediaTap | null): void;
}

/**
 * Receives the audio packets of one endpoint, decrypted, as they arrive (RFC 4733 events and comfort
 * noise are not audio and are left out). Called synchronously on the media path: must be quick, must
 * not throw, and must copy `payload` if it keeps it.
 */
export interface MediaTap {
  onAudio(payload: Uint8Array, codec: MediaCodec, timestamp: number, ssrc: number, arrivalMs: number): void;
}

export interface MediaEndpointOptions {
  /** For logs only (e.g. the call sid and leg). */
  readonly label: string;
  readonly onEvent: MediaEventListener;
}

export interface MediaOfferOptions extends MediaEndpointOptions {
  /**
   * Codecs to offer, in preference order (names as in `a=rtpmap`, case-insensitive). A child leg
   * offers only the parent's negotiated codec so the relay never transcodes. telephone-event is added.
   */
  readonly codecs: readonly string[];
  readonly srtp?: 'off' | 'optional' | 'required';
}

/** A relay between two endpoints: RTP with payload type, SSRC and sequence rewritten, both ways. */
export interface MediaBridge {
  /** Stops relaying; the endpoints stay open. Idempotent. */
  close(): void;
}

/** The media relay, as the call engine sees it. Implemented by `media/`. */
export interface MediaPort {
  /** Terminates a remote WebRTC offer: a new endpoint and Denwa's answer SDP (31400-class refusal on bad SDP). */
  answer(offerSdp: string, opts: MediaEndpointOptions): MediaResult<{ readonly endpoint: MediaEndpoint; readonly sdp: string }>;
  /** A new endpoint that offers (to ring a browser): Denwa's offer SDP, answered later by `applyAnswer`. */
  offer(opts: MediaOfferOptions): { readonly endpoint: MediaEndpoint; readonly sdp: string };
  /** Relays media between two endpoints until the bridge or either endpoint is closed. */
  bridge(a: MediaEndpoint, b: MediaEndpoint): MediaBridge;
  /** A plain RTP/AVP endpoint for a SIP leg that offers (outbound SIP call): Denwa's SDP offer; the answer comes later via applyAnswer. Rejects only when no RTP port is free. */
  rtpOffer(opts: MediaOfferOptions): Promise<{ readonly endpoint: MediaEndpoint; readonly sdp: string }>;
  /** A plain RTP/AVP endpoint answering a SIP offer (inbound SIP call). `codecs`: acceptable codecs in preference order (default PCMU, PCMA). A bad or unacceptable SDP gives ok:false with a catalog VoiceError (488-class meaning; use the existing 31400-range / SDP errors used by media/sdp refusals). */
  rtpAnswer(offerSdp: string, opts: MediaEndpointOptions & { readonly codecs?: readonly string[]; readonly srtp?: 'off' | 'optional' | 'required' }): Promise<MediaResult<{ readonly endpoint: MediaEndpoint; readonly sdp: string }>>;
}

// ── Browser clients (the signaling side) ────────────────────────────────────────────────────────

/** The `parameters` of an incoming-call `invite` (twilio-signaling.md §10.2). */
export type IncomingCallParameters = Readonly<Record<string, string>>;

/**
 * One signaling connection of a browser, as the engine sees it. Implemented by `signaling/`. Every
 * method only queues a frame on the socket (or drops it while the socket is gone): none throws.
 */
export interface ClientConnection {
  /** Unique per connection (WebSocket), for logs and for binding call legs. */
  readonly id: string;
  readonly accountSid: AccountSid;
  readonly identity: string;
  /** `ringing {callsid[, sdp]}` for a call this client placed. */
  sendRinging(callSid: CallSid, sdp?: string): void;
  /** `answer {callsid, sdp?, reconnect}`: answers a call this client placed, or confirms a resume. */
  sendAnswer(callSid: CallSid, sdp: string | null, reconnect: string): void;
  /** `invite {callsid, sdp, parameters, reconnect}`: rings this client. */
  sendInvite(callSid: CallSid, sdp: string, parameters: IncomingCallParameters, reconnect: string): void;
  /** `cancel {callsid}`: an unanswered incoming call stops ringing here. */
  sendCancel(callSid: CallSid): void;
  /** `hangup {callsid[, error]}`: an answered or placed call ends. */
  sendHangup(callSid: CallSid, error?: VoiceError): void;
  /** `message {callsid, content, contenttype, messagetype, voiceeventsid}`: a user-defined call message. */
  sendCallMessage(callSid: CallSid, message: CallMessage): void;
  /** `farend {callsid, speaking}` (Denwa): the other party started or stopped sending speech-level audio. */
  sendFarEndSpeech(callSid: CallSid, speaking: boolean): void;
}

/** A user-defined call message (Voice SDK 2.x `Call.sendMessage` / `messageReceived`). */
export interface CallMessage {
  readonly content: unknown;
  readonly contentType: string;
  readonly messageType: string;
  readonly voiceEventSid: string;
}

/** Registered browsers by identity. Implemented by `signaling/` (presence). */
export interface ClientDirectory {
  /** Every connection currently registered (`register {audio:true}`) for the identity, oldest first. */
  registered(accountSid: AccountSid, identity: string): readonly ClientConnection[];
}

// ── The phone network (SIP trunks; implemented by sip/trunk) ────────────────────────────────────

/** A call to place on the phone network: `<Dial><Number>`, `<Dial><Sip>`, or REST `Calls.create` to a number. */
export interface PhoneDialRequest {
  readonly accountSid: AccountSid;
  readonly callSid: CallSid;
  /** An E.164 number (`<Number>`, REST `To`) or a `sip:`/`sips:` URI (`<Sip>`). */
  readonly to: string;
  /** The caller ID as TwiML or REST gave it (E.164, or `client:…` for a browser caller). */
  readonly from: string;
  /** `<Sip username password>`: digest credentials for the far end. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Codecs the other leg of the bridge carries, in preference order: offered first (passthrough). */
  readonly codecs: readonly string[];
  /** For logs and the media endpoint's label. */
  readonly label: string;
}

/** How a phone leg ended before or after it was answered, the way Twilio reports a dialed number. */
export type PhoneLegEnd =
  | { readonly kind: 'busy'; readonly sipStatus: number }
  | { readonly kind: 'no-answer'; readonly sipStatus: number }
  | { readonly kind: 'failed'; readonly sipStatus: number | null; readonly error: VoiceError }
  /** The far end hung up an answered call (BYE), or its media stopped (RTP timeout). */
  | { readonly kind: 'hangup'; readonly error?: VoiceError };

export type PhoneLegEvent =
  /** 180 or 183; `earlyMedia` when the far end sent SDP (ringback or announcements flow). */
  | { readonly type: 'ringing'; readonly earlyMedia: boolean }
  | { readonly type: 'answered' }
  | { readonly type: 'ended'; readonly end: PhoneLegEnd }
  /** Digits the far end sent in SIP INFO (RFC 4733 digits arrive as media `dtmf` events). */
  | { readonly type: 'dtmf'; readonly digits: string };

/** A phone leg being dialed or answered. */
export interface PhoneLeg {
  /** The leg's RTP endpoint (plain RTP, or SDES-SRTP where the trunk asks for it). */
  readonly endpoint: MediaEndpoint;
  /** Gives up before the answer (CANCEL). No `ended` event follows. */
  cancel(): void;
  /** Ends an answered leg (BYE). No `ended` event follows. */
  hangup(): void;
}

/** Places phone legs through the trunks. Implemented by `sip/trunk`. */
export interface LegDriver {
  /**
   * Starts a call. A refusal before anything is sent (no trunk for the number, geo permissions, an
   * invalid number) is ok:false with a catalog error; everything after arrives as events.
   */
  dial(req: PhoneDialRequest, onEvent: (event: PhoneLegEvent) => void, onMedia: MediaEventListener): Promise<MediaResult<PhoneLeg>>;
}

/** The SIP side of a call that came in on a trunk, as the engine drives it. */
export interface InboundPhoneLeg {
  /** The RTP endpoint that answered the caller's offer. */
  readonly endpoint: MediaEndpoint;
  /** 180 Ringing, or 183 with Denwa's SDP when `earlyMedia`. */
  ringing(earlyMedia: boolean): void;
  /** 200 OK with Denwa's SDP. */
  answer(): void;
  /** Refuses an unanswered call: busy → 486, no-answer → 480, failed → 503 (or `sipStatus`). */
  reject(kind: 'busy' | 'no-answer' | 'failed', sipStatus?: number): void;
  /** Ends an answered call (BYE). */
  hangup(): void;
}

// ── Recording ───────────────────────────────────────────────────────────────────────────────────

/** How a recording of a call is made (from `<Dial record>` or `Calls/{Sid}/Recordings`). */
export interface RecordingOptions {
  readonly accountSid: AccountSid;
  readonly callSid: CallSid;
  readonly source: RecordingSource;
  /** 2: channel 1 the parent (caller) leg, channel 2 the child (dialed) leg; 1: a mix. */
  readonly channels: 1 | 2;
  readonly track: RecordingTrackKind;
  readonly trim: boolean;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly statusCallbackEvents: readonly RecordingCallbackEvent[];
}

/** Why pausing a recording leaves silence in it or leaves the span out. */
export type PauseBehavior = 'skip' | 'silence';

/** A recording being made. */
export interface ActiveRecording {
  readonly sid: RecordingRecord['sid'];
  readonly callSid: CallSid;
  /** The current record (status, start time). */
  readonly record: RecordingRecord;
  /** The legs recorded: the parent (channel 1) and the child (channel 2); null while a leg is not there. */
  setLegs(parent: MediaEndpoint | null, child: MediaEndpoint | null): void;
  /** False when it is not recording (paused already, or ended). */
  pause(behavior: PauseBehavior): boolean;
  /** False when it is not paused. */
  resume(): boolean;
  /**
   * Ends the recording. Resolves once the WAV is final (its duration known), before the files are
   * stored and encoded; callbacks follow. Idempotent: later calls give the same result.
   */
  stop(): Promise<RecordingRecord>;
}

/** Records calls. Implemented by `recording/`. */
export interface RecorderPort {
  /** Starts recording `parent` (and `child` when known). Fails (ok:false) only when the spool file cannot be created. */
  start(options: RecordingOptions, parent: MediaEndpoint | null, child: MediaEndpoint | null): Promise<MediaResult<ActiveRecording>>;
  /** The public URL of a recording without extension, as webhooks give it (`…/Recordings/RE…`). */
  recordingUrl(accountSid: AccountSid, sid: RecordingRecord['sid']): string;
  /** A recording being made in this process, by sid (null once stopped). */
  active(sid: RecordingRecord['sid']): ActiveRecording | null;
  /** The recordings of `callSid` being made now, oldest first. */
  activeForCall(callSid: CallSid): readonly ActiveRecording[];
}
