/**
 * The shapes shared by the SDP parser and writers: what a parsed browser SDP holds, what Denwa puts
 * into its own SDP ({@link LocalMediaParams}), and what both sides agreed on ({@link NegotiatedMedia}).
 */

/** RFC 3264 media direction, always from the point of view of the side that wrote it. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** RFC 4145 `a=setup` value (holdconn is refused). */
export type SetupRole = 'actpass' | 'active' | 'passive';

/** Denwa's DTLS role: `server` waits for the browser's ClientHello, `client` sends it. */
export type DtlsRole = 'server' | 'client';

/** The primary audio codecs Denwa negotiates (canonical spelling). */
export type AudioCodecName = 'opus' | 'PCMU' | 'PCMA';

/** Every codec name the parser keeps; anything else in an SDP is ignored. */
export type CodecName = AudioCodecName | 'telephone-event';

/** ICE username fragment and password (RFC 8839 §5.4). */
export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

/** A DTLS certificate fingerprint (RFC 8122): lower-case hash name, upper-case colon-separated hex. */
export interface Fingerprint {
  readonly algorithm: string;
  readonly value: string;
}

/** Denwa's own certificate fingerprint; WebRTC requires sha-256 (RFC 8827 §6.5). */
export interface LocalFingerprint {
  readonly algorithm: 'sha-256';
  readonly value: string;
}

/** One payload type: number, canonical codec name, clock rate and channel count. */
export interface RtpCodec {
  readonly pt: number;
  readonly name: CodecName;
  readonly clockRate: number;
  readonly channels: number;
}

/** A supported codec as found in an SDP, with its format parameters and RTCP feedback. */
export interface SdpCodec extends RtpCodec {
  /** The raw `a=fmtp` value, e.g. `minptime=10;useinbandfec=1`, or null. */
  readonly fmtp: string | null;
  /** `a=rtcp-fb` values for this PT (and `*`), e.g. `transport-cc`, `nack pli`. */
  readonly rtcpFb: readonly string[];
}

/** A remote SSRC and the `a=ssrc` attributes Denwa uses. */
export interface RemoteSsrc {
  readonly ssrc: number;
  readonly cname: string | null;
  /** `a=ssrc:<id> msid:<stream> <track>` value, or null. */
  readonly msid: string | null;
}

/** A remote ICE candidate (RFC 8839 §5.1); fresh browser SDPs carry none. */
export interface RemoteCandidate {
  readonly foundation: string;
  readonly component: number;
  /** Lower-case: `udp` or `tcp`. */
  readonly transport: string;
  readonly priority: number;
  /** IP address or mDNS `.local` name, as written. */
  readonly address: string;
  readonly port: number;
  readonly type: 'host' | 'srflx' | 'prflx' | 'relay';
  readonly relatedAddress: string | null;
  readonly relatedPort: number | null;
  readonly tcpType: string | null;
}

/** An `a=extmap` entry (kept for later use; not negotiated yet). */
export interface HeaderExtension {
  readonly id: number;
  readonly uri: string;
  readonly direction: string | null;
}

/** One m-line of a description, in order: enough to reject it in an answer. */
export interface MediaLine {
  /** `audio`, `video`, `application`, … */
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  /** The format list exactly as written (payload types or `webrtc-datachannel`). */
  readonly formats: readonly string[];
  readonly mid: string | null;
}

/**
 * A browser SDP reduced to its single usable audio m-line plus what an answer needs about the
 * others. Produced by {@link parseOffer}; {@link parseAnswer} uses the same shape internally.
 */
export interface ParsedOffer {
  /** `o=` session id and version (strings: they can exceed 2^53), or null without a valid `o=`. */
  readonly origin: { readonly sessionId: string; readonly sessionVersion: string } | null;
  /** The remote side is ICE-lite (`a=ice-lite`). */
  readonly iceLite: boolean;
  /** Mids of the `a=group:BUNDLE` group, or null without one. */
  readonly bundle: readonly string[] | null;
  /** Every m-line, in order (the answer mirrors it, RFC 3264 §6). */
  readonly media: readonly MediaLine[];
  /** Index of the audio m-line in {@link ParsedOffer.media}. */
  readonly audioIndex: number;
  /** The audio m-line's `a=mid`, or null (pre-unified-plan browsers always send one too). */
  readonly mid: string | null;
  /** `UDP/TLS/RTP/SAVPF` (or the legacy `RTP/SAVPF`), echoed in the answer. */
  readonly protocol: string;
  /** Media-level credentials, else session-level ones. */
  readonly ice: IceCredentials;
  /** `a=ice-options` tokens, e.g. `trickle`. */
  readonly iceOptions: readonly string[];
  /** All fingerprints of the audio m-line (else the session), in order. */
  readonly fingerprints: readonly Fingerprint[];
  /** The first sha-256 fingerprint (always present in a parsed offer). */
  readonly fingerprint: Fingerprint;
  /** `a=setup`, or null when absent (RFC 4145 then means `active`). */
  readonly setup: SetupRole | null;
  /** `a=rtcp-rsize` (RFC 5506) was offered. rtcp-mux is always true: it is required. */
  readonly rtcpRsize: boolean;
  /** The offerer's direction (media level, else session level, else sendrecv). */
  readonly direction: MediaDirection;
  /** Supported codecs in m-line order (unknown ones such as red, G722 and CN are left out). */
  readonly codecs: readonly SdpCodec[];
  readonly ssrcs: readonly RemoteSsrc[];
  readonly candidates: readonly RemoteCandidate[];
  readonly endOfCandidates: boolean;
  readonly extmap: readonly HeaderExtension[];
}

