/**
 * Reading the parameters of `/v1/SipTrunks` at the trust boundary: addresses (`host[:port]`, IP
 * addresses and CIDR blocks), comma lists, codecs and enumerations. Every refusal is a 20001
 * VoiceError naming the parameter; a refused password is never echoed.
 */
import { VoiceError } from '@denwa/protocol';
import type { SipTrunkNumberFormat, SipTrunkSrtp, SipTrunkTransport } from '../store/ports.ts';
import { all, first, type Params } from './form.ts';

/** The codecs a trunk may offer, by their lower-case name, in the spelling Denwa stores. */
const CODECS: Readonly<Record<string, string>> = { pcmu: 'PCMU', pcma: 'PCMA', opus: 'opus' };

/** The values of `Transport`. */
export const TRANSPORTS: readonly SipTrunkTransport[] = ['udp', 'tcp', 'tls'];
/** The values of `Srtp`. */
export const SRTP_MODES: readonly SipTrunkSrtp[] = ['off', 'optional', 'required'];
/** The values of `NumberFormat`. */
export const NUMBER_FORMATS: readonly SipTrunkNumberFormat[] = ['e164', 'e164-no-plus', 'national'];

/** At most this many entries in a list parameter. */
export const MAX_LIST_ENTRIES = 100;

const MAX_HOST_LENGTH = 253;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

function invalid(name: string, why: string): VoiceError {
  return new VoiceError(20001, `${name} ${why}`);
}

/** Shortens a refused value for an error message. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** A dotted-quad IPv4 address (no leading zeros, each part 0–255). */
export function isIpv4(text: string): boolean {
  return IPV4.test(text) && text.split('.').every((part) => Number(part) <= 255);
}

/** The canonical (lower-case, compressed) form of an IPv6 address, or null when `text` is not one. */
export function canonicalIpv6(text: string): string | null {
  // The WHATWG URL parser implements RFC 4291's textual forms; the guard keeps it to an address.
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text) || !text.includes(':')) return null;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/** A DNS name: dot-separated labels of letters, digits and inner hyphens; not all-numeric at the end. */
function isDnsName(text: string): boolean {
  if (text.length > MAX_HOST_LENGTH) return false;
  const labels = text.split('.');
  const last = labels.at(-1) ?? '';
  return labels.every((label) => DNS_LABEL.test(label)) && !/^\d+$/.test(last);
}

/**
 * `host[:port]`: a DNS name, an IPv4 address or a bracketed IPv6 address, and a port 1–65535.
 * Returned in lower case (IPv6 compressed), or null when malformed.
 */
export function normalizeHostPort(text: string): string | null {
  const v6 = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(text);
  const plain = v6 === null ? /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(text) : null;
  const match = v6 ?? plain;
  if (match === null) return null;
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535 || port.startsWith('0'))) return null;
  const rawHost = match[1] ?? '';
  let host: string;
  if (v6 !== null) {
    const address = canonicalIpv6(rawHost);
    if (address === null) return null;
    host = `[${address}]`;
  } else {
    host = rawHost.toLowerCase();
    if (!isIpv4(host) && !isDnsName(host)) return null;
  }
  return port === undefined ? host : `${host}:${port}`;
}

/** An IPv4 or IPv6 address, optionally with a `/prefix`, normalized; null when malformed. */
export function normalizeSource(text: string): string | null {
  const [address = '', prefix, ...rest] = text.split('/');
  if (rest.length > 0 || (prefix !== undefined && !/^(?:0|[1-9]\d{0,2})$/.test(prefix))) return null;
  if (isIpv4(address)) {
    if (prefix !== undefined && Number(prefix) > 32) return null;
    return prefix === undefined ? address : `${address}/${prefix}`;
  }
  const v6 = canonicalIpv6(address);
  if (v6 === null || (prefix !== undefined && Number(prefix) > 128)) return null;
  return prefix === undefined ? v6 : `${v6}/${prefix}`;
}

/**
 * The entries of a comma list, trimmed, empty ones dropped, duplicates kept once (first wins); a
 * repeated parameter contributes all its values. Undefined when the parameter is absent.
 */
