/**
 * Reads a browser SDP (offer or answer) into a {@link ParsedOffer}: the transport checks every
 * WebRTC leg needs (DTLS-SRTP protocol, ICE credentials, sha-256 fingerprint, rtcp-mux, setup) and
 * the structured attributes of the chosen audio m-line. Which m-line is the audio one is the
 * caller's choice (an offer and an answer pick differently).
 *
 * Only the structured attributes of that one m-line go through sdp-transform; the rest of the
 * input never reaches its grammar (some of its regular expressions are slow on hostile lines).
 */
import { VoiceError } from '@denwa/protocol';
import { parse, type MediaDescription } from 'sdp-transform';
import { STATIC_PAYLOAD_TYPES, SUPPORTED_CODECS, WEBRTC_PROTOCOLS } from './constants.ts';
import { sdpRefusal } from './refusal.ts';
import {
  attributes,
  hasAttribute,
  printable,
  readAudioSection,
  readOrigin,
  scopedAttribute,
  type Section,
} from './sdp-lines.ts';
import type {
  CodecName,
  Fingerprint,
  HeaderExtension,
  IceCredentials,
  MediaDirection,
  MediaLine,
  ParsedOffer,
  RemoteCandidate,
  RemoteSsrc,
  SdpCodec,
  SetupRole,
} from './types.ts';

/** Picks the audio m-line among all m-lines: its index, or a refusal. */
export type AudioPicker = (media: readonly MediaLine[]) => number | VoiceError;

const STRUCTURED = new Set(['rtpmap', 'fmtp', 'rtcp-fb', 'ssrc', 'candidate', 'extmap']);
const UFRAG = /^[A-Za-z0-9+/]{4,256}$/;
const PWD = /^[A-Za-z0-9+/]{22,256}$/;
const HEX_PAIRS = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){1,63}$/;
const HASH_NAME = /^[a-z0-9-]{1,16}$/;
const SHA256_TEXT_LENGTH = 32 * 3 - 1;
const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
const SETUP_ROLES: readonly SetupRole[] = ['actpass', 'active', 'passive'];
const CANDIDATE_TYPES: readonly RemoteCandidate['type'][] = ['host', 'srflx', 'prflx', 'relay'];

/** Parses `sdp`, choosing the audio m-line with `pick`. Never throws. */
export function readDescription(sdp: string, pick: AudioPicker): ParsedOffer | VoiceError {
  try {
    return readUnsafe(sdp, pick);
  } catch (err) {
    return sdpRefusal('unparseable', 'SDP could not be parsed', err);
  }
}

function readUnsafe(sdp: string, pick: AudioPicker): ParsedOffer | VoiceError {
  const audio = readAudioSection(sdp, pick);
  if (audio instanceof VoiceError) return audio;
  const { session, media, audioIndex, line, section } = audio;
  if (!WEBRTC_PROTOCOLS.includes(line.protocol)) {
    return sdpRefusal(
      'bad-protocol',
      `the audio m-line uses ${line.protocol}; WebRTC needs UDP/TLS/RTP/SAVPF (DTLS-SRTP)`,
    );
  }
  const ice = readIce(section, session);
  if (ice instanceof VoiceError) return ice;
  const fingerprints = readFingerprints(section, session);
  if (fingerprints instanceof VoiceError) return fingerprints;
  if (!hasAttribute(section, 'rtcp-mux') && !hasAttribute(session, 'rtcp-mux')) {
    return sdpRefusal('no-rtcp-mux', 'no a=rtcp-mux: WebRTC needs RTP and RTCP on one port');
  }
  const setupText = scopedAttribute(section, session, 'setup');
  const setup = SETUP_ROLES.find((role) => role === setupText) ?? null;
  if (setupText !== undefined && setup === null) {
    return sdpRefusal('bad-setup', `a=setup:${printable(setupText)} is not actpass, active or passive`);
  }
  const structured = parseStructured(section);
  return {
    origin: readOrigin(session),
    iceLite: hasAttribute(session, 'ice-lite'),
    bundle: readBundle(session),
    media,
    audioIndex,
    mid: line.mid,
    protocol: line.protocol,
    ice,
    iceOptions: readIceOptions(section, session),
    fingerprints: fingerprints.all,
    fingerprint: fingerprints.sha256,
    setup,
    rtcpRsize: hasAttribute(section, 'rtcp-rsize'),
    direction: readDirection(section) ?? readDirection(session) ?? 'sendrecv',
    codecs: readCodecs(line.formats, structured),
    ssrcs: readSsrcs(structured),
    candidates: readCandidates(structured),
    endOfCandidates: hasAttribute(section, 'end-of-candidates') || hasAttribute(session, 'end-of-candidates'),
    extmap: readExtmap(structured),
  };
}

