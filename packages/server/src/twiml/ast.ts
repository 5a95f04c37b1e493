/**
 * The typed AST of a voice TwiML document: `TwimlResponse` holds `Verb`s, a union discriminated on
 * `verb`. Attributes use TwiML's camelCase names and are converted (numbers, booleans, enums, lists,
 * upper-case methods). Absent attributes are absent, never defaulted: the executor applies Twilio's
 * defaults, which the TSDoc of each attribute gives. Every node keeps the `line` it starts on.
 *
 * All types take a {@link TwimlMode} parameter that defaults to `'plain'`; see {@link Templated}.
 * @see https://www.twilio.com/docs/voice/twiml
 */
import type { DialVerb } from './ast-dial.ts';
import type { GatherInput, HttpMethod, RecordingEvent, RejectReason, Trim, TwimlMode, TwimlValue } from './ast-values.ts';

/** `<Say>`: reads text aloud with text-to-speech. @public */
export interface SayVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Say';
  readonly line: number;
  /** The text to speak, trimmed; may be empty. */
  readonly text: string;
  /** `man`, `woman`, `alice`, `Polly.*`, `Google.*`. Default: `man`. */
  readonly voice?: string;
  /** BCP 47 tag such as `en-US` or `ja-JP`. Default: `en-US`. */
  readonly language?: string;
  /** Times to repeat; 0 repeats until the call ends. Default: 1. */
  readonly loop?: TwimlValue<number, M>;
}

/**
 * `<Play>`: plays an audio file, or sends DTMF `digits`. At least one of `url` and `digits` is present.
 * @public
 */
export interface PlayVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Play';
  readonly line: number;
  /** The audio URL (the element's text). */
  readonly url?: string;
  /** Times to repeat; 0 repeats until the call ends. Default: 1. */
  readonly loop?: TwimlValue<number, M>;
  /** DTMF to send instead of audio: digits, `#`, `*`, `A`–`D`, `w` (0.5 s pause), `W` (1 s). Default: none. */
  readonly digits?: string;
}

/** `<Pause>`: waits silently. @public */
export interface PauseVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Pause';
  readonly line: number;
  /** Seconds. Default: 1. */
  readonly length?: TwimlValue<number, M>;
}

/** A verb allowed inside `<Gather>`. @public */
export type GatherChild<M extends TwimlMode = 'plain'> = SayVerb<M> | PlayVerb<M> | PauseVerb<M>;

/** `<Gather>`: collects DTMF digits and/or speech while its nested verbs play. @public */
export interface GatherVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Gather';
  readonly line: number;
  /** Nested `<Say>`, `<Play>` and `<Pause>` in document order. */
  readonly verbs: readonly GatherChild<M>[];
  /** Default: `dtmf` only. */
  readonly input?: TwimlValue<readonly GatherInput[], M>;
  /** Receives `Digits`/`SpeechResult`. Default: the URL of the current document. */
  readonly action?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** Seconds of silence before giving up (DTMF, and speech unless `speechTimeout` is set). Default: 5. */
  readonly timeout?: TwimlValue<number, M>;
  /** Seconds of silence that end speech, or `auto`. Default: the value of `timeout`. */
  readonly speechTimeout?: TwimlValue<number | 'auto', M>;
  /** Maximum seconds of speech. Default: 60. */
  readonly maxSpeechTime?: TwimlValue<number, M>;
  /** Default: true. */
  readonly profanityFilter?: TwimlValue<boolean, M>;
  /** The key that ends input: one of `0`–`9`, `#`, `*`, or `""` for none. Default: `#`. */
  readonly finishOnKey?: string;
  /** Digits to collect before `action` is requested. Default: unlimited. */
  readonly numDigits?: TwimlValue<number, M>;
  /** Receives interim speech results. Default: none. */
  readonly partialResultCallback?: string;
  /** Default: `POST`. */
  readonly partialResultCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Speech recognition language (BCP 47). Default: `en-US`. */
  readonly language?: string;
  /** Comma-separated phrases that help recognition, kept as written. Default: none. */
  readonly hints?: string;
  /** Input interrupts the nested verbs. Default: true. */
  readonly bargeIn?: TwimlValue<boolean, M>;
  /** Request `action` even when nothing was gathered. Default: false. */
  readonly actionOnEmptyResult?: TwimlValue<boolean, M>;
  /** Default: `default`. */
  readonly speechModel?: string;
  /** Premium speech model. Default: false. */
  readonly enhanced?: TwimlValue<boolean, M>;
}

