/**
 * Wire constants and defaults of SRTP/SRTCP (RFC 3711, RFC 7714), with the section that defines each.
 */

/** RTP/RTCP version field (RFC 3550 §5.1). */
export const RTP_VERSION = 2;
/** Fixed RTP header (RFC 3550 §5.1). */
export const RTP_FIXED_HEADER_LENGTH = 12;
/** SRTCP leaves the first 8 octets (header + sender SSRC) in the clear (RFC 3711 §3.4). */
export const RTCP_CLEAR_HEADER_LENGTH = 8;
/** The E flag and 31-bit SRTCP index trailer (RFC 3711 §3.4). */
export const SRTCP_INDEX_LENGTH = 4;
/** E flag: the SRTCP payload is encrypted (RFC 3711 §3.4). */
export const SRTCP_E_FLAG = 0x8000_0000;
/** SRTCP indices are 31 bits (RFC 3711 §3.4); the key must be replaced before they run out. */
export const SRTCP_INDEX_MAX = 0x7fff_ffff;
/** ROC is 32 bits (RFC 3711 §3.3.1). */
export const ROC_MAX = 0xffff_ffff;
/** Sequence numbers are 16 bits. */
export const SEQ_MOD = 0x1_0000;

/** Key derivation labels (RFC 3711 §4.3.1 and §4.3.2). */
export const LABEL_RTP_ENCRYPTION = 0x00;
/** SRTP message authentication key. */
export const LABEL_RTP_AUTH = 0x01;
/** SRTP session salt. */
export const LABEL_RTP_SALT = 0x02;
/** SRTCP encryption key. */
export const LABEL_RTCP_ENCRYPTION = 0x03;
/** SRTCP message authentication key. */
export const LABEL_RTCP_AUTH = 0x04;
/** SRTCP session salt. */
export const LABEL_RTCP_SALT = 0x05;

/** HMAC-SHA1 session authentication key length, n_a = 160 bits (RFC 3711 §8.2). */
export const HMAC_SHA1_KEY_LENGTH = 20;
/** AEAD authentication tag (RFC 7714 §7.4: 16 octets for AEAD_AES_*_GCM). */
export const GCM_TAG_LENGTH = 16;

/**
 * Replay window: "a minimum size of 64 is RECOMMENDED" (RFC 3711 §3.3.2); we keep exactly 64 packets
 * behind the highest authenticated index.
 */
export const REPLAY_WINDOW_SIZE = 64;
/** Default cap on SSRCs tracked per session and direction (state is created only after authentication). */
export const DEFAULT_MAX_STREAMS = 64;

/** Packets of keystream produced per refill of a stream's keystream cache. */
export const KEYSTREAM_CACHE_PACKETS = 32;
/** Largest refill, in 16-byte blocks (16 KiB): fewer packets are cached when they are long. */
export const KEYSTREAM_CACHE_MAX_BLOCKS = 1024;
/** Packets needing more blocks than this (2 KiB) get their keystream one by one, never cached. */
export const KEYSTREAM_CACHE_MAX_PACKET_BLOCKS = 128;
