/**
 * DTLS-SRTP keying material → the master secrets of both directions (RFC 5764 §4.2).
 */
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';
import type { SrtpMasterSecret } from './key-derivation.ts';
import { SrtpSession, type SrtpSessionOptions } from './srtp-session.ts';

/** Our side of the DTLS handshake (`a=setup:passive` answers make Denwa the server). */
export type DtlsRole = 'client' | 'server';

/** Master secrets by direction, from our point of view. */
export interface SrtpMasterSecretPair {
  /** Protects what we send (our `protect*` calls). */
  readonly local: SrtpMasterSecret;
  /** Protects what the peer sends (our `unprotect*` calls). */
  readonly remote: SrtpMasterSecret;
}

/**
 * Splits RFC 5705 exported keying material, laid out as "client_write_SRTP_master_key ‖
 * server_write_SRTP_master_key ‖ client_write_SRTP_master_salt ‖ server_write_SRTP_master_salt"
 * (RFC 5764 §4.2), into local and remote master secrets for our DTLS `role`. The results are views
 * into `keyingMaterial`.
 * @throws RangeError when the material is not 2 × (key + salt) bytes for `suite` (a programmer error).
 */
export function srtpMasterSecretsFromDtls(suite: SrtpSuite, keyingMaterial: Uint8Array, role: DtlsRole): SrtpMasterSecretPair {
  const { keyLength: k, saltLength: s } = SRTP_SUITES[suite];
  if (keyingMaterial.length !== 2 * (k + s)) {
    throw new RangeError(`${suite} needs ${2 * (k + s)} bytes of keying material, got ${keyingMaterial.length}`);
  }
  const client = { key: keyingMaterial.subarray(0, k), salt: keyingMaterial.subarray(2 * k, 2 * k + s) };
  const server = { key: keyingMaterial.subarray(k, 2 * k), salt: keyingMaterial.subarray(2 * k + s, 2 * (k + s)) };
  return role === 'server' ? { local: server, remote: client } : { local: client, remote: server };
}

/** The two contexts of one DTLS-SRTP transport. */
export interface SrtpSessionPair {
  /** `protectRtp`/`protectRtcp` what we send. */
  readonly protect: SrtpSession;
  /** `unprotectRtp`/`unprotectRtcp` what we receive. */
  readonly unprotect: SrtpSession;
}

/**
 * Both SRTP contexts of a completed DTLS-SRTP handshake: keys split for our `role`
 * ({@link srtpMasterSecretsFromDtls}) and session keys derived (RFC 3711 §4.3).
 * @throws RangeError when the keying material does not fit `suite` (a programmer error).
 */
export function srtpSessionsFromDtls(
  suite: SrtpSuite,
  keyingMaterial: Uint8Array,
  role: DtlsRole,
  options: SrtpSessionOptions = {},
): SrtpSessionPair {
  const { local, remote } = srtpMasterSecretsFromDtls(suite, keyingMaterial, role);
  return { protect: new SrtpSession(suite, local, options), unprotect: new SrtpSession(suite, remote, options) };
}
