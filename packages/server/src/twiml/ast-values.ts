/**
 * Value types shared by the TwiML AST: the templated-mode wrapper and the attribute enums, spelled
 * exactly as TwiML spells them.
 */

/**
 * Which kind of document an AST came from. `'plain'` ASTs (webhook responses, rendered bins) hold
 * only converted values; `'templated'` ASTs (TwiML Bins as stored, with `{{Name}}` placeholders) may
 * hold {@link Templated} where a typed attribute carried a placeholder.
 * @public
 */
export type TwimlMode = 'plain' | 'templated';

/**
 * A typed attribute value kept verbatim because it holds a `{{Name}}` placeholder; it is only known
 * once the bin is rendered. Only produced by `parseTwiml(text, { templated: true })`.
 * @public
 */
export interface Templated {
  readonly templated: string;
}

/** True when `value` is a {@link Templated} placeholder rather than a converted value. @public */
export function isTemplated(value: unknown): value is Templated {
  return typeof value === 'object' && value !== null && 'templated' in value && typeof value.templated === 'string';
}

/**
 * The type of a converted attribute: `T` in plain mode, `T | Templated` in templated mode. String
 * attributes and text stay `string` in both modes (a placeholder is already a string).
 * @public
 */
export type TwimlValue<T, M extends TwimlMode> = M extends 'templated' ? T | Templated : T;

/** An HTTP method attribute (`method`, `statusCallbackMethod`, …); parsed case-insensitively. @public */
export type HttpMethod = 'GET' | 'POST';

/** Call progress events of `<Client>`, `<Number>` and `<Sip>` (`statusCallbackEvent`). @public */
export type CallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** Recording status events (`recordingStatusCallbackEvent`). @public */
export type RecordingEvent = 'in-progress' | 'completed' | 'absent';

/** Conference status events of `<Conference statusCallbackEvent>`. @public */
export type ConferenceEvent = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement';

/** Silence trimming of a recording (`trim`). @public */
export type Trim = 'trim-silence' | 'do-not-trim';

/**
 * `<Dial record>`. The legacy values `true` and `false` are read as `record-from-answer` and
 * `do-not-record`, as Twilio does.
 * @public
 */
export type DialRecord =
  | 'do-not-record'
  | 'record-from-answer'
  | 'record-from-ringing'
  | 'record-from-answer-dual'
  | 'record-from-ringing-dual';

/** `<Dial recordingTrack>`. @public */
export type RecordingTrack = 'both' | 'inbound' | 'outbound';

/** `<Conference record>`. @public */
export type ConferenceRecord = 'do-not-record' | 'record-from-start';

/** `<Conference beep>`: `true`/`false` are read as booleans. @public */
export type ConferenceBeep = boolean | 'onEnter' | 'onExit';

/** `<Conference jitterBufferSize>`. @public */
export type JitterBufferSize = 'off' | 'small' | 'medium' | 'large';

/** Answering machine detection mode of `<Number>` and `<Sip>` (`machineDetection`). @public */
export type MachineDetection = 'Enable' | 'DetectMessageEnd';

/** `<Gather input>` items. @public */
export type GatherInput = 'dtmf' | 'speech';

/** `<Reject reason>`. @public */
export type RejectReason = 'rejected' | 'busy';