function readIce(media: Section, session: Section): IceCredentials | VoiceError {
  const ufrag = scopedAttribute(media, session, 'ice-ufrag');
  const pwd = scopedAttribute(media, session, 'ice-pwd');
  if (ufrag === undefined || pwd === undefined || ufrag === '' || pwd === '') {
    return sdpRefusal('no-ice-credentials', 'no a=ice-ufrag and a=ice-pwd at session or media level');
  }
  if (!UFRAG.test(ufrag)) return sdpRefusal('bad-ice-credentials', 'a=ice-ufrag is not 4-256 ice-chars');
  if (!PWD.test(pwd)) return sdpRefusal('bad-ice-credentials', 'a=ice-pwd is not 22-256 ice-chars');
  return { ufrag, pwd };
}

function readFingerprints(media: Section, session: Section): { all: Fingerprint[]; sha256: Fingerprint } | VoiceError {
  let values = attributes(media, 'fingerprint');
  if (values.length === 0) values = attributes(session, 'fingerprint');
  if (values.length === 0) return sdpRefusal('no-fingerprint', 'no a=fingerprint: DTLS-SRTP needs the certificate fingerprint');
  const all: Fingerprint[] = [];
  let malformedSha256 = false;
  for (const text of values) {
    const [name = '', hex = '', ...rest] = text.split(/\s+/);
    const algorithm = name.toLowerCase();
    const value = hex.toUpperCase();
    const wellFormed = rest.length === 0 && HASH_NAME.test(algorithm) && HEX_PAIRS.test(value);
    if (algorithm === 'sha-256' && !(wellFormed && value.length === SHA256_TEXT_LENGTH)) {
      malformedSha256 = true;
      continue;
    }
    if (wellFormed) all.push({ algorithm, value });
  }
  const sha256 = all.find((fp) => fp.algorithm === 'sha-256');
  if (sha256 !== undefined) return { all, sha256 };
  if (malformedSha256) return sdpRefusal('bad-fingerprint', 'the sha-256 a=fingerprint is not 32 colon-separated hex bytes');
  if (all.length === 0) return sdpRefusal('bad-fingerprint', 'malformed a=fingerprint');
  const names = [...new Set(all.map((fp) => fp.algorithm))].join(', ');
  return sdpRefusal('no-sha256-fingerprint', `only ${names} fingerprints; sha-256 is required`);
}

function readBundle(session: Section): string[] | null {
  for (const value of attributes(session, 'group')) {
    const [semantics, ...mids] = value.split(/\s+/);
    if (semantics === 'BUNDLE') return mids.filter((mid) => mid !== '');
  }
  return null;
}

function readIceOptions(media: Section, session: Section): string[] {
  const values = [...attributes(session, 'ice-options'), ...attributes(media, 'ice-options')];
  return [...new Set(values.flatMap((value) => value.split(/\s+/)).filter((option) => option !== ''))];
}

export function readDirection(section: Section): MediaDirection | undefined {
  for (const line of section.lines) {
    const direction = DIRECTIONS.find((d) => line === `a=${d}`);
    if (direction !== undefined) return direction;
  }
  return undefined;
}

/** sdp-transform's view of the m-line and its structured attributes only. */
export function parseStructured(section: Section): Partial<MediaDescription> {
  const lines = section.lines.filter((line, i) => i === 0 || (line.startsWith('a=') && STRUCTURED.has(attributeName(line))));
  return parse(`${lines.join('\r\n')}\r\n`).media[0] ?? {};
}

function attributeName(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? line.slice(2) : line.slice(2, colon);
}

/** sdp-transform turns digit-only values into numbers; this reads either back as text. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** An integer in [min, max] from a number or a digit string, else undefined. */
function integer(value: unknown, min: number, max: number): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

