/**
 * `media/dtls/`: a DTLS 1.2 server for DTLS-SRTP (RFC 6347, RFC 5246, RFC 5764) over `node:crypto`.
 * Transport-agnostic: datagrams in, datagrams out through a callback, timers from the injected clock.
 * @packageDocumentation
 */
export { DtlsServer } from './dtls-server.ts';
export type { DtlsConnection, DtlsServerOptions, DtlsServerStats } from './dtls-server-options.ts';
export { DTLS_TRANSITIONS, assertDtlsTransition, type DtlsState } from './dtls-state.ts';
export {
  certificateFingerprint,
  createDtlsCertificate,
  fingerprintMatches,
  parseFingerprint,
  type DtlsCertificate,
  type DtlsCertificateOptions,
  type ParsedFingerprint,
} from './certificate.ts';
export {
  DEFAULT_SRTP_PROFILES,
  SRTP_PROFILES,
  splitSrtpKeyingMaterial,
  srtpKeyingMaterialLength,
  type SrtpKeys,
  type SrtpMasterKey,
  type SrtpProfile,
  type SrtpProfileName,
} from './srtp-profiles.ts';
export { DTLS_SRTP_EXPORTER_LABEL } from './key-schedule.ts';
