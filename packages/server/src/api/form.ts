/**
 * Reading Twilio-style request parameters (form-encoded bodies and query strings) at the trust
 * boundary. Every refusal is a VoiceError naming the parameter.
 */
import { VoiceError } from '@denwa/protocol';
import type { HttpMethod } from '../store/ports.ts';

/** Parsed parameters: each name maps to one value or, when repeated, to several. */
export type Params = Readonly<Record<string, string | readonly string[]>>;

const MAX_VALUE_LENGTH = 64 * 1024;

/** Validates a parsed body or query into {@link Params}; anything else is refused with 20001. */
export function paramsOf(input: unknown): Params {
  if (input === undefined || input === null || input === '') return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new VoiceError(20001, 'the body must be form-encoded parameters');
  }
  const out: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (Array.isArray(raw)) {
      out[name] = raw.map((v: unknown) => scalar(name, v));
    } else {
      out[name] = scalar(name, raw);
    }
  }
  return out;
}

function scalar(name: string, v: unknown): string {
  if (typeof v === 'string') {
    if (v.length > MAX_VALUE_LENGTH) throw new VoiceError(20001, `${name} is too long`);
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new VoiceError(20001, `${name} must be a string`);
}

/** The first value of a parameter, or undefined when absent. */
export function first(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v[0];
}

/** Every value of a (possibly repeated) parameter. */
export function all(params: Params, name: string): readonly string[] {
  const v = params[name];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

export function optionalText(params: Params, name: string, maxLength: number): string | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  if (codePoints(v) > maxLength) {
    throw new VoiceError(20001, `${name} must be at most ${maxLength} characters`);
  }
  return v;
}

/** Length in Unicode code points (what a user counts as characters, closer than UTF-16 units). */
function codePoints(s: string): number {
  return s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/** An absolute http(s) URL; an empty value means "clear" and yields null. */
export function optionalUrl(params: Params, name: string): string | null | undefined {
  const v = first(params, name);
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  if (trimmed === '') return null;
  if (!isHttpUrl(trimmed)) throw new VoiceError(21205, `${name} "${trimmed.slice(0, 200)}"`);
  return trimmed;
}

export function isHttpUrl(value: string): boolean {
  if (value.length > 4096) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

export function optionalMethod(params: Params, name: string): HttpMethod | undefined {
  const v = first(params, name);
  if (v === undefined || v === '') return undefined;
  const upper = v.toUpperCase();
  if (upper === 'GET' || upper === 'POST') return upper;
  throw new VoiceError(20001, `${name} must be GET or POST`);
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const v = first(params, name);
  if (v === undefined || v === '') return undefined;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new VoiceError(20001, `${name} must be true or false`);
}

/** Path segments may carry Twilio's `.json` suffix; returns the bare id. */
export function stripJson(segment: string): string {
  return segment.endsWith('.json') ? segment.slice(0, -5) : segment;
}