export function optionalList(params: Params, name: string, max: number): readonly string[] | undefined {
  if (params[name] === undefined) return undefined;
  const entries = all(params, name)
    .flatMap((value) => value.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const unique = [...new Set(entries)];
  if (unique.length > max) throw invalid(name, `may list at most ${max} entries`);
  return unique;
}

/** Required `host[:port]`. */
export function hostParam(params: Params, name: string): string | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  const host = normalizeHostPort(v.trim());
  if (host === null) throw invalid(name, `must be a host name, IPv4 address or [IPv6] address with an optional :port, got ${shown(v)}`);
  return host;
}

/** Optional `host[:port]`; an empty value means "none" and yields null. */
export function optionalHostParam(params: Params, name: string): string | null | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  return v.trim() === '' ? null : hostParam(params, name);
}

/** One of `values`, case-insensitive; an empty value counts as absent. */
export function optionalChoice<T extends string>(params: Params, name: string, values: readonly T[]): T | undefined {
  const v = first(params, name);
  if (v === undefined || v === '') return undefined;
  const found = values.find((value) => value === v.toLowerCase());
  if (found === undefined) throw invalid(name, `must be one of ${values.join(', ')}`);
  return found;
}

/** An integer in `[min, max]`; an empty value counts as absent. */
export function optionalInteger(params: Params, name: string, min: number, max: number): number | undefined {
  const v = first(params, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw invalid(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(v);
}

/** A digest username: 1–128 printable ASCII characters, none of `"\@:<>`; empty yields null. */
export function optionalUsername(params: Params, name: string): string | null | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  if (v === '') return null;
  if (!/^[\x21-\x7e]{1,128}$/.test(v) || /["\\@:<>]/.test(v)) {
    throw invalid(name, 'must be 1 to 128 printable ASCII characters without spaces or any of "\\@:<>');
  }
  return v;
}

/** A password: 1–128 UTF-16 units without control characters; empty yields null. Never echoed. */
export function optionalPassword(params: Params, name: string): string | null | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  if (v === '') return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (v.length > 128 || /[\x00-\x1f\x7f]/.test(v)) {
    throw invalid(name, 'must be at most 128 characters without control characters');
  }
  return v;
}

/** Codecs in order: PCMU, PCMA or opus (any case); at least one. */
export function optionalCodecs(params: Params, name: string): readonly string[] | undefined {
  const list = optionalList(params, name, MAX_LIST_ENTRIES);
  if (list === undefined) return undefined;
  const codecs = list.map((entry) => {
    const codec = CODECS[entry.toLowerCase()];
    if (codec === undefined) throw invalid(name, `lists ${shown(entry)}; the codecs are PCMU, PCMA and opus`);
    return codec;
  });
  const unique = [...new Set(codecs)];
  if (unique.length === 0) throw invalid(name, 'must list at least one codec');
  return unique;
}

/** IPv4/IPv6 addresses and CIDR blocks, normalized. */
export function optionalSources(params: Params, name: string): readonly string[] | undefined {
  const list = optionalList(params, name, MAX_LIST_ENTRIES);
  if (list === undefined) return undefined;
  const sources = list.map((entry) => {
    const source = normalizeSource(entry);
    if (source === null) throw invalid(name, `lists ${shown(entry)}, which is not an IPv4 or IPv6 address or CIDR block`);
    return source;
  });
  return [...new Set(sources)];
}

/** ISO 3166 alpha-2 codes, upper-cased. */
export function optionalCountries(params: Params, name: string): readonly string[] | undefined {
  const list = optionalList(params, name, MAX_LIST_ENTRIES);
  if (list === undefined) return undefined;
  const countries = list.map((entry) => {
    if (!/^[A-Za-z]{2}$/.test(entry)) throw invalid(name, `lists ${shown(entry)}, which is not a two-letter country code`);
    return entry.toUpperCase();
  });
  return [...new Set(countries)];
}

/** A country calling code: 1–3 digits, not starting with 0; an empty value counts as absent. */
export function optionalCountryCode(params: Params, name: string): string | undefined {
  const v = first(params, name);
  if (v === undefined || v === '') return undefined;
  if (!/^[1-9]\d{0,2}$/.test(v)) throw invalid(name, 'must be a country calling code of 1 to 3 digits, e.g. 1 or 81');
  return v;
}
