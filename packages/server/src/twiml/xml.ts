/**
 * A small, pure, non-validating XML parser for TwiML documents.
 *
 * It reads elements, attributes (single or double quotes), text, CDATA sections, comments,
 * processing instructions, the `<?xml …?>` declaration, the five predefined entities and numeric
 * character references. It refuses what TwiML never needs and what makes XML parsers dangerous:
 * `<!DOCTYPE` and `<!ENTITY` (so no XXE and no entity expansion), documents over 64 KiB and nesting
 * deeper than 64 elements. Every scan moves forward through the input, so time is linear in its size.
 *
 * Comments and processing instructions are dropped; adjacent text and CDATA are merged into one
 * text node. Line breaks are normalized to `\n` first (XML 1.0 §2.11). Columns count UTF-16 code
 * units from 1.
 * @see https://www.w3.org/TR/xml/
 */
import { parseFailure, quote } from './errors.ts';

/** The largest document accepted, in UTF-8 bytes. */
export const XML_MAX_BYTES = 64 * 1024;
/** The deepest element nesting accepted; the root element is depth 1. */
export const XML_MAX_DEPTH = 64;

/** One attribute, entities decoded and literal tabs and line breaks normalized to spaces. */
export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

/** An element with its attributes in source order and its children. */
export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  readonly line: number;
  readonly column: number;
}

/** Character data: text and CDATA, entities decoded; `line`/`column` is where it starts. */
export interface XmlText {
  readonly type: 'text';
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

/** A child of an element. */
export type XmlNode = XmlElement | XmlText;

/**
 * Parses a document and returns its root element.
 * @throws VoiceError 12100 when the input is not well-formed, uses DOCTYPE/ENTITY, or breaks a limit;
 *   the message is `line N: <reason>`. Nothing else is thrown.
 */
export function parseXml(source: string): XmlElement {
  if (utf8ExceedsLimit(source, XML_MAX_BYTES)) {
    throw parseFailure(1, 1, `the document is larger than ${XML_MAX_BYTES / 1024} KiB`);
  }
  const normalized = source.replace(/\r\n?/g, '\n');
  return new XmlParser(normalized.startsWith('\uFEFF') ? normalized.slice(1) : normalized).parse();
}

interface Draft {
  readonly type: 'element';
  readonly name: string;
  readonly attributes: XmlAttribute[];
  readonly children: (Draft | DraftText)[];
  readonly line: number;
  readonly column: number;
}

interface DraftText {
  readonly type: 'text';
  value: string;
  readonly line: number;
  readonly column: number;
}

interface Location {
  readonly line: number;
  readonly column: number;
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** `&#x10FFFF;` is the longest valid reference: 9 characters from `&` to `;`. */
const MAX_REFERENCE_SPAN = 10;

const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.\d+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/;

class XmlParser {
  readonly #src: string;
  #pos = 0;
  // Incremental line tracking: each line break is visited once while nodes are located in order.
  #seenPos = 0;
  #line = 1;
  #lineStart = 0;
  #nextBreak: number;

  constructor(src: string) {
    this.#src = src;
    this.#nextBreak = src.indexOf('\n');
  }

  parse(): XmlElement {
    this.#checkCharacters();
    this.#skipWhitespace();
    if (this.#startsWith('<?xml') && /[\s?]/.test(this.#src.charAt(this.#pos + 5))) this.#declaration();
    this.#misc();
    if (this.#pos >= this.#src.length) this.#fail(this.#pos, 'the document has no root element');
    if (this.#src[this.#pos] !== '<') this.#fail(this.#pos, 'text is not allowed before the root element');
    const root = this.#tree();
    this.#misc();
    if (this.#pos < this.#src.length) {
      this.#fail(
        this.#pos,
        this.#src[this.#pos] === '<' ? 'only one root element is allowed' : 'text is not allowed after the root element',
      );
    }
    return root;
  }

  /** Refuses characters XML 1.0 forbids: C0 controls other than tab and line feed, U+FFFE/U+FFFF, lone surrogates. */
  #checkCharacters(): void {
    const src = this.#src;
    for (let i = 0; i < src.length; i++) {
      const c = src.charCodeAt(i);
      if (c >= 0x20 && c < 0xd800) continue;
      if (c === 0x09 || c === 0x0a) continue;
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = src.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      } else if (c >= 0xe000 && c <= 0xfffd) {
        continue;
      }
      this.#fail(i, `character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
    }
  }

