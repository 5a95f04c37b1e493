/**
 * RTCP packet shapes (RFC 3550 §6.4–6.7, RFC 4585 §6.1), as produced by {@link parseRtcp} and
 * accepted by {@link serializeRtcp}. A compound packet is a `readonly RtcpPacket[]`.
 */

/** One reception report block (RFC 3550 §6.4.1). */
export interface ReportBlock {
  /** SSRC of the source this block reports on. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, as a fixed point number ×256 (0–255). */
  readonly fractionLost: number;
  /** Cumulative packets lost, a signed 24-bit value (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles × 2^16 + highest sequence). */
  readonly extendedHighestSequence: number;
  /** Interarrival jitter, in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source; 0 if none. */
  readonly lsr: number;
  /** Delay since that SR was received, in 1/65536 s; 0 if none. */
  readonly dlsr: number;
}

/** Sender report, PT 200 (RFC 3550 §6.4.1). A profile-specific extension is not kept. */
export interface SenderReportPacket {
  readonly type: 'sr';
  readonly ssrc: number;
  /** NTP timestamp, seconds word. */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction word. */
  readonly ntpFraction: number;
  /** The same instant as the NTP timestamp, in the RTP timestamp units of this source. */
  readonly rtpTimestamp: number;
  /** Packets sent since the start of transmission. */
  readonly packetCount: number;
  /** Payload octets sent since the start of transmission (headers and padding excluded). */
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

/** Receiver report, PT 201 (RFC 3550 §6.4.2). */
export interface ReceiverReportPacket {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

/** One SDES item (RFC 3550 §6.5): type 1 CNAME, 2 NAME … 8 PRIV. */
export interface SdesItem {
  readonly type: number;
  /** Item text, decoded as UTF-8 (at most 255 bytes on the wire). */
  readonly value: string;
}

/** One SDES chunk: a source and its items. */
export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

/** Source description, PT 202 (RFC 3550 §6.5). */
export interface SdesPacket {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

/** Goodbye, PT 203 (RFC 3550 §6.6). */
export interface ByePacket {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  /** Reason for leaving, decoded as UTF-8, when present. */
  readonly reason?: string;
}

/** Application-defined, PT 204 (RFC 3550 §6.7). */
export interface AppPacket {
  readonly type: 'app';
  /** The 5-bit subtype. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters (decoded as latin1, so any byte survives a round trip). */
  readonly name: string;
  /** Application data, a multiple of 4 bytes. */
  readonly data: Buffer;
}

/** Feedback message, PT 205 RTPFB or 206 PSFB (RFC 4585 §6.1). */
export interface FeedbackPacket {
  readonly type: 'rtpfb' | 'psfb';
  /** Feedback message type (FMT), e.g. RTPFB 1 generic NACK, 15 transport-cc; PSFB 1 PLI. */
  readonly fmt: number;
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** Feedback control information, undecoded. */
  readonly fci: Buffer;
}

/** Any other RTCP packet type (e.g. XR 207), kept raw. */
export interface UnknownRtcpPacket {
  readonly type: 'unknown';
  readonly packetType: number;
  /** The 5-bit count/subtype field. */
  readonly count: number;
  /** Everything after the 4-byte header, padding removed. */
  readonly body: Buffer;
}

/** One packet of a compound RTCP packet, discriminated on `type`. */
export type RtcpPacket =
  | SenderReportPacket
  | ReceiverReportPacket
  | SdesPacket
  | ByePacket
  | AppPacket
  | FeedbackPacket
  | UnknownRtcpPacket;

/** Why {@link parseRtcp} refused a compound packet. */
export type RtcpParseFailure =
  | 'bad-length'
  | 'too-short'
  | 'bad-version'
  | 'truncated'
  | 'bad-padding'
  | 'bad-sr'
  | 'bad-rr'
  | 'bad-sdes'
  | 'bad-bye'
  | 'bad-app'
  | 'bad-feedback';

/** Result of {@link parseRtcp}. */
export type RtcpParseResult =
  | { readonly ok: true; readonly packets: readonly RtcpPacket[] }
  | { readonly ok: false; readonly reason: RtcpParseFailure; readonly offset: number };
