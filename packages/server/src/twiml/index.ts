/**
 * `twiml/`: pure voice TwiML parsing (text → typed AST, or a 12100/12200 error) and TwiML Bin
 * template rendering. No I/O, no clock, no randomness.
 * @packageDocumentation
 */
export { parseTwiml, validateTwiml, type ParseTwimlOptions, type TwimlParseResult } from './parse.ts';
export type {
  EnqueueTask,
  EnqueueVerb,
  GatherChild,
  GatherVerb,
  HangupVerb,
  LeaveVerb,
  PauseVerb,
  PlayVerb,
  RecordVerb,
  RedirectVerb,
  RejectVerb,
  SayVerb,
  TwimlResponse,
  Verb,
  VerbName,
} from './ast.ts';
export type {
  CallStatusCallbacks,
  ClientNoun,
  ConferenceNoun,
  DialNoun,
  DialVerb,
  LegOptions,
  NumberNoun,
  Parameter,
  QueueNoun,
  SipNoun,
} from './ast-dial.ts';
export {
  isTemplated,
  type CallProgressEvent,
  type ConferenceBeep,
  type ConferenceEvent,
  type ConferenceRecord,
  type DialRecord,
  type GatherInput,
  type HttpMethod,
  type JitterBufferSize,
  type MachineDetection,
  type RecordingEvent,
  type RecordingTrack,
  type RejectReason,
  type Templated,
  type Trim,
  type TwimlMode,
  type TwimlValue,
} from './ast-values.ts';
export { XML_MAX_BYTES, XML_MAX_DEPTH } from './xml.ts';
export { escapeXml, hasPlaceholders, renderTwimlTemplate } from './template.ts';