function matchCodec(name: string, clockRate: number | undefined, channels: number | undefined): (typeof SUPPORTED_CODECS)[number] | undefined {
  const lower = name.toLowerCase();
  return SUPPORTED_CODECS.find(
    (codec) => codec.name.toLowerCase() === lower && codec.clockRate === clockRate && codec.channels === channels,
  );
}

export function readCodecs(formats: readonly string[], md: Partial<MediaDescription>): SdpCodec[] {
  const codecs: SdpCodec[] = [];
  const seen = new Set<number>();
  for (const format of formats) {
    const pt = integer(format, 0, 127);
    if (pt === undefined || seen.has(pt)) continue;
    seen.add(pt);
    const map = (md.rtp ?? []).find((entry) => integer(entry.payload, 0, 127) === pt);
    let known: { readonly name: CodecName; readonly clockRate: number; readonly channels: number } | undefined;
    if (map !== undefined) {
      const encoding = text(map.encoding);
      const channels = encoding === undefined || encoding === '' ? 1 : integer(encoding, 1, 255);
      known = matchCodec(text(map.codec) ?? '', integer(map.rate, 1, 1_000_000), channels);
    } else {
      const name = STATIC_PAYLOAD_TYPES[pt];
      known = name === undefined ? undefined : SUPPORTED_CODECS.find((codec) => codec.name === name);
    }
    if (known === undefined) continue;
    const fmtp = (md.fmtp ?? []).find((entry) => integer(entry.payload, 0, 127) === pt);
    const rtcpFb = (md.rtcpFb ?? [])
      .filter((fb) => text(fb.payload) === '*' || integer(fb.payload, 0, 127) === pt)
      .map((fb) => [text(fb.type), text(fb.subtype)].filter((part) => part !== undefined && part !== '').join(' '))
      .filter((value) => value !== '');
    codecs.push({ pt, name: known.name, clockRate: known.clockRate, channels: known.channels, fmtp: text(fmtp?.config) ?? null, rtcpFb });
  }
  return codecs;
}

function readSsrcs(md: Partial<MediaDescription>): RemoteSsrc[] {
  const byId = new Map<number, { ssrc: number; cname: string | null; msid: string | null }>();
  for (const entry of md.ssrcs ?? []) {
    const ssrc = integer(entry.id, 0, 0xffffffff);
    if (ssrc === undefined) continue;
    let info = byId.get(ssrc);
    if (info === undefined) {
      info = { ssrc, cname: null, msid: null };
      byId.set(ssrc, info);
    }
    const value = text(entry.value)?.trim();
    if (value === undefined || value === '') continue;
    if (entry.attribute === 'cname') info.cname ??= value;
    else if (entry.attribute === 'msid') info.msid ??= value;
  }
  return [...byId.values()];
}

function readCandidates(md: Partial<MediaDescription>): RemoteCandidate[] {
  const candidates: RemoteCandidate[] = [];
  for (const c of md.candidates ?? []) {
    const foundation = text(c.foundation);
    const component = integer(c.component, 1, 256);
    const transport = text(c.transport)?.toLowerCase();
    const priority = integer(c.priority, 0, 0xffffffff);
    const address = text(c.ip);
    const port = integer(c.port, 0, 0xffff);
    const type = CANDIDATE_TYPES.find((t) => t === c.type);
    if (
      foundation === undefined ||
      foundation === '' ||
      component === undefined ||
      transport === undefined ||
      transport === '' ||
      priority === undefined ||
      address === undefined ||
      address === '' ||
      port === undefined ||
      type === undefined
    ) {
      continue;
    }
    candidates.push({
      foundation,
      component,
      transport,
      priority,
      address,
      port,
      type,
      relatedAddress: text(c.raddr) ?? null,
      relatedPort: integer(c.rport, 0, 0xffff) ?? null,
      tcpType: text(c.tcptype) ?? null,
    });
  }
  return candidates;
}

function readExtmap(md: Partial<MediaDescription>): HeaderExtension[] {
  const extensions: HeaderExtension[] = [];
  for (const ext of md.ext ?? []) {
    const id = integer(ext.value, 1, 255);
    const uri = text(ext.uri);
    if (id === undefined || uri === undefined || uri === '') continue;
    extensions.push({ id, uri, direction: text(ext.direction) ?? null });
  }
  return extensions;
}
