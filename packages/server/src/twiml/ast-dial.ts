/**
 * AST of `<Dial>` and its nouns. Absent attributes are absent (never filled with defaults); the TSDoc
 * of each one gives Twilio's default, which the executor applies.
 * @see https://www.twilio.com/docs/voice/twiml/dial
 */
import type {
  CallProgressEvent,
  ConferenceBeep,
  ConferenceEvent,
  ConferenceRecord,
  DialRecord,
  HttpMethod,
  JitterBufferSize,
  MachineDetection,
  RecordingEvent,
  RecordingTrack,
  Trim,
  TwimlMode,
  TwimlValue,
} from './ast-values.ts';

/** The status callback attributes shared by `<Client>`, `<Number>` and `<Sip>`. @public */
export interface CallStatusCallbacks<M extends TwimlMode = 'plain'> {
  /** Called for each event in `statusCallbackEvent`. Default: none. */
  readonly statusCallback?: string;
  /** Default: `POST`. */
  readonly statusCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Space- or comma-separated in TwiML. Default: `completed` only. */
  readonly statusCallbackEvent?: TwimlValue<readonly CallProgressEvent[], M>;
}

/** Screening and answering machine detection on an outbound leg (`<Number>`, `<Sip>`). @public */
export interface LegOptions<M extends TwimlMode = 'plain'> extends CallStatusCallbacks<M> {
  /** TwiML run on the called party once it answers, before it is connected (call screening). Default: none. */
  readonly url?: string;
  /** Method for `url`. Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** Default: no detection. */
  readonly machineDetection?: TwimlValue<MachineDetection, M>;
  /** Seconds. Default: 30. */
  readonly machineDetectionTimeout?: TwimlValue<number, M>;
  /** Milliseconds. Default: 2400. */
  readonly machineDetectionSpeechThreshold?: TwimlValue<number, M>;
  /** Milliseconds. Default: 1200. */
  readonly machineDetectionSpeechEndThreshold?: TwimlValue<number, M>;
  /** Milliseconds. Default: 5000. */
  readonly machineDetectionSilenceTimeout?: TwimlValue<number, M>;
  /** Receives the detection result asynchronously. Default: none. */
  readonly amdStatusCallback?: string;
  /** Default: `POST`. */
  readonly amdStatusCallbackMethod?: TwimlValue<HttpMethod, M>;
}

/** `<Parameter name value>` inside `<Client>`: a custom parameter passed to the callee's SDK. @public */
export interface Parameter {
  readonly line: number;
  readonly name: string;
  readonly value?: string;
}

/**
 * `<Client>`: dials a Voice SDK client by identity, given as text or as an `<Identity>` child.
 * @public
 */
export interface ClientNoun<M extends TwimlMode = 'plain'> extends CallStatusCallbacks<M> {
  readonly noun: 'Client';
  readonly line: number;
  readonly identity: string;
  /** `<Parameter>` children in document order. */
  readonly parameters: readonly Parameter[];
  /** TwiML run on the client once it answers. Default: none. */
  readonly url?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
}

/** `<Number>`: dials a phone number (also what plain text inside `<Dial>` means). @public */
export interface NumberNoun<M extends TwimlMode = 'plain'> extends LegOptions<M> {
  readonly noun: 'Number';
  readonly line: number;
  readonly number: string;
  /** DTMF to play once answered: digits, `#`, `*`, `A`–`D`, `w` (0.5 s pause). Default: none. */
  readonly sendDigits?: string;
  /** BYOC trunk SID to route the call through. Default: none. */
  readonly byoc?: string;
}

/** `<Sip>`: dials a SIP endpoint. @public */
export interface SipNoun<M extends TwimlMode = 'plain'> extends LegOptions<M> {
  readonly noun: 'Sip';
  readonly line: number;
  /** The `sip:`/`sips:` URI (possibly with `;transport=` and headers). */
  readonly uri: string;
  /** Digest credentials for the far end. Default: none. */
  readonly username?: string;
  readonly password?: string;
}

