/**
 * What the signaling layer asks of the call engine: the browser side of every call. `signaling/`
 * calls these methods in the order frames arrive on a socket; the engine answers through the
 * connection's {@link ClientConnection} methods.
 */
import type { AccountSid, ApplicationSid, CallSid, VoiceError } from '@denwa/protocol';
import type { CallMessage, ClientConnection, MediaResult } from './ports.ts';

/** A browser's `invite` for a new call through its token's outgoing application. */
export interface PlaceCallRequest {
  readonly connection: ClientConnection;
  readonly accountSid: AccountSid;
  readonly applicationSid: ApplicationSid;
  /**
   * The voice webhook's custom parameters: the token's outgoing params, overridden by the
   * `invite`'s `twilio.params` (`To` among them when the app passed one).
   */
  readonly params: Readonly<Record<string, string>>;
  readonly offerSdp: string;
}

/** The answer to a resume `invite`: whether to put an SDP into the `answer` frame, and the new token. */
export interface ResumeResult {
  /** A full answer SDP for a `connectToken` pick-up of a ringing call; `null` for a live call. */
  readonly sdp: string | null;
  readonly reconnect: string;
}

export interface ClientCalls {
  /**
   * Starts a call placed by a browser and returns its sid at once, so that the signaling layer can
   * map the SDK's temporary `TJS…` id. Everything after (ringing, answer, failure as `hangup` with an
   * error) reaches the browser through `req.connection`.
   */
  placeCall(req: PlaceCallRequest): CallSid;
  /** `answer {callsid, sdp}`: this connection accepted an incoming call. */
  answer(connection: ClientConnection, callSid: CallSid, sdp: string): void;
  /** `reject {callsid}`: this connection declined an incoming call. */
  reject(connection: ClientConnection, callSid: CallSid): void;
  /** `hangup {callsid}`: ends the call (placed or answered) that this connection holds. */
  hangup(connection: ClientConnection, callSid: CallSid): void;
  /** `dtmf {callsid, dtmf}`: digits sent over signaling because the browser had no DTMF sender. */
  dtmf(connection: ClientConnection, callSid: CallSid, digits: string): void;
  /** `reinvite {callsid, sdp}`: an ICE restart; the value is Denwa's new answer SDP. */
  reinvite(connection: ClientConnection, callSid: CallSid, sdp: string): MediaResult<string>;
  /**
   * A resume `invite {callsid, reconnect, sdp}`: re-binds a live call to this connection without
   * touching media, or picks up a ringing incoming call (`connectToken`). Errors are 31107/31209.
   */
  resume(connection: ClientConnection, callSid: CallSid, reconnect: string, sdp: string): Promise<MediaResult<ResumeResult>>;
  /** A user-defined call message from the browser; `null` when delivered (then `ack`), else the error to send. */
  message(connection: ClientConnection, callSid: CallSid, message: CallMessage): VoiceError | null;
  /**
   * The connection is gone for good (its socket closed and the announced `reconnectTimeout` grace
   * passed without a resume): its placed and answered calls end, its ringing invites stop.
   */
  connectionLost(connection: ClientConnection): void;
}
