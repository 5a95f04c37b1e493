/**
 * Writes Denwa's SDP (answers and offers): session header with `a=ice-lite`, the audio m-line with
 * Denwa's host candidate, ICE credentials, fingerprint, setup, rtcp-mux, codecs, SSRC and msid, and
 * port-0 m-lines for rejected streams. Lines end with CRLF (RFC 8866 §5).
 *
 * Local parameters are programmer input: a malformed one throws `TypeError` (nothing is escaped,
 * so a value with a space or line break must never reach the SDP).
 */
import { HOST_TYPE_PREFERENCE, OPUS_FMTP, SINGLE_ADDRESS_LOCAL_PREFERENCE, TELEPHONE_EVENT_FMTP } from './constants.ts';
import { TOKEN } from './sdp-lines.ts';
import type { LocalMediaParams, MediaDirection, MediaLine, RtpCodec } from './types.ts';

/** Denwa's audio m-line: everything that is not a local parameter. */
export interface AudioSection {
  readonly protocol: string;
  readonly mid: string | null;
  readonly setup: 'actpass' | 'active' | 'passive';
  readonly direction: MediaDirection;
  /** Payload types in m-line order; fmtp is written for Opus and telephone-event. */
  readonly codecs: readonly RtpCodec[];
}

/** One m-line to write: Denwa's audio, or a rejected stream copied from the offer. */
export type OutputSection = { readonly kind: 'audio'; readonly audio: AudioSection } | { readonly kind: 'rejected'; readonly line: MediaLine };

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;
const SHA256 = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;
const CNAME = /^[\x21-\x7e]{1,255}$/;