/** `<Conference>`: joins a named conference room. @public */
export interface ConferenceNoun<M extends TwimlMode = 'plain'> {
  readonly noun: 'Conference';
  readonly line: number;
  readonly name: string;
  /** Default: false. */
  readonly muted?: TwimlValue<boolean, M>;
  /** Default: true (beep when anyone enters or leaves). */
  readonly beep?: TwimlValue<ConferenceBeep, M>;
  /** Default: true. */
  readonly startConferenceOnEnter?: TwimlValue<boolean, M>;
  /** Default: false. */
  readonly endConferenceOnExit?: TwimlValue<boolean, M>;
  /** Hold music TwiML or audio while waiting; `""` means silence. Default: Twilio's hold music. */
  readonly waitUrl?: string;
  /** Default: `POST`. */
  readonly waitMethod?: TwimlValue<HttpMethod, M>;
  /** Default: 250. */
  readonly maxParticipants?: TwimlValue<number, M>;
  /** Default: `do-not-record`. */
  readonly record?: TwimlValue<ConferenceRecord, M>;
  /** Media region (`us1`, `ie1`, `jp1`, …). Default: nearest to the first participant. */
  readonly region?: string;
  /** Default: `trim-silence`. */
  readonly trim?: TwimlValue<Trim, M>;
  /** CallSid of the participant this one coaches. Default: none. */
  readonly coach?: string;
  /** Default: none. */
  readonly statusCallbackEvent?: TwimlValue<readonly ConferenceEvent[], M>;
  /** Default: none. */
  readonly statusCallback?: string;
  /** Default: `POST`. */
  readonly statusCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Default: none. */
  readonly recordingStatusCallback?: string;
  /** Default: `POST`. */
  readonly recordingStatusCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Default: `completed` only. */
  readonly recordingStatusCallbackEvent?: TwimlValue<readonly RecordingEvent[], M>;
  /** Default: `large`. */
  readonly jitterBufferSize?: TwimlValue<JitterBufferSize, M>;
  /** A unique label for this participant. Default: none. */
  readonly participantLabel?: string;
}

/** `<Queue>`: dequeues the first caller waiting in a named queue. @public */
export interface QueueNoun<M extends TwimlMode = 'plain'> {
  readonly noun: 'Queue';
  readonly line: number;
  readonly name: string;
  /** TwiML run on the dequeued caller before they are bridged. Default: none. */
  readonly url?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** TaskRouter reservation to accept. Default: none. */
  readonly reservationSid?: string;
  /** TaskRouter activity for the worker after the call. Default: none. */
  readonly postWorkActivitySid?: string;
}

/** A noun of `<Dial>`, discriminated on `noun`. @public */
export type DialNoun<M extends TwimlMode = 'plain'> = ClientNoun<M> | NumberNoun<M> | SipNoun<M> | ConferenceNoun<M> | QueueNoun<M>;

/**
 * `<Dial>`: connects the caller to another party. `nouns` holds at least one noun; plain text
 * directly inside `<Dial>` is represented as one `Number` noun.
 * @public
 */
export interface DialVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Dial';
  readonly line: number;
  readonly nouns: readonly DialNoun<M>[];
  /** Requested when the dialed call ends; its TwiML replaces the rest of the document. Default: none (continue with the next verb). */
  readonly action?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** Seconds to ring before `no-answer`. Default: 30. */
  readonly timeout?: TwimlValue<number, M>;
  /** The caller may press `*` to hang up the called party. Default: false. */
  readonly hangupOnStar?: TwimlValue<boolean, M>;
  /** Maximum call length in seconds. Default: 14400 (4 hours). */
  readonly timeLimit?: TwimlValue<number, M>;
  /** Caller ID shown to the called party. Default: the caller's number (or client identity). */
  readonly callerId?: string;
  /** Default: `do-not-record`. */
  readonly record?: TwimlValue<DialRecord, M>;
  /** Default: `do-not-trim`. */
  readonly trim?: TwimlValue<Trim, M>;
  /** Default: none. */
  readonly recordingStatusCallback?: string;
  /** Default: `POST`. */
  readonly recordingStatusCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Default: `completed` only. */
  readonly recordingStatusCallbackEvent?: TwimlValue<readonly RecordingEvent[], M>;
  /** Default: `both`. */
  readonly recordingTrack?: TwimlValue<RecordingTrack, M>;
  /** Keep the caller in ringing state until the called party answers. Default: false. */
  readonly answerOnBridge?: TwimlValue<boolean, M>;
  /** Ringback tone country code (`us`, `jp`, …). Default: the country of the called number. */
  readonly ringTone?: string;
  /** Dial the nouns one after another instead of all at once. Default: false. */
  readonly sequential?: TwimlValue<boolean, M>;
  /** Requested when the called party sends a SIP REFER. Default: none (REFER is refused). */
  readonly referUrl?: string;
  /** Default: `POST`. */
  readonly referMethod?: TwimlValue<HttpMethod, M>;
}
