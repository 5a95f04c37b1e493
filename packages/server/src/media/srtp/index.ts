/**
 * `media/srtp/`: SRTP and SRTCP (RFC 3711, RFC 7714) for the media relay, in place on caller buffers,
 * with no allocation per packet on the fast paths. Keys come from DTLS-SRTP (RFC 5764 §4.2) or SDES (RFC 4568).
 * @packageDocumentation
 */
export { SrtpSession, type SrtpDirection, type SrtpSessionOptions } from './srtp-session.ts';
export type { SrtpFailure } from './srtp-failure.ts';
export { SRTP_SUITES, srtpSuiteForProtectionProfile, type SrtpSuite, type SrtpSuiteParameters } from './srtp-suite.ts';
export { aesCmPrf, deriveSrtpSessionKeys, type SrtpMasterSecret, type SrtpSessionKeys } from './key-derivation.ts';
export {
  srtpMasterSecretsFromDtls,
  srtpSessionsFromDtls,
  type DtlsRole,
  type SrtpMasterSecretPair,
  type SrtpSessionPair,
} from './dtls-srtp-keys.ts';
export { HmacSha1 } from './hmac-sha1.ts';
