/**
 * Writes Denwa's SDP for a SIP leg (RTP/AVP, or RTP/SAVP with SDES): session-level `c=`, one audio
 * m-line with rtpmap lines, `a=fmtp:<te> 0-16`, `a=ptime:20`, `a=rtcp` for the RTCP port, Denwa's
 * `a=crypto` lines when SRTP is keyed with SDES, and the direction. No ICE, DTLS, rtcp-mux or
 * `a=ssrc`. An answer mirrors the offer's other m-lines with port 0 (RFC 3264 §6). Lines end with CRLF.
 */
import { OPUS_FMTP } from './constants.ts';
import { isIpv6 } from './sdp-writer.ts';
import type { MediaDirection, MediaLine, RtpCodec } from './types.ts';

/** `a=fmtp` for telephone-event on SIP legs: the 16 DTMF events and flash (RFC 4733 §3.2). */
export const SIP_TELEPHONE_EVENT_FMTP = '0-16';

/** The packetization Denwa sends and asks for on SIP legs. */
export const SIP_PTIME_MS = 20;

/** What Denwa advertises about its side of one SIP leg. */
export interface PlainRtpLocal {
  /** `o=` session id: 1–20 digits, fixed for the life of the leg. */
  readonly sessionId: string;
  /** `o=` version: incremented for every new SDP (RFC 3264 §8). */
  readonly sessionVersion: number;
  /** The address the peer sends to (IPv4 or IPv6 literal). */
  readonly address: string;
  /** The RTP port (even, RFC 3550 §11). */
  readonly port: number;
  /** The RTCP port, written as `a=rtcp` (RFC 3605), or null to write none. */
  readonly rtcpPort: number | null;
  /** `a=crypto` values (RFC 4568) of Denwa's keys; absent or empty: no SDES. */
  readonly crypto?: readonly string[];
  /** The profile of Denwa's offer (`RTP/SAVP` when SRTP is required); default `RTP/AVP`. Answers echo the offer's. */
  readonly protocol?: string;
}

/** The peer's m-lines, for an answer: all but `audioIndex` are rejected with port 0. */
export interface PlainRtpMirror {
  readonly media: readonly MediaLine[];
  readonly audioIndex: number;
  /** The audio m-line's protocol, echoed (`RTP/AVP`, `RTP/AVPF`, `RTP/SAVP` or `RTP/SAVPF`). */
  readonly protocol: string;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function check(ok: boolean, what: string): void {
  if (!ok) throw new TypeError(`invalid local media parameter: ${what}`);
}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 0xffff;
}

function audioLines(local: PlainRtpLocal, codecs: readonly RtpCodec[], direction: MediaDirection, protocol: string): string[] {
  const lines = [`m=audio ${local.port} ${protocol} ${codecs.map((c) => c.pt).join(' ')}`];
  for (const codec of codecs) {
    const channels = codec.channels > 1 ? `/${codec.channels}` : '';
    lines.push(`a=rtpmap:${codec.pt} ${codec.name}/${codec.clockRate}${channels}`);
    if (codec.name === 'telephone-event') lines.push(`a=fmtp:${codec.pt} ${SIP_TELEPHONE_EVENT_FMTP}`);
    else if (codec.name === 'opus') lines.push(`a=fmtp:${codec.pt} ${OPUS_FMTP}`);
  }
  lines.push(`a=ptime:${SIP_PTIME_MS}`);
  if (local.rtcpPort !== null) lines.push(`a=rtcp:${local.rtcpPort}`);
  for (const crypto of local.crypto ?? []) lines.push(`a=crypto:${crypto}`);
  lines.push(`a=${direction}`);
  return lines;
}

/**
 * A complete plain RTP SDP: Denwa's offer (no `mirror`) or its answer to the m-lines of `mirror`.
 * @throws TypeError for a malformed local parameter or codec list (programmer errors).
 */
export function writePlainRtp(local: PlainRtpLocal, codecs: readonly RtpCodec[], direction: MediaDirection, mirror?: PlainRtpMirror): string {
  check(/^\d{1,20}$/.test(local.sessionId), 'sessionId must be 1-20 digits');
  check(Number.isSafeInteger(local.sessionVersion) && local.sessionVersion >= 0, 'sessionVersion must be a safe integer >= 0');
  check(IPV4.test(local.address) || isIpv6(local.address), 'address must be an IPv4 or IPv6 address');
  check(isPort(local.port) && (local.rtcpPort === null || isPort(local.rtcpPort)), 'ports must be 1-65535');
  check(codecs.length > 0 && codecs.every((c) => Number.isInteger(c.pt) && c.pt >= 0 && c.pt <= 127), 'codecs must be payload types 0-127');
  check((local.crypto ?? []).every((c) => /^\d{1,9} [A-Z0-9_]+ inline:[A-Za-z0-9+/=]+$/.test(c)), 'crypto must be "<tag> <suite> inline:<base64>"');
  check(local.protocol === undefined || local.protocol === 'RTP/AVP' || local.protocol === 'RTP/SAVP', 'protocol must be RTP/AVP or RTP/SAVP');
  const ip = local.address.includes(':') ? 'IP6' : 'IP4';
  const lines = ['v=0', `o=- ${local.sessionId} ${local.sessionVersion} IN ${ip} ${local.address}`, 's=Denwa', `c=IN ${ip} ${local.address}`, 't=0 0'];
  if (mirror === undefined) {
    lines.push(...audioLines(local, codecs, direction, local.protocol ?? 'RTP/AVP'));
  } else {
    mirror.media.forEach((line, i) => {
      if (i === mirror.audioIndex) lines.push(...audioLines(local, codecs, direction, mirror.protocol));
      else lines.push(`m=${line.type} 0 ${line.protocol} ${line.formats.join(' ')}`);
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