  /** Elements from the `<` of the root's start tag to the `>` of its end tag, without recursion. */
  #tree(): Draft {
    const src = this.#src;
    const root = this.#startTag();
    if (root.selfClosing) return root.element;
    const stack: { readonly element: Draft; readonly start: number }[] = [root];
    for (let open = stack.at(-1); open !== undefined; open = stack.at(-1)) {
      const top = open.element;
      if (this.#pos >= src.length) this.#fail(open.start, `<${top.name}> is not closed`);
      const lt = src.indexOf('<', this.#pos);
      if (lt !== this.#pos) {
        this.#text(top, lt === -1 ? src.length : lt);
      } else if (this.#startsWith('</')) {
        this.#endTag(top);
        stack.pop();
      } else if (this.#startsWith('<!--')) {
        this.#comment();
      } else if (this.#startsWith('<![CDATA[')) {
        this.#cdata(top);
      } else if (this.#startsWith('<?')) {
        this.#processingInstruction();
      } else if (this.#startsWith('<!')) {
        this.#refuseDeclaration();
      } else {
        if (stack.length >= XML_MAX_DEPTH) {
          this.#fail(this.#pos, `elements are nested deeper than ${XML_MAX_DEPTH} levels`);
        }
        const child = this.#startTag();
        top.children.push(child.element);
        if (!child.selfClosing) stack.push(child);
      }
    }
    return root.element;
  }

  /** Whitespace, comments and processing instructions around the root element. */
  #misc(): void {
    for (;;) {
      this.#skipWhitespace();
      if (this.#startsWith('<!--')) this.#comment();
      else if (this.#startsWith('<?')) this.#processingInstruction();
      else if (this.#startsWith('<!')) this.#refuseDeclaration();
      else return;
    }
  }

  #startTag(): { element: Draft; start: number; selfClosing: boolean } {
    const src = this.#src;
    const start = this.#pos;
    const { line, column } = this.#locate(start);
    this.#pos++;
    const name = this.#name('an element name after "<"');
    const element: Draft = { type: 'element', name, attributes: [], children: [], line, column };
    const seen = new Set<string>();
    for (;;) {
      const spaced = this.#skipWhitespace();
      const c = src[this.#pos];
      if (c === '>') {
        this.#pos++;
        return { element, start, selfClosing: false };
      }
      if (c === '/') {
        if (src[this.#pos + 1] !== '>') this.#fail(this.#pos, `expected "/>" to end the <${name}> tag`);
        this.#pos += 2;
        return { element, start, selfClosing: true };
      }
      if (c === undefined) this.#fail(start, `the <${name}> tag is not terminated`);
      if (!spaced) this.#fail(this.#pos, `expected whitespace before the next attribute of <${name}>`);
      const attributeStart = this.#pos;
      const attribute = this.#attribute(name);
      if (seen.has(attribute.name)) this.#fail(attributeStart, `attribute "${attribute.name}" appears twice in <${name}>`);
      seen.add(attribute.name);
      element.attributes.push(attribute);
    }
  }

  #attribute(element: string): XmlAttribute {
    const src = this.#src;
    const { line, column } = this.#locate(this.#pos);
    const start = this.#pos;
    const name = this.#name(`an attribute name in <${element}>`);
    this.#skipWhitespace();
    if (src[this.#pos] !== '=') this.#fail(this.#pos, `attribute "${name}" of <${element}> needs "=" and a quoted value`);
    this.#pos++;
    this.#skipWhitespace();
    const q = src[this.#pos];
    if (q !== '"' && q !== "'") this.#fail(this.#pos, `the value of attribute "${name}" must be quoted`);
    const valueStart = this.#pos + 1;
    const close = src.indexOf(q, valueStart);
    if (close === -1) this.#fail(start, `the value of attribute "${name}" is not terminated`);
    const raw = src.slice(valueStart, close);
    const lt = raw.indexOf('<');
    if (lt !== -1) this.#fail(valueStart + lt, `"<" is not allowed in the value of attribute "${name}"`);
    // Attribute-value normalization (XML 1.0 §3.3.3): literal whitespace becomes a space; references do not.
    const value = this.#decode(raw.replace(/[\t\n]/g, ' '), valueStart);
    this.#pos = close + 1;
    return { name, value, line, column };
  }

  #endTag(open: Draft): void {
    const start = this.#pos;
    this.#pos += 2;
    const name = this.#name('an element name after "</"');
    this.#skipWhitespace();
    if (this.#src[this.#pos] !== '>') this.#fail(this.#pos, `expected ">" to end </${name}>`);
    if (name !== open.name) this.#fail(start, `</${name}> does not match <${open.name}> opened on line ${open.line}`);
    this.#pos++;
  }

  #text(parent: Draft, end: number): void {
    const start = this.#pos;
    const raw = this.#src.slice(start, end);
    const bad = raw.indexOf(']]>');
    if (bad !== -1) this.#fail(start + bad, '"]]>" is not allowed in text');
    this.#appendText(parent, this.#decode(raw, start), start);
    this.#pos = end;
  }

  #cdata(parent: Draft): void {
    const start = this.#pos;
    const end = this.#src.indexOf(']]>', start + 9);
    if (end === -1) this.#fail(start, 'the CDATA section is not closed');
    this.#appendText(parent, this.#src.slice(start + 9, end), start);
    this.#pos = end + 3;
  }

  #appendText(parent: Draft, value: string, at: number): void {
    const last = parent.children.at(-1);
    if (last?.type === 'text') {
      last.value += value;
      return;
    }
    const { line, column } = this.#locate(at);
    parent.children.push({ type: 'text', value, line, column });
  }

  #comment(): void {
    const start = this.#pos;
    const end = this.#src.indexOf('-->', start + 4);
    if (end === -1) this.#fail(start, 'the comment is not closed');
    const body = this.#src.slice(start + 4, end);
    const dashes = body.endsWith('-') ? body.length - 1 : body.indexOf('--');
    if (dashes !== -1) this.#fail(start + 4 + dashes, '"--" is not allowed inside a comment');
    this.#pos = end + 3;
  }

  #processingInstruction(): void {
    const start = this.#pos;
    this.#pos += 2;
    const target = this.#name('a processing-instruction target after "<?"');
    if (target.toLowerCase() === 'xml') this.#fail(start, 'the XML declaration is only allowed at the start of the document');
    const end = this.#src.indexOf('?>', this.#pos);
    if (end === -1) this.#fail(start, `the processing instruction <?${target} is not closed`);
    this.#pos = end + 2;
  }

  #declaration(): void {
    const start = this.#pos;
    const end = this.#src.indexOf('?>', start);
    if (end === -1 || !XML_DECLARATION.test(this.#src.slice(start, end + 2))) {
      this.#fail(start, 'the XML declaration is malformed');
    }
    this.#pos = end + 2;
  }

  #refuseDeclaration(): never {
    if (this.#startsWith('<!DOCTYPE')) this.#fail(this.#pos, '<!DOCTYPE> is not allowed in TwiML');
    if (this.#startsWith('<!ENTITY')) this.#fail(this.#pos, '<!ENTITY> is not allowed in TwiML');
    this.#fail(this.#pos, 'markup declarations ("<!") are not allowed in TwiML');
  }

  /** Decodes entity and character references in `raw`, which starts at `base` in the source. */
  #decode(raw: string, base: number): string {
    let amp = raw.indexOf('&');
    if (amp === -1) return raw;
    let out = '';
    let from = 0;
    while (amp !== -1) {
      out += raw.slice(from, amp);
      const semi = raw.indexOf(';', amp + 1);
      if (semi === -1 || semi - amp > MAX_REFERENCE_SPAN) {
        this.#fail(base + amp, '"&" must start a reference such as &amp; or &#38;');
      }
      out += this.#reference(raw.slice(amp + 1, semi), base + amp);
      from = semi + 1;
      amp = raw.indexOf('&', from);
    }
    return out + raw.slice(from);
  }

  #reference(ref: string, at: number): string {
    const named = NAMED_ENTITIES.get(ref);
    if (named !== undefined) return named;
    if (!ref.startsWith('#')) this.#fail(at, `unknown entity ${quote(`&${ref};`)}`);
    const hex = ref.startsWith('#x');
    const digits = ref.slice(hex ? 2 : 1);
    const valid = hex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
    const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : -1;
    if (!isXmlChar(code)) this.#fail(at, `${quote(`&${ref};`)} is not a valid character reference`);
    return String.fromCodePoint(code);
  }

  #name(what: string): string {
    const src = this.#src;
    const start = this.#pos;
    if (!isNameStart(src.charCodeAt(start))) {
      const got = src[start];
      this.#fail(start, got === undefined ? `expected ${what}, found the end of the document` : `expected ${what}, got ${quote(got)}`);
    }
    let end = start + 1;
    while (end < src.length && isNameChar(src.charCodeAt(end))) end++;
    this.#pos = end;
    return src.slice(start, end);
  }

