/**
 * The closed attribute vocabularies of voice TwiML, spelled as Twilio spells them, and the patterns
 * of the key and DTMF attributes.
 */
import type {
  CallProgressEvent,
  ConferenceEvent,
  ConferenceRecord,
  DialRecord,
  GatherInput,
  JitterBufferSize,
  MachineDetection,
  RecordingEvent,
  RecordingTrack,
  RejectReason,
  Trim,
} from './ast-values.ts';

/** `trim` of `<Dial>`, `<Record>`, `<Conference>`. */
export const TRIMS: readonly Trim[] = ['trim-silence', 'do-not-trim'];
/** `recordingStatusCallbackEvent` items. */
export const RECORDING_EVENTS: readonly RecordingEvent[] = ['in-progress', 'completed', 'absent'];
/** `statusCallbackEvent` items of `<Client>`, `<Number>`, `<Sip>`. */
export const CALL_EVENTS: readonly CallProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];
/** `<Dial record>` (the legacy `true`/`false` are mapped in `dial.ts`). */
export const DIAL_RECORDS: readonly DialRecord[] = [
  'do-not-record',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
];
/** `<Dial recordingTrack>`. */
export const RECORDING_TRACKS: readonly RecordingTrack[] = ['both', 'inbound', 'outbound'];
/** `<Conference statusCallbackEvent>` items. */
export const CONFERENCE_EVENTS: readonly ConferenceEvent[] = [
  'start',
  'end',
  'join',
  'leave',
  'mute',
  'hold',
  'modify',
  'speaker',
  'announcement',
];
/** `<Conference record>`. */
export const CONFERENCE_RECORDS: readonly ConferenceRecord[] = ['do-not-record', 'record-from-start'];
/** `<Conference jitterBufferSize>`. */
export const JITTER_BUFFER_SIZES: readonly JitterBufferSize[] = ['off', 'small', 'medium', 'large'];
/** `machineDetection` of `<Number>`, `<Sip>`. */
export const MACHINE_DETECTIONS: readonly MachineDetection[] = ['Enable', 'DetectMessageEnd'];
/** `<Gather input>` items. */
export const GATHER_INPUTS: readonly GatherInput[] = ['dtmf', 'speech'];
/** `<Reject reason>`. */
export const REJECT_REASONS: readonly RejectReason[] = ['rejected', 'busy'];

/** DTMF for `<Play digits>` and `<Number sendDigits>`: digits, `*`, `#`, `A`–`D`, `w`/`W` pauses. */
export const DTMF_PATTERN = /^[0-9A-D*#wW]*$/;
/** How {@link DTMF_PATTERN} reads in an error message. */
export const DTMF_EXPECTED = 'DTMF digits (0-9, *, #, A-D, w, W)';
/** `<Gather finishOnKey>`: one key, or empty for none. */
export const GATHER_KEY_PATTERN = /^[0-9*#]?$/;
/** `<Record finishOnKey>`: any set of keys, or empty for none. */
export const KEYS_PATTERN = /^[0-9*#]*$/;
