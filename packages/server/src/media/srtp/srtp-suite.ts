/**
 * The SRTP crypto suites this folder implements, named as in RFC 4568 / RFC 7714 §14.1, with their
 * DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) and transform parameters.
 */

/** A crypto suite: AES-CM + HMAC-SHA1 (RFC 3711 §4, RFC 5764 §4.1.2) or AES-GCM (RFC 7714). */
export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM';

/** Key sizes and tag lengths of one {@link SrtpSuite}. */
export interface SrtpSuiteParameters {
  readonly suite: SrtpSuite;
  readonly transform: 'aes-cm-hmac-sha1' | 'aead-aes-gcm';
  /** Master and session encryption key length (bytes). */
  readonly keyLength: 16 | 32;
  /** Master and session salt length (bytes): 112 bits for AES-CM, 96 bits for GCM (RFC 7714 §12). */
  readonly saltLength: 14 | 12;
  /** Session authentication key length (bytes), 0 for AEAD. */
  readonly authKeyLength: 20 | 0;
  /** Authentication tag appended to SRTP packets. */
  readonly rtpTagLength: number;
  /** Authentication tag of SRTCP packets: 80 bits for both SHA1 suites (RFC 5764 §4.1.2). */
  readonly rtcpTagLength: number;
  /** DTLS-SRTP protection profile name and wire id (the `use_srtp` extension). */
  readonly protectionProfile: string;
  readonly protectionProfileId: number;
}

/** Every suite by name. */
export const SRTP_SUITES: Readonly<Record<SrtpSuite, SrtpSuiteParameters>> = {
  AES_CM_128_HMAC_SHA1_80: {
    suite: 'AES_CM_128_HMAC_SHA1_80',
    transform: 'aes-cm-hmac-sha1',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
    protectionProfile: 'SRTP_AES128_CM_HMAC_SHA1_80',
    protectionProfileId: 0x0001,
  },
  AES_CM_128_HMAC_SHA1_32: {
    suite: 'AES_CM_128_HMAC_SHA1_32',
    transform: 'aes-cm-hmac-sha1',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
    protectionProfile: 'SRTP_AES128_CM_HMAC_SHA1_32',
    protectionProfileId: 0x0002,
  },
  AEAD_AES_128_GCM: {
    suite: 'AEAD_AES_128_GCM',
    transform: 'aead-aes-gcm',
    keyLength: 16,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    protectionProfile: 'SRTP_AEAD_AES_128_GCM',
    protectionProfileId: 0x0007,
  },
  AEAD_AES_256_GCM: {
    suite: 'AEAD_AES_256_GCM',
    transform: 'aead-aes-gcm',
    keyLength: 32,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    protectionProfile: 'SRTP_AEAD_AES_256_GCM',
    protectionProfileId: 0x0008,
  },
};

/**
 * The suite of a negotiated DTLS-SRTP protection profile, by name (`SRTP_AES128_CM_HMAC_SHA1_80`, as
 * `media/dtls` reports it) or wire id; `undefined` for a profile we do not implement.
 */
export function srtpSuiteForProtectionProfile(profile: string | number): SrtpSuite | undefined {
  for (const p of Object.values(SRTP_SUITES)) {
    if (p.protectionProfile === profile || p.protectionProfileId === profile) return p.suite;
  }
  return undefined;
}
