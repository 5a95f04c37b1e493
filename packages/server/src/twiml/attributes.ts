/**
 * Reading and converting the attributes of one TwiML element. Each reader marks the attribute as
 * known; {@link AttributeReader.finish} then reports the first attribute nobody asked for.
 */
import type { HttpMethod, Templated, TwimlMode, TwimlValue } from './ast-values.ts';
import type { BuildContext } from './element.ts';
import { isPlaceholder } from './element.ts';
import { quote, schemaError } from './errors.ts';
import type { XmlAttribute, XmlElement } from './xml.ts';

/** A converted value as builders see it: the value, or a placeholder in templated mode. */
type Loose<T> = TwimlValue<T, TwimlMode>;

/** Attribute values above this are refused as out of range (seconds, digits, participants…). */
const MAX_WHOLE_NUMBER = 2_147_483_647;

const METHODS: readonly HttpMethod[] = ['GET', 'POST'];

/** Reads the attributes of one element; see the module comment. */
export class AttributeReader {
  readonly #element: XmlElement;
  readonly #context: BuildContext;
  readonly #byName = new Map<string, XmlAttribute>();
  readonly #known = new Set<string>();

  constructor(element: XmlElement, context: BuildContext) {
    this.#element = element;
    this.#context = context;
    for (const attribute of element.attributes) this.#byName.set(attribute.name, attribute);
  }

  /** A string attribute, verbatim (empty strings included). */
  string(name: string): string | undefined {
    return this.#get(name)?.value;
  }

  /** A string attribute whose value must match `pattern` (unless it is a placeholder). */
  matching(name: string, pattern: RegExp, expected: string): string | undefined {
    const attribute = this.#get(name);
    if (attribute === undefined) return undefined;
    if (!isPlaceholder(this.#context, attribute.value) && !pattern.test(attribute.value)) this.#invalid(attribute, expected);
    return attribute.value;
  }

  /** A whole number of 0 or more. */
  number(name: string): Loose<number> | undefined {
    const raw = this.#byName.get(name)?.value.trim() ?? '';
    const numeric = raw !== '' && Number.isFinite(Number(raw));
    return this.convert(name, numeric ? 'a whole number of 0 or more' : 'a number', wholeNumber);
  }

  /** `true` or `false`, in any letter case. */
  boolean(name: string): Loose<boolean> | undefined {
    return this.convert(name, 'true or false', booleanValue);
  }

  /** One of `values`, exactly as spelled. */
  oneOf<T extends string>(name: string, values: readonly T[]): Loose<T> | undefined {
    return this.convert(name, `one of ${values.join(', ')}`, (raw) => values.find((v) => v === raw));
  }

  /** A space- or comma-separated list of `values`; duplicates are dropped, order is kept. */
  list<T extends string>(name: string, values: readonly T[]): Loose<readonly T[]> | undefined {
    return this.convert(name, `a list of ${values.join(', ')}`, (raw) => {
      const out: T[] = [];
      for (const item of raw.split(/[\s,]+/)) {
        if (item === '') continue;
        const value = values.find((v) => v === item);
        if (value === undefined) return undefined;
        if (!out.includes(value)) out.push(value);
      }
      return out;
    });
  }

  /** `GET` or `POST`, in any letter case. */
  method(name: string): Loose<HttpMethod> | undefined {
    return this.convert(name, 'GET or POST', (raw) => METHODS.find((m) => m === raw.toUpperCase()));
  }

  /**
   * An attribute converted by `parse` (given the trimmed value; `undefined` means invalid, reported as
   * "must be `expected`"). A placeholder in templated mode is returned as {@link Templated}.
   */
  convert<T>(name: string, expected: string, parse: (raw: string) => T | undefined): Loose<T> | undefined {
    const attribute = this.#get(name);
    if (attribute === undefined) return undefined;
    if (isPlaceholder(this.#context, attribute.value)) {
      const kept: Templated = { templated: attribute.value };
      return kept;
    }
    const value = parse(attribute.value.trim());
    if (value === undefined) this.#invalid(attribute, expected);
    return value;
  }

  /** Refuses the first attribute (in source order) that no reader asked for. */
  finish(): void {
    for (const attribute of this.#element.attributes) {
      if (!this.#known.has(attribute.name)) {
        throw schemaError(attribute.line, attribute.column, `<${this.#element.name}> has no attribute "${attribute.name}"`);
      }
    }
  }

  #get(name: string): XmlAttribute | undefined {
    this.#known.add(name);
    return this.#byName.get(name);
  }

  #invalid(attribute: XmlAttribute, expected: string): never {
    throw schemaError(
      attribute.line,
      attribute.column,
      `<${this.#element.name}> attribute "${attribute.name}" must be ${expected}, got ${quote(attribute.value)}`,
    );
  }
}

/** A whole number of 0 or more, at most {@link MAX_WHOLE_NUMBER}. */
export function wholeNumber(raw: string): number | undefined {
  if (!/^\+?\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= MAX_WHOLE_NUMBER ? n : undefined;
}

/** `true`/`false` in any letter case. */
export function booleanValue(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}
