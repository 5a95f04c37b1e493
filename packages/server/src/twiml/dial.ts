/**
 * Builders for `<Dial>` and its nouns `<Client>`, `<Number>`, `<Sip>`, `<Conference>` and `<Queue>`.
 * @see https://www.twilio.com/docs/voice/twiml/dial
 */
import type {
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
import type { DialRecord, TwimlMode } from './ast-values.ts';
import { AttributeReader, booleanValue } from './attributes.ts';
import {
  childElements,
  expectEmpty,
  isPlaceholder,
  leafText,
  misplaced,
  missing,
  put,
  textLine,
  textOf,
  type BuildContext,
  type Draft,
} from './element.ts';
import { schemaError } from './errors.ts';
import {
  CALL_EVENTS,
  CONFERENCE_EVENTS,
  CONFERENCE_RECORDS,
  DIAL_RECORDS,
  DTMF_EXPECTED,
  DTMF_PATTERN,
  JITTER_BUFFER_SIZES,
  MACHINE_DETECTIONS,
  RECORDING_EVENTS,
  RECORDING_TRACKS,
  TRIMS,
} from './vocabulary.ts';
import type { XmlElement } from './xml.ts';

type M = TwimlMode;

/** `<Dial>`: its attributes and nouns; plain text becomes one `Number` noun. */
export function buildDial(element: XmlElement, context: BuildContext): DialVerb<M> {
  const a = new AttributeReader(element, context);
  const dial: Draft<DialVerb<M>> = { verb: 'Dial', line: element.line, nouns: [] };
  put(dial, 'action', a.string('action'));
  put(dial, 'method', a.method('method'));
  put(dial, 'timeout', a.number('timeout'));
  put(dial, 'hangupOnStar', a.boolean('hangupOnStar'));
  put(dial, 'timeLimit', a.number('timeLimit'));
  put(dial, 'callerId', a.string('callerId'));
  put(dial, 'record', a.convert('record', `one of ${DIAL_RECORDS.join(', ')}`, dialRecord));
  put(dial, 'trim', a.oneOf('trim', TRIMS));
  put(dial, 'recordingStatusCallback', a.string('recordingStatusCallback'));
  put(dial, 'recordingStatusCallbackMethod', a.method('recordingStatusCallbackMethod'));
  put(dial, 'recordingStatusCallbackEvent', a.list('recordingStatusCallbackEvent', RECORDING_EVENTS));
  put(dial, 'recordingTrack', a.oneOf('recordingTrack', RECORDING_TRACKS));
  put(dial, 'answerOnBridge', a.boolean('answerOnBridge'));
  put(dial, 'ringTone', a.string('ringTone'));
  put(dial, 'sequential', a.boolean('sequential'));
  put(dial, 'referUrl', a.string('referUrl'));
  put(dial, 'referMethod', a.method('referMethod'));
  a.finish();

  const number = textOf(element);
  const children = childElements(element);
  if (number !== '' && children.length > 0) {
    throw schemaError(element.line, element.column, '<Dial> cannot mix a number in its text with nouns');
  }
  if (number !== '') {
    dial.nouns = [{ noun: 'Number', line: textLine(element), number }];
  } else {
    if (children.length === 0) throw missing(element, 'a number as its text or at least one noun');
    dial.nouns = children.map((child) => buildNoun(child, context));
  }
  return dial;
}

/** Twilio still accepts the old boolean form of `record`. */
function dialRecord(raw: string): DialRecord | undefined {
  const legacy = booleanValue(raw);
  if (legacy !== undefined) return legacy ? 'record-from-answer' : 'do-not-record';
  return DIAL_RECORDS.find((r) => r === raw);
}

function buildNoun(element: XmlElement, context: BuildContext): DialNoun<M> {
  switch (element.name) {
    case 'Client':
      return buildClient(element, context);
    case 'Number':
      return buildNumber(element, context);
    case 'Sip':
      return buildSip(element, context);
    case 'Conference':
      return buildConference(element, context);
    case 'Queue':
      return buildQueue(element, context);
    default:
      throw misplaced(element, 'Dial');
  }
}

function buildClient(element: XmlElement, context: BuildContext): ClientNoun<M> {
  const a = new AttributeReader(element, context);
  const client: Draft<ClientNoun<M>> = { noun: 'Client', line: element.line, identity: '', parameters: [] };
  put(client, 'url', a.string('url'));
  put(client, 'method', a.method('method'));
  put(client, 'statusCallbackEvent', a.list('statusCallbackEvent', CALL_EVENTS));
  put(client, 'statusCallback', a.string('statusCallback'));
  put(client, 'statusCallbackMethod', a.method('statusCallbackMethod'));
  a.finish();

  const text = textOf(element);
  let identity: XmlElement | undefined;
  const parameters: Parameter[] = [];
  for (const child of childElements(element)) {
    if (child.name === 'Parameter') {
      parameters.push(buildParameter(child, context));
    } else if (child.name === 'Identity') {
      if (identity !== undefined) throw schemaError(child.line, child.column, '<Client> takes at most one <Identity>');
      if (text !== '') throw schemaError(child.line, child.column, '<Client> has both an identity text and <Identity>');
      identity = child;
      new AttributeReader(child, context).finish();
      client.identity = leafText(child);
      if (client.identity === '') throw missing(child, 'the client identity as its text');
    } else {
      throw misplaced(child, 'Client');
    }
  }
  if (identity === undefined) {
    if (text === '') throw missing(element, 'an identity as its text or in <Identity>');
    client.identity = text;
  }
  client.parameters = parameters;
  return client;
}

function buildParameter(element: XmlElement, context: BuildContext): Parameter {
  const a = new AttributeReader(element, context);
  const name = a.string('name');
  const value = a.string('value');
  a.finish();
  expectEmpty(element);
  if (name === undefined || name === '') throw missing(element, 'a name attribute');
  const parameter: Draft<Parameter> = { line: element.line, name };
  put(parameter, 'value', value);
  return parameter;
}

function buildNumber(element: XmlElement, context: BuildContext): NumberNoun<M> {
  const a = new AttributeReader(element, context);
  const noun: Draft<NumberNoun<M>> = { noun: 'Number', line: element.line, number: '' };
  put(noun, 'sendDigits', a.matching('sendDigits', DTMF_PATTERN, DTMF_EXPECTED));
  put(noun, 'byoc', a.string('byoc'));
  readLegOptions(a, noun);
  a.finish();
  noun.number = leafText(element);
  if (noun.number === '') throw missing(element, 'a phone number as its text');
  return noun;
}

function buildSip(element: XmlElement, context: BuildContext): SipNoun<M> {
  const a = new AttributeReader(element, context);
  const sip: Draft<SipNoun<M>> = { noun: 'Sip', line: element.line, uri: '' };
  put(sip, 'username', a.string('username'));
  put(sip, 'password', a.string('password'));
  readLegOptions(a, sip);
  a.finish();
  sip.uri = leafText(element);
  if (sip.uri === '') throw missing(element, 'a SIP URI as its text');
  if (!isPlaceholder(context, sip.uri) && !/^sips?:/i.test(sip.uri)) {
    throw schemaError(element.line, element.column, `<Sip> text must be a sip: or sips: URI`);
  }
  return sip;
}

/** The attributes `<Number>` and `<Sip>` share. */
function readLegOptions(a: AttributeReader, target: Draft<LegOptions<M>>): void {
  put(target, 'url', a.string('url'));
  put(target, 'method', a.method('method'));
  put(target, 'statusCallbackEvent', a.list('statusCallbackEvent', CALL_EVENTS));
  put(target, 'statusCallback', a.string('statusCallback'));
  put(target, 'statusCallbackMethod', a.method('statusCallbackMethod'));
  put(target, 'machineDetection', a.oneOf('machineDetection', MACHINE_DETECTIONS));
  put(target, 'machineDetectionTimeout', a.number('machineDetectionTimeout'));
  put(target, 'machineDetectionSpeechThreshold', a.number('machineDetectionSpeechThreshold'));
  put(target, 'machineDetectionSpeechEndThreshold', a.number('machineDetectionSpeechEndThreshold'));
  put(target, 'machineDetectionSilenceTimeout', a.number('machineDetectionSilenceTimeout'));
  put(target, 'amdStatusCallback', a.string('amdStatusCallback'));
  put(target, 'amdStatusCallbackMethod', a.method('amdStatusCallbackMethod'));
}

function buildConference(element: XmlElement, context: BuildContext): ConferenceNoun<M> {
  const a = new AttributeReader(element, context);
  const room: Draft<ConferenceNoun<M>> = { noun: 'Conference', line: element.line, name: '' };
  put(room, 'muted', a.boolean('muted'));
  put(
    room,
    'beep',
    a.convert('beep', 'one of true, false, onEnter, onExit', (raw) =>
      raw === 'onEnter' || raw === 'onExit' ? raw : booleanValue(raw),
    ),
  );
  put(room, 'startConferenceOnEnter', a.boolean('startConferenceOnEnter'));
  put(room, 'endConferenceOnExit', a.boolean('endConferenceOnExit'));
  put(room, 'waitUrl', a.string('waitUrl'));
  put(room, 'waitMethod', a.method('waitMethod'));
  put(room, 'maxParticipants', a.number('maxParticipants'));
  put(room, 'record', a.oneOf('record', CONFERENCE_RECORDS));
  put(room, 'region', a.string('region'));
  put(room, 'trim', a.oneOf('trim', TRIMS));
  put(room, 'coach', a.string('coach'));
  put(room, 'statusCallbackEvent', a.list('statusCallbackEvent', CONFERENCE_EVENTS));
  put(room, 'statusCallback', a.string('statusCallback'));
  put(room, 'statusCallbackMethod', a.method('statusCallbackMethod'));
  put(room, 'recordingStatusCallback', a.string('recordingStatusCallback'));
  put(room, 'recordingStatusCallbackMethod', a.method('recordingStatusCallbackMethod'));
  put(room, 'recordingStatusCallbackEvent', a.list('recordingStatusCallbackEvent', RECORDING_EVENTS));
  put(room, 'jitterBufferSize', a.oneOf('jitterBufferSize', JITTER_BUFFER_SIZES));
  put(room, 'participantLabel', a.string('participantLabel'));
  a.finish();
  room.name = leafText(element);
  if (room.name === '') throw missing(element, 'a room name as its text');
  return room;
}

function buildQueue(element: XmlElement, context: BuildContext): QueueNoun<M> {
  const a = new AttributeReader(element, context);
  const queue: Draft<QueueNoun<M>> = { noun: 'Queue', line: element.line, name: '' };
  put(queue, 'url', a.string('url'));
  put(queue, 'method', a.method('method'));
  put(queue, 'reservationSid', a.string('reservationSid'));
  put(queue, 'postWorkActivitySid', a.string('postWorkActivitySid'));
  a.finish();
  queue.name = leafText(element);
  if (queue.name === '') throw missing(element, 'a queue name as its text');
  return queue;
}
