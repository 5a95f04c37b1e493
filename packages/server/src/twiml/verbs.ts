/**
 * Builders for the verbs other than `<Dial>`: each turns one checked XML element into its AST node
 * or throws the 12200 error for the first schema problem found.
 * @see https://www.twilio.com/docs/voice/twiml
 */
import type {
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
} from './ast.ts';
import type { TwimlMode } from './ast-values.ts';
import { AttributeReader, wholeNumber } from './attributes.ts';
import {
  childElements,
  expectEmpty,
  isPlaceholder,
  leafText,
  misplaced,
  missing,
  put,
  textOf,
  type BuildContext,
  type Draft,
} from './element.ts';
import { schemaError } from './errors.ts';
import {
  DTMF_EXPECTED,
  DTMF_PATTERN,
  GATHER_INPUTS,
  GATHER_KEY_PATTERN,
  KEYS_PATTERN,
  RECORDING_EVENTS,
  REJECT_REASONS,
  TRIMS,
} from './vocabulary.ts';
import type { XmlElement } from './xml.ts';

type M = TwimlMode;

/** `<Say>`: text, `voice`, `language`, `loop`. */
export function buildSay(element: XmlElement, context: BuildContext): SayVerb<M> {
  const a = new AttributeReader(element, context);
  const say: Draft<SayVerb<M>> = { verb: 'Say', line: element.line, text: '' };
  put(say, 'voice', a.string('voice'));
  put(say, 'language', a.string('language'));
  put(say, 'loop', a.number('loop'));
  a.finish();
  say.text = leafText(element);
  return say;
}

/** `<Play>`: a URL as text and/or `digits`; `loop`. */
export function buildPlay(element: XmlElement, context: BuildContext): PlayVerb<M> {
  const a = new AttributeReader(element, context);
  const play: Draft<PlayVerb<M>> = { verb: 'Play', line: element.line };
  put(play, 'loop', a.number('loop'));
  put(play, 'digits', a.matching('digits', DTMF_PATTERN, DTMF_EXPECTED));
  a.finish();
  const url = leafText(element);
  if (url !== '') play.url = url;
  if (play.url === undefined && (play.digits === undefined || play.digits === '')) {
    throw missing(element, 'an audio URL as its text, or a digits attribute');
  }
  return play;
}

/** `<Pause>`: `length`; no content. */
export function buildPause(element: XmlElement, context: BuildContext): PauseVerb<M> {
  const a = new AttributeReader(element, context);
  const pause: Draft<PauseVerb<M>> = { verb: 'Pause', line: element.line };
  put(pause, 'length', a.number('length'));
  a.finish();
  expectEmpty(element);
  return pause;
}

/** `<Gather>`: its attributes and nested `<Say>`, `<Play>`, `<Pause>`. */
export function buildGather(element: XmlElement, context: BuildContext): GatherVerb<M> {
  const a = new AttributeReader(element, context);
  const gather: Draft<GatherVerb<M>> = { verb: 'Gather', line: element.line, verbs: [] };
  put(gather, 'input', a.list('input', GATHER_INPUTS));
  put(gather, 'action', a.string('action'));
  put(gather, 'method', a.method('method'));
  put(gather, 'timeout', a.number('timeout'));
  put(
    gather,
    'speechTimeout',
    a.convert('speechTimeout', 'a whole number of 0 or more, or auto', (raw) => (raw === 'auto' ? raw : wholeNumber(raw))),
  );
  put(gather, 'maxSpeechTime', a.number('maxSpeechTime'));
  put(gather, 'profanityFilter', a.boolean('profanityFilter'));
  put(gather, 'finishOnKey', a.matching('finishOnKey', GATHER_KEY_PATTERN, 'one key of 0-9, *, # or empty'));
  put(gather, 'numDigits', a.number('numDigits'));
  put(gather, 'partialResultCallback', a.string('partialResultCallback'));
  put(gather, 'partialResultCallbackMethod', a.method('partialResultCallbackMethod'));
  put(gather, 'language', a.string('language'));
  put(gather, 'hints', a.string('hints'));
  put(gather, 'bargeIn', a.boolean('bargeIn'));
  put(gather, 'actionOnEmptyResult', a.boolean('actionOnEmptyResult'));
  put(gather, 'speechModel', a.string('speechModel'));
  put(gather, 'enhanced', a.boolean('enhanced'));
  a.finish();
  if (textOf(element) !== '') throw schemaError(element.line, element.column, '<Gather> does not take text');
  gather.verbs = childElements(element).map((child) => buildGatherChild(child, context));
  return gather;
}

function buildGatherChild(element: XmlElement, context: BuildContext): GatherChild<M> {
  switch (element.name) {
    case 'Say':
      return buildSay(element, context);
    case 'Play':
      return buildPlay(element, context);
    case 'Pause':
      return buildPause(element, context);
    default:
      throw misplaced(element, 'Gather');
  }
}

