/**
 * SIP header fields in wire order (RFC 3261 §7.3): names compare case-insensitively, compact forms
 * (§7.3.3) read as their long names, and a field repeated, or comma-separated where the grammar
 * allows it, is several values. Serialization keeps the order and the case it was given.
 */

/** Compact form → canonical long name (RFC 3261 §7.3.3, RFC 3515, RFC 3892, RFC 4028, RFC 6665). */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From',
  s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', r: 'Refer-To', b: 'Referred-By',
  x: 'Session-Expires', u: 'Allow-Events',
};

/** Canonical spelling of the headers Denwa writes (anything else keeps the case it came with). */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Content-Type', 'Content-Length', 'Route',
    'Record-Route', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported', 'User-Agent', 'Server',
    'WWW-Authenticate', 'Authorization', 'Proxy-Authenticate', 'Proxy-Authorization', 'Expires', 'RSeq', 'RAck',
    'Session-Expires', 'Min-SE', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Diversion', 'Reason',
    'Retry-After', 'Timestamp', 'Subject', 'Event', 'Accept', 'Content-Encoding', 'Refer-To', 'Referred-By',
    'Allow-Events', 'Privacy', 'Min-Expires', 'Warning'].map((n) => [n.toLowerCase(), n]),
);

/** Headers whose values may be comma-separated lists (so `getAll` splits them). Auth headers are not. */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'content-encoding', 'allow-events', 'p-asserted-identity', 'diversion', 'reason', 'privacy',
]);

/** The canonical long name of a header name as received (compact forms expanded). */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const long = COMPACT[lower];
  if (long !== undefined) return long;
  return CANONICAL.get(lower) ?? name;
}

/** Splits a header value on commas outside quoted strings and `<…>`. */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle++;
    else if (c === '>') angle = Math.max(0, angle - 1);
    else if (c === ',' && angle === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v !== '');
}

export class SipHeaders {
  readonly #fields: [name: string, value: string][] = [];

  constructor(fields: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of fields) this.append(name, value);
  }

  /** Every field, in order, with canonical names. */
  entries(): readonly (readonly [string, string])[] {
    return this.#fields;
  }

  append(name: string, value: string): this {
    this.#fields.push([canonicalHeaderName(name), value]);
    return this;
  }

  /** Adds a field before all others (a proxy's Via, a Record-Route). */
  prepend(name: string, value: string): this {
    this.#fields.unshift([canonicalHeaderName(name), value]);
    return this;
  }

  /** Replaces every field of this name with one value (appended where the first one was). */
  set(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const key = canonical.toLowerCase();
    const at = this.#fields.findIndex(([n]) => n.toLowerCase() === key);
    this.delete(name);
    if (at < 0) this.#fields.push([canonical, value]);
    else this.#fields.splice(at, 0, [canonical, value]);
    return this;
  }

  delete(name: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    for (let i = this.#fields.length - 1; i >= 0; i--) if (this.#fields[i]?.[0].toLowerCase() === key) this.#fields.splice(i, 1);
    return this;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The first field's raw value. */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.#fields.find(([n]) => n.toLowerCase() === key)?.[1];
  }

  /** Every value of the header, comma-separated lists split for list headers. */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name).toLowerCase();
    const raw = this.#fields.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
    return LIST_HEADERS.has(key) ? raw.flatMap(splitHeaderList) : raw;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.#fields);
  }
}
