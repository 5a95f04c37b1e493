/**
 * `parseTwiml`: TwiML text → typed AST, or the Twilio error that explains why not. Pure, and never
 * throws for any input string.
 */
import { VoiceError } from '@denwa/protocol';
import type { TwimlResponse, Verb } from './ast.ts';
import type { TwimlMode } from './ast-values.ts';
import { AttributeReader } from './attributes.ts';
import { buildDial } from './dial.ts';
import { childElements, misplaced, textOf, type BuildContext } from './element.ts';
import { parseFailure, schemaError } from './errors.ts';
import {
  buildEnqueue,
  buildGather,
  buildHangup,
  buildLeave,
  buildPause,
  buildPlay,
  buildRecord,
  buildRedirect,
  buildReject,
  buildSay,
} from './verbs.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** Options of {@link parseTwiml}. @public */
export interface ParseTwimlOptions {
  /**
   * Parse a TwiML Bin as stored: an attribute value or text holding `{{` is kept verbatim instead of
   * being converted and checked (typed attributes become {@link Templated}). Default: false.
   */
  readonly templated?: boolean;
}

/** The outcome of {@link parseTwiml}: the AST, or a 12100/12200 {@link VoiceError}. @public */
export type TwimlParseResult<M extends TwimlMode = 'plain'> =
  | { readonly ok: true; readonly response: TwimlResponse<M> }
  | { readonly ok: false; readonly error: VoiceError };

type VerbBuilder = (element: XmlElement, context: BuildContext) => Verb<TwimlMode>;

const VERB_BUILDERS: ReadonlyMap<string, VerbBuilder> = new Map<string, VerbBuilder>([
  ['Dial', buildDial],
  ['Say', buildSay],
  ['Play', buildPlay],
  ['Pause', buildPause],
  ['Gather', buildGather],
  ['Record', buildRecord],
  ['Hangup', buildHangup],
  ['Reject', buildReject],
  ['Redirect', buildRedirect],
  ['Enqueue', buildEnqueue],
  ['Leave', buildLeave],
]);

/**
 * Parses a voice TwiML document.
 *
 * Errors are values, never exceptions: `12100` (DocumentParseFailure) when the text is not
 * well-formed XML, uses `<!DOCTYPE>`/`<!ENTITY>`, is over 64 KiB or nested over 64 deep, or its root
 * is not `<Response>`; `12200` (SchemaValidationWarning) for an unknown or misplaced verb or noun,
 * an unknown attribute, a value of the wrong type, or missing required text. The message reads
 * `line N: <reason>` and `error.details` holds `{ line, column }`.
 *
 * @example
 * ```ts
 * const result = parseTwiml('<Response><Dial><Client>alice</Client></Dial></Response>');
 * if (result.ok) run(result.response.verbs);
 * else notify(result.error); // e.g. 12200 "line 1: <Dial> has no attribute "foo""
 * ```
 * @public
 */
export function parseTwiml(text: string, options?: { readonly templated?: false }): TwimlParseResult;
export function parseTwiml(text: string, options: { readonly templated: true }): TwimlParseResult<'templated'>;
export function parseTwiml(text: string, options?: ParseTwimlOptions): TwimlParseResult<TwimlMode>;
export function parseTwiml(text: string, options: ParseTwimlOptions = {}): TwimlParseResult<TwimlMode> {
  try {
    const root = parseXml(text);
    return { ok: true, response: buildResponse(root, { templated: options.templated === true }) };
  } catch (err) {
    if (err instanceof VoiceError) return { ok: false, error: err };
    throw err;
  }
}

/**
 * Checks a document the way {@link parseTwiml} does and returns only the error, or `null` when the
 * document is valid.
 * @public
 */
export function validateTwiml(text: string, options: ParseTwimlOptions = {}): VoiceError | null {
  const result = parseTwiml(text, options);
  return result.ok ? null : result.error;
}

function buildResponse(root: XmlElement, context: BuildContext): TwimlResponse<TwimlMode> {
  if (root.name !== 'Response') {
    throw parseFailure(root.line, root.column, `the root element must be <Response>, not <${root.name}>`);
  }
  new AttributeReader(root, context).finish();
  if (textOf(root) !== '') throw schemaError(root.line, root.column, '<Response> does not take text; put it in <Say>');
  const verbs = childElements(root).map((element) => {
    const build = VERB_BUILDERS.get(element.name);
    if (build === undefined) throw misplaced(element, 'Response');
    return build(element, context);
  });
  return { line: root.line, verbs };
}
