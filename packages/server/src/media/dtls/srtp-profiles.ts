/**
 * DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) and the layout of the keying
 * material the handshake exports for them (RFC 5764 §4.2).
 */

/** A protection profile this server can negotiate. */
export type SrtpProfileName =
  | 'SRTP_AES128_CM_HMAC_SHA1_80'
  | 'SRTP_AES128_CM_HMAC_SHA1_32'
  | 'SRTP_AEAD_AES_128_GCM'
  | 'SRTP_AEAD_AES_256_GCM';

/** Wire id and master key/salt sizes of a profile. */
export interface SrtpProfile {
  readonly name: SrtpProfileName;
  /** `SRTPProtectionProfile` value in the use_srtp extension. */
  readonly id: number;
  readonly keyLength: number;
  readonly saltLength: number;
}

/** Every profile, by name: RFC 5764 §4.1.2 (AES-CM, 128-bit key, 112-bit salt), RFC 7714 §12 (GCM, 96-bit salt). */
export const SRTP_PROFILES: Readonly<Record<SrtpProfileName, SrtpProfile>> = {
  SRTP_AES128_CM_HMAC_SHA1_80: { name: 'SRTP_AES128_CM_HMAC_SHA1_80', id: 0x0001, keyLength: 16, saltLength: 14 },
  SRTP_AES128_CM_HMAC_SHA1_32: { name: 'SRTP_AES128_CM_HMAC_SHA1_32', id: 0x0002, keyLength: 16, saltLength: 14 },
  SRTP_AEAD_AES_128_GCM: { name: 'SRTP_AEAD_AES_128_GCM', id: 0x0007, keyLength: 16, saltLength: 12 },
  SRTP_AEAD_AES_256_GCM: { name: 'SRTP_AEAD_AES_256_GCM', id: 0x0008, keyLength: 32, saltLength: 12 },
};

/** The default preference: AES-CM/HMAC-SHA1-80 (every browser), then AES-128-GCM. */
export const DEFAULT_SRTP_PROFILES: readonly SrtpProfileName[] = ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'];

/** Length of the keying material to export for `profile`: 2 × (key + salt) (RFC 5764 §4.2). */
export function srtpKeyingMaterialLength(profile: SrtpProfileName): number {
  const p = SRTP_PROFILES[profile];
  return 2 * (p.keyLength + p.saltLength);
}

/** One direction's SRTP master key and salt. */
export interface SrtpMasterKey {
  readonly key: Buffer;
  readonly salt: Buffer;
}

/** The keys of both directions; the DTLS client is the browser, the server is Denwa. */
export interface SrtpKeys {
  /** Protects what the DTLS client sends (Denwa decrypts with it). */
  readonly client: SrtpMasterKey;
  /** Protects what the DTLS server sends (Denwa encrypts with it). */
  readonly server: SrtpMasterKey;
}

/**
 * Splits exported keying material into master keys and salts (RFC 5764 §4.2): "client_write_SRTP_master_key
 * [SRTPSecurityParams.master_key_len]; server_write_SRTP_master_key; client_write_SRTP_master_salt;
 * server_write_SRTP_master_salt".
 * @throws RangeError when `keyingMaterial` does not have the profile's length (a programmer error).
 */
export function splitSrtpKeyingMaterial(profile: SrtpProfileName, keyingMaterial: Buffer): SrtpKeys {
  const { keyLength: k, saltLength: s } = SRTP_PROFILES[profile];
  if (keyingMaterial.length !== 2 * (k + s)) {
    throw new RangeError(`${profile} needs ${2 * (k + s)} bytes of keying material, got ${keyingMaterial.length}`);
  }
  return {
    client: { key: keyingMaterial.subarray(0, k), salt: keyingMaterial.subarray(2 * k, 2 * k + s) },
    server: { key: keyingMaterial.subarray(k, 2 * k), salt: keyingMaterial.subarray(2 * k + s, 2 * k + 2 * s) },
  };
}

/** The profile with this wire id, if we know it. */
export function srtpProfileById(id: number): SrtpProfile | undefined {
  return Object.values(SRTP_PROFILES).find((p) => p.id === id);
}
