/**
 * Line-level SDP reading: the size and `v=0` gate, the split into a session section and m-line
 * sections, simple attribute look-ups, and the m-line itself. Structured attributes (rtpmap, fmtp,
 * rtcp-fb, ssrc, candidate, extmap) are left to sdp-transform in `sdp-reader.ts`.
 */
import { VoiceError } from '@denwa/protocol';
import { MAX_SDP_LENGTH } from './constants.ts';
import { sdpRefusal } from './refusal.ts';
import type { MediaLine } from './types.ts';

/** One SDP section: the session part (before the first `m=`) or one m-line and its attributes. */
export interface Section {
  /** `x=value` lines, trailing white space removed. */
  readonly lines: readonly string[];
}

/** An SDP split into its sections. */
export interface SplitSdp {
  readonly session: Section;
  readonly media: readonly Section[];
}

const LINE_BREAK = /\r\n|\r|\n/;
const SDP_LINE = /^[a-z]=/;
/** RFC 4566 `token` characters (used for mid, msid ids). */
export const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]{1,64}$/;
const MEDIA_TYPE = /^[A-Za-z][A-Za-z0-9_.+-]{0,31}$/;
const PORT = /^(\d{1,5})(?:\/\d{1,5})?$/;
const PROTOCOL = /^[A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)*$/;
const FORMAT = /^[\x21-\x7e]{1,64}$/;

/**
 * Checks size and the `v=0` first line, then splits into sections. Lines that are not `x=value`
 * (and blank lines) are ignored, as sdp-transform does.
 */
export function splitSdp(sdp: string): SplitSdp | VoiceError {
  if (sdp.length > MAX_SDP_LENGTH) {
    return sdpRefusal('too-large', `SDP is ${sdp.length} characters, more than ${MAX_SDP_LENGTH}`);
  }
  const raw = sdp.split(LINE_BREAK);
  let first = 0;
  while (first < raw.length && raw[first]?.trim() === '') first++;
  if (raw[first]?.trim() !== 'v=0') return sdpRefusal('not-sdp', 'not an SDP body: the first line is not v=0');
  const session: string[] = [];
  const media: string[][] = [];
  let current = session;
  for (let i = first; i < raw.length; i++) {
    const line = (raw[i] ?? '').trimEnd();
    if (!SDP_LINE.test(line)) continue;
    if (line.startsWith('m=')) {
      current = [];
      media.push(current);
    }
    current.push(line);
  }
  return { session: { lines: session }, media: media.map((lines) => ({ lines })) };
}

/**
 * Values of every `a=<name>` / `a=<name>:<value>` line of a section, trimmed; a flag attribute
 * gives `''`. `a=<name>x` does not match `<name>`.
 */
export function attributes(section: Section, name: string): string[] {
  const prefix = `a=${name}`;
  const values: string[] = [];
  for (const line of section.lines) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    if (rest === '') values.push('');
    else if (rest.startsWith(':')) values.push(rest.slice(1).trim());
  }
  return values;
}

/** The first value of `a=<name>` in a section, else undefined. */
export function attribute(section: Section, name: string): string | undefined {
  return attributes(section, name)[0];
}

/** True when the section has the flag attribute `a=<name>` (with or without a value). */
export function hasAttribute(section: Section, name: string): boolean {
  return attributes(section, name).length > 0;
}

/** The media-level value, else the session-level one (RFC 8866 §5.13 attribute scoping). */
export function scopedAttribute(media: Section, session: Section, name: string): string | undefined {
  return attribute(media, name) ?? attribute(session, name);
}

/**
 * Reads an m-line section: type, port, protocol, formats and mid. Refuses a malformed `m=` line
 * or `a=mid` (both are echoed into the answer, so they must be clean tokens).
 */
export function readMediaLine(section: Section): MediaLine | VoiceError {
  const text = section.lines[0]?.slice(2).trim() ?? '';
  const tokens = text.split(/ +/);
  const [type, portText, protocol, ...formats] = tokens;
  const port = PORT.exec(portText ?? '')?.[1];
  if (
    type === undefined ||
    !MEDIA_TYPE.test(type) ||
    port === undefined ||
    Number(port) > 0xffff ||
    protocol === undefined ||
    !PROTOCOL.test(protocol) ||
    formats.length === 0 ||
    formats.length > 128 ||
    !formats.every((f) => FORMAT.test(f))
  ) {
    return sdpRefusal('bad-media-line', `malformed m-line "${printable(text)}"`);
  }
  const mid = attribute(section, 'mid');
  if (mid !== undefined && !TOKEN.test(mid)) return sdpRefusal('bad-mid', `malformed a=mid "${printable(mid)}"`);
  return { type, port: Number(port), protocol, formats, mid: mid ?? null };
}

/** `o=` session id and version when they are decimal numbers, else null. */
export function readOrigin(session: Section): { sessionId: string; sessionVersion: string } | null {
  const origin = session.lines.find((line) => line.startsWith('o='));
  const tokens = origin?.slice(2).trim().split(/ +/) ?? [];
  const sessionId = tokens[1];
  const sessionVersion = tokens[2];
  if (sessionId === undefined || sessionVersion === undefined) return null;
  if (!/^\d{1,32}$/.test(sessionId) || !/^\d{1,32}$/.test(sessionVersion)) return null;
  return { sessionId, sessionVersion };
}

/** At most 80 visible characters of untrusted text, for error messages. */
export function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

/** The m-line a description is about, chosen by the caller from all of them. */
export interface AudioSection {
  readonly session: Section;
  /** Every m-line, in order (an answer keeps them all). */
  readonly media: readonly MediaLine[];
  readonly audioIndex: number;
  readonly line: MediaLine;
  readonly section: Section;
}

/**
 * Splits a description, reads every m-line and picks the audio one with `pick`: the first steps of
 * reading a WebRTC offer and a SIP offer or answer alike.
 */
export function readAudioSection(sdp: string, pick: (media: readonly MediaLine[]) => number | VoiceError): AudioSection | VoiceError {
  const split = splitSdp(sdp);
  if (split instanceof VoiceError) return split;
  const media: MediaLine[] = [];
  for (const section of split.media) {
    const line = readMediaLine(section);
    if (line instanceof VoiceError) return line;
    media.push(line);
  }
  const audioIndex = pick(media);
  if (audioIndex instanceof VoiceError) return audioIndex;
  const line = media[audioIndex];
  const section = split.media[audioIndex];
  if (line === undefined || section === undefined) return sdpRefusal('no-audio', 'no audio m-line');
  return { session: split.session, media, audioIndex, line, section };
}