/** True for IPv6 text without a zone (`2001:db8::1`, `::ffff:192.0.2.1`). */
export function isIpv6(text: string): boolean {
  if (text.length > 45 || !text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const last = groups[groups.length - 1];
  const v4 = last !== undefined && last.includes('.');
  if (v4 && !IPV4.test(last)) return false;
  const hex = v4 ? groups.slice(0, -1) : groups;
  if (!hex.every((group) => HEX_GROUP.test(group))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** RFC 8445 §5.1.2.1 priority of Denwa's host candidate: 2^24·126 + 2^8·65535 + (256 − component). */
export function hostCandidatePriority(component = 1): number {
  return HOST_TYPE_PREFERENCE * 2 ** 24 + SINGLE_ADDRESS_LOCAL_PREFERENCE * 2 ** 8 + (256 - component);
}

/** `a=candidate:<foundation> 1 udp <priority> <address> <port> typ host generation 0`. */
export function hostCandidateLine(address: string, port: number, foundation = '1'): string {
  return `a=candidate:${foundation} 1 udp ${hostCandidatePriority(1)} ${address} ${port} typ host generation 0`;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new TypeError(`invalid local media parameter: ${what}`);
}

/** Throws TypeError when a local parameter would produce a malformed or unsafe SDP. */
export function validateLocal(local: LocalMediaParams): void {
  check(/^\d{1,20}$/.test(local.sessionId), 'sessionId must be 1-20 digits');
  check(Number.isSafeInteger(local.sessionVersion) && local.sessionVersion >= 0, 'sessionVersion must be a safe integer >= 0');
  check(IPV4.test(local.address) || isIpv6(local.address), 'address must be an IPv4 or IPv6 address');
  check(Number.isInteger(local.port) && local.port >= 1 && local.port <= 0xffff, 'port must be 1-65535');
  check(ICE_CHARS.test(local.iceUfrag) && local.iceUfrag.length >= 4 && local.iceUfrag.length <= 256, 'iceUfrag must be 4-256 ice-chars');
  check(ICE_CHARS.test(local.icePwd) && local.icePwd.length >= 22 && local.icePwd.length <= 256, 'icePwd must be 22-256 ice-chars');
  check(SHA256.test(local.fingerprint.value), 'fingerprint must be 32 upper-case colon-separated hex bytes (sha-256)');
  check(Number.isInteger(local.ssrc) && local.ssrc >= 0 && local.ssrc <= 0xffffffff, 'ssrc must be 0-2^32-1');
  check(CNAME.test(local.cname), 'cname must be 1-255 visible ASCII characters');
  check(local.codecPreferences.length > 0, 'codecPreferences must not be empty');
  if (local.msid !== undefined) check(TOKEN.test(local.msid.stream) && TOKEN.test(local.msid.track), 'msid ids must be 1-64 token chars');
  if (local.candidateFoundation !== undefined) {
    const f = local.candidateFoundation;
    check(ICE_CHARS.test(f) && f.length <= 32, 'candidateFoundation must be 1-32 ice-chars');
  }
}

function msidOf(local: LocalMediaParams): { stream: string; track: string } {
  if (local.msid !== undefined) return local.msid;
  const stream = TOKEN.test(local.cname) ? local.cname : 'denwa';
  return { stream, track: `${stream}-audio`.slice(0, 64) };
}

function ipVersion(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

function rtpmap(codec: RtpCodec): string {
  const channels = codec.channels > 1 ? `/${codec.channels}` : '';
  return `a=rtpmap:${codec.pt} ${codec.name}/${codec.clockRate}${channels}`;
}

function fmtpOf(codec: RtpCodec): string | undefined {
  if (codec.name === 'opus') return OPUS_FMTP;
  if (codec.name === 'telephone-event') return TELEPHONE_EVENT_FMTP;
  return undefined;
}

function audioLines(local: LocalMediaParams, audio: AudioSection): string[] {
  const ip = ipVersion(local.address);
  const lines = [
    `m=audio ${local.port} ${audio.protocol} ${audio.codecs.map((c) => c.pt).join(' ')}`,
    `c=IN ${ip} ${local.address}`,
    hostCandidateLine(local.address, local.port, local.candidateFoundation),
    'a=end-of-candidates',
    `a=ice-ufrag:${local.iceUfrag}`,
    `a=ice-pwd:${local.icePwd}`,
    `a=fingerprint:${local.fingerprint.algorithm} ${local.fingerprint.value}`,
    `a=setup:${audio.setup}`,
  ];
  if (audio.mid !== null) lines.push(`a=mid:${audio.mid}`);
  lines.push(`a=${audio.direction}`, 'a=rtcp-mux');
  for (const codec of audio.codecs) {
    lines.push(rtpmap(codec));
    const fmtp = fmtpOf(codec);
    if (fmtp !== undefined) lines.push(`a=fmtp:${codec.pt} ${fmtp}`);
  }
  if (audio.direction === 'sendrecv' || audio.direction === 'sendonly') {
    const msid = msidOf(local);
    lines.push(
      `a=ssrc:${local.ssrc} cname:${local.cname}`,
      `a=ssrc:${local.ssrc} msid:${msid.stream} ${msid.track}`,
      `a=msid:${msid.stream} ${msid.track}`,
    );
  }
  return lines;
}

function rejectedLines(line: MediaLine): string[] {
  const lines = [`m=${line.type} 0 ${line.protocol} ${line.formats.join(' ')}`, 'c=IN IP4 0.0.0.0'];
  if (line.mid !== null) lines.push(`a=mid:${line.mid}`);
  return lines;
}

/**
 * A complete SDP: session header (`a=ice-lite`, the BUNDLE group when `bundle` is given,
 * msid-semantic) and the sections in order. Call {@link validateLocal} first.
 */
export function writeSdp(local: LocalMediaParams, sections: readonly OutputSection[], bundle: readonly string[] | null): string {
  const lines = [
    'v=0',
    `o=- ${local.sessionId} ${local.sessionVersion} IN ${ipVersion(local.address)} ${local.address}`,
    's=-',
    't=0 0',
    'a=ice-lite',
  ];
  if (bundle !== null && bundle.length > 0) lines.push(`a=group:BUNDLE ${bundle.join(' ')}`);
  lines.push(`a=msid-semantic: WMS ${msidOf(local).stream}`);
  for (const section of sections) {
    lines.push(...(section.kind === 'audio' ? audioLines(local, section.audio) : rejectedLines(section.line)));
  }
  return `${lines.join('\r\n')}\r\n`;
}