/** `<Record>`: records the caller. @public */
export interface RecordVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Record';
  readonly line: number;
  /** Receives `RecordingUrl`. Default: the URL of the current document. */
  readonly action?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** Seconds of silence that end the recording; 0 disables. Default: 5. */
  readonly timeout?: TwimlValue<number, M>;
  /** Keys that end the recording, any of `0`–`9`, `#`, `*`; `""` for none. Default: `1234567890*#`. */
  readonly finishOnKey?: string;
  /** Maximum seconds. Default: 3600. */
  readonly maxLength?: TwimlValue<number, M>;
  /** Default: true. */
  readonly playBeep?: TwimlValue<boolean, M>;
  /** Default: `trim-silence`. */
  readonly trim?: TwimlValue<Trim, M>;
  /** Default: none. */
  readonly recordingStatusCallback?: string;
  /** Default: `POST`. */
  readonly recordingStatusCallbackMethod?: TwimlValue<HttpMethod, M>;
  /** Default: `completed` only. */
  readonly recordingStatusCallbackEvent?: TwimlValue<readonly RecordingEvent[], M>;
  /** Default: false. */
  readonly transcribe?: TwimlValue<boolean, M>;
  /** Receives the transcription; implies `transcribe`. Default: none. */
  readonly transcribeCallback?: string;
}

/** `<Hangup>`: ends the call. @public */
export interface HangupVerb {
  readonly verb: 'Hangup';
  readonly line: number;
}

/** `<Reject>`: refuses an incoming call without answering (no charge on Twilio). @public */
export interface RejectVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Reject';
  readonly line: number;
  /** Default: `rejected`. */
  readonly reason?: TwimlValue<RejectReason, M>;
}

/** `<Redirect>`: continues with the TwiML at another URL. @public */
export interface RedirectVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Redirect';
  readonly line: number;
  /** The element's text; may be relative to the current document's URL. */
  readonly url: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
}

/** `<Task>` inside `<Enqueue>`: TaskRouter task attributes. @public */
export interface EnqueueTask<M extends TwimlMode = 'plain'> {
  readonly line: number;
  /** The task attributes as a JSON text (checked to be valid JSON unless templated). */
  readonly json: string;
  /** Default: 0. */
  readonly priority?: TwimlValue<number, M>;
  /** Seconds. Default: 86400. */
  readonly timeout?: TwimlValue<number, M>;
}

/**
 * `<Enqueue>`: puts the caller in a queue. `name` is the element's text; it may be absent only when
 * `workflowSid` is set (TaskRouter).
 * @public
 */
export interface EnqueueVerb<M extends TwimlMode = 'plain'> {
  readonly verb: 'Enqueue';
  readonly line: number;
  readonly name?: string;
  /** Requested when the caller leaves the queue. Default: none (continue with the next verb). */
  readonly action?: string;
  /** Default: `POST`. */
  readonly method?: TwimlValue<HttpMethod, M>;
  /** TwiML played while waiting. Default: Twilio's hold music. */
  readonly waitUrl?: string;
  /** Default: `POST`. */
  readonly waitUrlMethod?: TwimlValue<HttpMethod, M>;
  /** TaskRouter workflow that routes the call. Default: none. */
  readonly workflowSid?: string;
  /** Maximum callers in the queue. Default: the queue's own size limit. */
  readonly maxQueueSize?: TwimlValue<number, M>;
  readonly task?: EnqueueTask<M>;
}

/** `<Leave>`: takes the caller out of the queue; the `<Enqueue>` action runs next. @public */
export interface LeaveVerb {
  readonly verb: 'Leave';
  readonly line: number;
}

/** A top-level voice verb, discriminated on `verb`. @public */
export type Verb<M extends TwimlMode = 'plain'> =
  | DialVerb<M>
  | SayVerb<M>
  | PlayVerb<M>
  | PauseVerb<M>
  | GatherVerb<M>
  | RecordVerb<M>
  | HangupVerb
  | RejectVerb<M>
  | RedirectVerb<M>
  | EnqueueVerb<M>
  | LeaveVerb;

/** The name of a top-level verb. @public */
export type VerbName = Verb['verb'];

/** A parsed `<Response>` document. @public */
export interface TwimlResponse<M extends TwimlMode = 'plain'> {
  readonly line: number;
  readonly verbs: readonly Verb<M>[];
}