  /** Skips XML whitespace; true when at least one character was skipped. */
  #skipWhitespace(): boolean {
    const start = this.#pos;
    let c = this.#src.charCodeAt(this.#pos);
    while (c === 0x20 || c === 0x0a || c === 0x09) c = this.#src.charCodeAt(++this.#pos);
    return this.#pos > start;
  }

  #startsWith(prefix: string): boolean {
    return this.#src.startsWith(prefix, this.#pos);
  }

  /** Line and column of `pos`. Linear overall when called with non-decreasing positions. */
  #locate(pos: number): Location {
    if (pos < this.#seenPos) {
      this.#seenPos = 0;
      this.#line = 1;
      this.#lineStart = 0;
      this.#nextBreak = this.#src.indexOf('\n');
    }
    while (this.#nextBreak !== -1 && this.#nextBreak < pos) {
      this.#line++;
      this.#lineStart = this.#nextBreak + 1;
      this.#nextBreak = this.#src.indexOf('\n', this.#lineStart);
    }
    this.#seenPos = pos;
    return { line: this.#line, column: pos - this.#lineStart + 1 };
  }

  #fail(pos: number, reason: string): never {
    const { line, column } = this.#locate(pos);
    throw parseFailure(line, column, reason);
  }
}

function isNameStart(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)
  );
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7;
}

/** XML 1.0 `Char` (§2.2). */
function isXmlChar(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** True when the UTF-8 encoding of `s` is longer than `limit` bytes; stops counting early. */
function utf8ExceedsLimit(s: string, limit: number): boolean {
  if (s.length > limit) return true;
  if (s.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes > limit;
}
