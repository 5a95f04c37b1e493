/**
 * Header values the SIP layers read: URIs (RFC 3261 §19.1, RFC 3966 `tel:`), name-addr with its
 * parameters (From, To, Contact, Route: §20.10, §25.1), Via (§20.42) and CSeq (§20.16). Each parser
 * returns null for a value it cannot read rather than throwing.
 */

export interface SipUri {
  readonly scheme: 'sip' | 'sips' | 'tel';
  /** The user part as written (percent-encoding kept), or the number of a `tel:` URI. */
  readonly user: string | null;
  readonly password: string | null;
  /** Host name or address; IPv6 without brackets. Empty for `tel:`. */
  readonly host: string;
  readonly port: number | null;
  /** URI parameters (`;transport=tcp`, `;lr` → `lr: null`), names lower-cased. */
  readonly params: ReadonlyMap<string, string | null>;
  /** `?name=value` headers. */
  readonly headers: ReadonlyMap<string, string>;
}

export interface NameAddr {
  /** The display name, unquoted and unescaped; null when absent. */
  readonly displayName: string | null;
  readonly uri: string;
  /** Header parameters after the address (`;tag=…`, `;expires=…`), names lower-cased. */
  readonly params: ReadonlyMap<string, string | null>;
}

export interface Via {
  /** `UDP`, `TCP`, `TLS`, `WS`, … upper-cased. */
  readonly transport: string;
  readonly host: string;
  readonly port: number | null;
  readonly params: ReadonlyMap<string, string | null>;
  readonly branch: string | null;
}

function params(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const part of splitOutsideQuotes(text, ';')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    out.set(name, eq < 0 ? null : unquote(p.slice(eq + 1).trim()));
  }
  return out;
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === sep) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Removes the quotes of a quoted-string and its backslash escapes; other text is returned as is. */
export function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** A quoted-string for a display name or a digest parameter. */
export function quote(text: string): string {
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

function hostPort(text: string): { host: string; port: number | null } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(text);
  if (m === null) return null;
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { host: (m[1] ?? m[2] ?? '').toLowerCase(), port };
}

export function parseSipUri(text: string): SipUri | null {
  const m = /^(sips?|tel):(.+)$/i.exec(text.trim());
  if (m === null) return null;
  const scheme = (m[1] ?? '').toLowerCase() as SipUri['scheme'];
  let rest = m[2] ?? '';
  const q = rest.indexOf('?');
  const headers = new Map<string, string>();
  if (q >= 0) {
    for (const h of rest.slice(q + 1).split('&')) {
      const eq = h.indexOf('=');
      if (eq > 0) headers.set(h.slice(0, eq), h.slice(eq + 1));
    }
    rest = rest.slice(0, q);
  }
  const [main = '', ...paramParts] = rest.split(';');
  const uriParams = params(paramParts.join(';'));
  if (scheme === 'tel') return main === '' ? null : { scheme, user: main, password: null, host: '', port: null, params: uriParams, headers };
  const at = main.lastIndexOf('@');
  let user: string | null = null;
  let password: string | null = null;
  if (at >= 0) {
    const userinfo = main.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    password = colon < 0 ? null : userinfo.slice(colon + 1);
    if (user === '') return null;
  }
  const hp = hostPort(main.slice(at + 1));
  if (hp === null || hp.host === '') return null;
  return { scheme, user, password, host: hp.host, port: hp.port, params: uriParams, headers };
}

export function formatSipUri(uri: SipUri): string {
  if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${formatParams(uri.params)}`;
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  const userinfo = uri.user === null ? '' : `${uri.user}${uri.password === null ? '' : `:${uri.password}`}@`;
  const port = uri.port === null ? '' : `:${String(uri.port)}`;
  const headers = uri.headers.size === 0 ? '' : `?${[...uri.headers].map(([k, v]) => `${k}=${v}`).join('&')}`;
  return `${uri.scheme}:${userinfo}${host}${port}${formatParams(uri.params)}${headers}`;
}

export function formatParams(p: ReadonlyMap<string, string | null>): string {
  return [...p].map(([k, v]) => (v === null ? `;${k}` : `;${k}=${/[\s;,"]/.test(v) ? quote(v) : v}`)).join('');
}

/** `"Name" <uri>;params`, `Name <uri>`, or a bare `uri;params` (whose `;` params belong to the header). */
export function parseNameAddr(text: string): NameAddr | null {
  const value = text.trim();
  const lt = indexOutsideQuotes(value, '<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) return null;
    const display = value.slice(0, lt).trim();
    return { displayName: display === '' ? null : unquote(display), uri: value.slice(lt + 1, gt).trim(), params: params(value.slice(gt + 1).replace(/^\s*;/, '')) };
  }
  const [uri = '', ...rest] = value.split(';');
  if (uri.trim() === '' || /\s/.test(uri.trim())) return null;
  return { displayName: null, uri: uri.trim(), params: params(rest.join(';')) };
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName === null ? '' : `${quote(addr.displayName)} `;
  return `${display}<${addr.uri}>${formatParams(addr.params)}`;
}

function indexOutsideQuotes(text: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) return i;
  }
  return -1;
}

/** One Via value (split a multi-valued Via with `SipHeaders.getAll` first). */
export function parseVia(text: string): Via | null {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(;.*)?$/i.exec(text.trim());
  if (m === null) return null;
  const hp = hostPort(m[2] ?? '');
  if (hp === null) return null;
  const p = params((m[3] ?? '').replace(/^;/, ''));
  return { transport: (m[1] ?? '').toUpperCase(), host: hp.host, port: hp.port, params: p, branch: p.get('branch') ?? null };
}

export function formatVia(via: Omit<Via, 'branch'>): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  return `SIP/2.0/${via.transport} ${host}${via.port === null ? '' : `:${String(via.port)}`}${formatParams(via.params)}`;
}

export function parseCSeq(text: string): { readonly seq: number; readonly method: string } | null {
  const m = /^(\d{1,10})\s+(\S+)$/.exec(text.trim());
  if (m === null || Number(m[1]) > 2 ** 31 - 1) return null;
  return { seq: Number(m[1]), method: m[2] ?? '' };
}