/**
 * What Denwa advertises about its side of one WebRTC leg. Everything random or clock-derived
 * (ids, ICE credentials, SSRC) and everything about sockets and certificates comes from the caller.
 */
export interface LocalMediaParams {
  /** `o=` session id: 1–20 decimal digits, fixed for the life of the call. */
  readonly sessionId: string;
  /** `o=` session version: a safe non-negative integer, incremented on each new SDP (RFC 3264 §8). */
  readonly sessionVersion: number;
  /** The public IPv4 or IPv6 address the browser can reach (no host names). */
  readonly address: string;
  /** The single media UDP port (RTP and RTCP muxed). */
  readonly port: number;
  /** 4–256 ice-chars. */
  readonly iceUfrag: string;
  /** 22–256 ice-chars. */
  readonly icePwd: string;
  readonly fingerprint: LocalFingerprint;
  /** Denwa's outgoing SSRC (0 … 2^32 − 1). */
  readonly ssrc: number;
  /** RTCP CNAME: 1–255 visible ASCII characters. */
  readonly cname: string;
  /** Primary codecs Denwa accepts, most preferred first; the answer picks the first one offered. */
  readonly codecPreferences: readonly AudioCodecName[];
  /** Negotiate telephone-event (RFC 4733) for in-band DTMF. */
  readonly dtmf: boolean;
  /** Denwa's wish; the answer intersects it with the offer (default sendrecv). */
  readonly direction?: MediaDirection;
  /** `a=msid` stream and track ids (token chars, ≤ 64); default stream = cname, track = `<cname>-audio`. */
  readonly msid?: { readonly stream: string; readonly track: string };
  /** ICE candidate foundation (1–32 ice-chars); default `1`. */
  readonly candidateFoundation?: string;
  /**
   * Accept SDPs that make Denwa the DTLS client (an offer or answer with `a=setup:passive`).
   * Default false: media/dtls is server-only, so such SDPs are refused with `bad-setup`.
   */
  readonly dtlsClient?: boolean;
}

/** Denwa's offer to a browser (incoming calls): local params plus the mid and the codecs to offer. */
export interface OfferParams extends LocalMediaParams {
  /** The `a=mid` of the audio m-line (token chars, ≤ 64), e.g. `0`. */
  readonly mid: string;
  /**
   * Payload types to offer, in order. Default: {@link defaultOfferCodecs} of `codecPreferences`
   * and `dtmf` (Opus 111, PCMU 0, PCMA 8, telephone-event 126/8000 and 110/48000).
   */
  readonly codecs?: readonly RtpCodec[];
}

/** The primary codec both sides use. */
export interface NegotiatedCodec {
  readonly name: AudioCodecName;
  readonly pt: number;
  readonly clockRate: number;
  readonly channels: number;
}

/** A negotiated telephone-event payload type. */
export interface TelephoneEventCodec {
  readonly pt: number;
  readonly clockRate: number;
}

/** The result of an offer/answer exchange, as the media relay needs it. */
export interface NegotiatedMedia {
  readonly mid: string | null;
  readonly primary: NegotiatedCodec;
  /** The telephone-event PT Denwa sends DTMF with (8000 Hz when available), or null. */
  readonly telephoneEvent: TelephoneEventCodec | null;
  /** Every negotiated telephone-event PT (accept DTMF on all of them). */
  readonly telephoneEvents: readonly TelephoneEventCodec[];
  readonly remoteSsrcs: readonly number[];
  readonly remoteIce: IceCredentials;
  /** Denwa's credentials in this exchange (ICE restarts must change them). */
  readonly localIce: IceCredentials;
  /** The first sha-256 fingerprint of the browser. */
  readonly remoteFingerprint: Fingerprint;
  /** All fingerprints the browser listed (RFC 8122: the certificate must match one of them). */
  readonly remoteFingerprints: readonly Fingerprint[];
  readonly dtlsRole: DtlsRole;
  /** Denwa's direction: what Denwa may send and receive. */
  readonly direction: MediaDirection;
}

/** An answer Denwa built, with what it agreed to. */
export interface BuiltAnswer {
  readonly sdp: string;
  readonly negotiated: NegotiatedMedia;
}
