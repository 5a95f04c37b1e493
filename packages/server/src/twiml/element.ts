/**
 * Helpers the verb and noun builders share: reading an element's content, the placement errors, and
 * assembling AST nodes without ever writing `undefined` into an optional property.
 */
import type { VoiceError } from '@denwa/protocol';
import { schemaError } from './errors.ts';
import type { XmlElement } from './xml.ts';

/** What every builder needs to know about the parse. */
export interface BuildContext {
  /** True for TwiML Bins: values holding `{{` skip conversion and validation. */
  readonly templated: boolean;
}

/** A node under construction: the readonly AST type with writable properties. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** Sets `target[key]` when `value` is defined, leaving the property absent otherwise. */
export function put<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** True when `value` is a placeholder the templated mode keeps verbatim. */
export function isPlaceholder(context: BuildContext, value: string): boolean {
  return context.templated && value.includes('{{');
}

/** Twilio voice verbs that Denwa does not run. */
const UNSUPPORTED_VERBS: ReadonlySet<string> = new Set(['Connect', 'Start', 'Stop', 'Refer', 'Pay', 'Prompt', 'Sms', 'Echo']);

/** Nouns and where they belong. */
const NOUN_PARENTS: ReadonlyMap<string, string> = new Map([
  ['Client', 'Dial'],
  ['Number', 'Dial'],
  ['Sip', 'Dial'],
  ['Conference', 'Dial'],
  ['Queue', 'Dial'],
  ['Identity', 'Client'],
  ['Parameter', 'Client'],
  ['Task', 'Enqueue'],
]);

/**
 * The 12200 error for `child` found where it does not belong. Under `<Response>` it is only called
 * for names that are not top-level verbs.
 */
export function misplaced(child: XmlElement, parent: string): VoiceError {
  const name = child.name;
  const home = NOUN_PARENTS.get(name);
  let reason: string;
  if (UNSUPPORTED_VERBS.has(name)) reason = `<${name}> is not supported by Denwa`;
  else if (home !== undefined) reason = `<${name}> is not allowed inside <${parent}>; it belongs in <${home}>`;
  else if (parent === 'Response' && name !== 'Response') reason = `<${name}> is not a TwiML verb`;
  else if (parent === 'Say') reason = `<${name}> is not allowed inside <Say> (SSML is not supported)`;
  else reason = `<${name}> is not allowed inside <${parent}>`;
  return schemaError(child.line, child.column, reason);
}

/** The element children of `element`, in document order. */
export function childElements(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) if (child.type === 'element') out.push(child);
  return out;
}

/** All text directly inside `element`, concatenated and trimmed. */
export function textOf(element: XmlElement): string {
  let text = '';
  for (const child of element.children) if (child.type === 'text') text += child.value;
  return text.trim();
}

/** The line of the first non-whitespace character of `element`'s text (its own line if none). */
export function textLine(element: XmlElement): number {
  for (const child of element.children) {
    if (child.type !== 'text') continue;
    const start = child.value.search(/\S/);
    if (start === -1) continue;
    let line = child.line;
    for (let i = child.value.indexOf('\n'); i !== -1 && i < start; i = child.value.indexOf('\n', i + 1)) line++;
    return line;
  }
  return element.line;
}

/** The trimmed text of an element that may hold text but no elements. */
export function leafText(element: XmlElement): string {
  const stray = childElements(element)[0];
  if (stray !== undefined) throw misplaced(stray, element.name);
  return textOf(element);
}

/** Checks that an element holds neither elements nor text (whitespace aside). */
export function expectEmpty(element: XmlElement): void {
  if (leafText(element) !== '') {
    throw schemaError(element.line, element.column, `<${element.name}> does not take text`);
  }
}

/** The 12200 error for an element missing required content. */
export function missing(element: XmlElement, what: string): VoiceError {
  return schemaError(element.line, element.column, `<${element.name}> needs ${what}`);
}