/** `<Record>`: its attributes; no content. */
export function buildRecord(element: XmlElement, context: BuildContext): RecordVerb<M> {
  const a = new AttributeReader(element, context);
  const record: Draft<RecordVerb<M>> = { verb: 'Record', line: element.line };
  put(record, 'action', a.string('action'));
  put(record, 'method', a.method('method'));
  put(record, 'timeout', a.number('timeout'));
  put(record, 'finishOnKey', a.matching('finishOnKey', KEYS_PATTERN, 'keys from 0-9, *, #'));
  put(record, 'maxLength', a.number('maxLength'));
  put(record, 'playBeep', a.boolean('playBeep'));
  put(record, 'trim', a.oneOf('trim', TRIMS));
  put(record, 'recordingStatusCallback', a.string('recordingStatusCallback'));
  put(record, 'recordingStatusCallbackMethod', a.method('recordingStatusCallbackMethod'));
  put(record, 'recordingStatusCallbackEvent', a.list('recordingStatusCallbackEvent', RECORDING_EVENTS));
  put(record, 'transcribe', a.boolean('transcribe'));
  put(record, 'transcribeCallback', a.string('transcribeCallback'));
  a.finish();
  expectEmpty(element);
  return record;
}

/** `<Hangup>`: no attributes, no content. */
export function buildHangup(element: XmlElement, context: BuildContext): HangupVerb {
  new AttributeReader(element, context).finish();
  expectEmpty(element);
  return { verb: 'Hangup', line: element.line };
}

/** `<Leave>`: no attributes, no content. */
export function buildLeave(element: XmlElement, context: BuildContext): LeaveVerb {
  new AttributeReader(element, context).finish();
  expectEmpty(element);
  return { verb: 'Leave', line: element.line };
}

/** `<Reject>`: `reason`; no content. */
export function buildReject(element: XmlElement, context: BuildContext): RejectVerb<M> {
  const a = new AttributeReader(element, context);
  const reject: Draft<RejectVerb<M>> = { verb: 'Reject', line: element.line };
  put(reject, 'reason', a.oneOf('reason', REJECT_REASONS));
  a.finish();
  expectEmpty(element);
  return reject;
}

/** `<Redirect>`: a URL as text (required); `method`. */
export function buildRedirect(element: XmlElement, context: BuildContext): RedirectVerb<M> {
  const a = new AttributeReader(element, context);
  const method = a.method('method');
  a.finish();
  const url = leafText(element);
  if (url === '') throw missing(element, 'a URL as its text');
  const redirect: Draft<RedirectVerb<M>> = { verb: 'Redirect', line: element.line, url };
  put(redirect, 'method', method);
  return redirect;
}

/** `<Enqueue>`: a queue name as text (or `workflowSid`), its attributes and an optional `<Task>`. */
export function buildEnqueue(element: XmlElement, context: BuildContext): EnqueueVerb<M> {
  const a = new AttributeReader(element, context);
  const enqueue: Draft<EnqueueVerb<M>> = { verb: 'Enqueue', line: element.line };
  put(enqueue, 'action', a.string('action'));
  put(enqueue, 'method', a.method('method'));
  put(enqueue, 'waitUrl', a.string('waitUrl'));
  put(enqueue, 'waitUrlMethod', a.method('waitUrlMethod'));
  put(enqueue, 'workflowSid', a.string('workflowSid'));
  put(enqueue, 'maxQueueSize', a.number('maxQueueSize'));
  a.finish();
  const name = textOf(element);
  if (name !== '') enqueue.name = name;
  for (const child of childElements(element)) {
    if (child.name !== 'Task') throw misplaced(child, 'Enqueue');
    if (enqueue.task !== undefined) throw schemaError(child.line, child.column, '<Enqueue> takes at most one <Task>');
    enqueue.task = buildTask(child, context);
  }
  if (enqueue.name === undefined && enqueue.workflowSid === undefined) {
    throw missing(element, 'a queue name as its text, or a workflowSid attribute');
  }
  return enqueue;
}

function buildTask(element: XmlElement, context: BuildContext): EnqueueTask<M> {
  const a = new AttributeReader(element, context);
  const task: Draft<EnqueueTask<M>> = { line: element.line, json: '' };
  put(task, 'priority', a.number('priority'));
  put(task, 'timeout', a.number('timeout'));
  a.finish();
  task.json = leafText(element);
  if (task.json === '') throw missing(element, 'the task attributes as JSON text');
  if (!isPlaceholder(context, task.json) && !isJsonObject(task.json)) {
    throw schemaError(element.line, element.column, '<Task> text must be a JSON object');
  }
  return task;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
