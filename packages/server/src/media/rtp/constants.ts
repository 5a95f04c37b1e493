/**
 * Wire constants and RFC defaults for RTP, RTCP and RFC 4733 telephone-event. Every number the
 * codecs in this folder depend on lives here, with the section that defines it.
 */

/** RTP and RTCP version (RFC 3550 §5.1). */
export const RTP_VERSION = 2;
/** Size of the fixed RTP header, without CSRCs or extension (RFC 3550 §5.1). */
export const RTP_FIXED_HEADER_LENGTH = 12;
/** Sequence numbers are 16 bits (RFC 3550 Appendix A.1, `RTP_SEQ_MOD`). */
export const RTP_SEQ_MOD = 0x1_0000;
/** Timestamps and SSRCs are 32 bits. */
export const UINT32_MOD = 0x1_0000_0000;

/** One-byte header extension profile (RFC 8285 §4.2). */
export const EXTENSION_PROFILE_ONE_BYTE = 0xbede;
/** Two-byte header extension profile, upper 12 bits; the low 4 bits are "appbits" (RFC 8285 §4.3). */
export const EXTENSION_PROFILE_TWO_BYTE = 0x1000;

/** RFC 3550 Appendix A.1: a jump of more than this many sequence numbers is a dropout. */
export const MAX_DROPOUT = 3000;
/** RFC 3550 Appendix A.1: a sequence number this far behind counts as reordered, not a restart. */
export const MAX_MISORDER = 100;
/** RFC 3550 Appendix A.1: sequential packets needed before a new source is valid. */
export const MIN_SEQUENTIAL = 2;

/** RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1). */
export const RTCP_SR = 200;
/** Receiver report. */
export const RTCP_RR = 201;
/** Source description. */
export const RTCP_SDES = 202;
/** Goodbye. */
export const RTCP_BYE = 203;
/** Application-defined. */
export const RTCP_APP = 204;
/** Transport-layer feedback (RFC 4585 §6.2). */
export const RTCP_RTPFB = 205;
/** Payload-specific feedback (RFC 4585 §6.3). */
export const RTCP_PSFB = 206;
/** RFC 5761 §4: second octets 192–223 are RTCP when RTP and RTCP share a port. */
export const RTCP_MUX_PT_MIN = 192;
/** Upper end of the RFC 5761 §4 range (inclusive). */
export const RTCP_MUX_PT_MAX = 223;
/** The RTCP count field is 5 bits: at most 31 report blocks, chunks or SSRCs per packet. */
export const RTCP_MAX_COUNT = 31;
/** Size of one RTCP report block (RFC 3550 §6.4.1). */
export const RTCP_REPORT_BLOCK_LENGTH = 24;

/** SDES item types (RFC 3550 §6.5). */
export const SDES_END = 0;
/** Canonical end-point identifier. */
export const SDES_CNAME = 1;

/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** RFC 4733 §2.3: a telephone-event payload is 4 octets. */
export const TELEPHONE_EVENT_LENGTH = 4;
/** RFC 4733 §2.5.1.4: the final packet of an event is sent three times. */
export const TELEPHONE_EVENT_END_REPEATS = 3;
/** Events 0–15 are the DTMF digits `0-9 * # A-D` (RFC 4733 §3.2, table 7). */
export const DTMF_DIGITS = '0123456789*#ABCD';
/** Usual telephone-event clock rate (the `telephone-event/8000` rtpmap). */
export const DEFAULT_TELEPHONE_EVENT_CLOCK_RATE = 8000;
/** Default digit length for generated DTMF; Twilio and browsers use about 100 ms. */
export const DEFAULT_DTMF_DURATION_MS = 100;
/** Default update interval for generated DTMF (RFC 4733 §2.5.1.2 suggests 50 ms or less). */
export const DEFAULT_DTMF_INTERVAL_MS = 20;
/** Default power level for generated DTMF, in −dBm0 (RFC 4733 §2.3.4). */
export const DEFAULT_DTMF_VOLUME = 10;

/** Default frame length assumed between two sources when the rewriter has no arrival times. */
export const DEFAULT_FRAME_MS = 20;
