/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and key derivation rate 0, the
 * only rate DTLS-SRTP uses (RFC 5764 §4.1.2). Runs once per session key, so it may allocate.
 */
import { createCipheriv } from 'node:crypto';
import {
  HMAC_SHA1_KEY_LENGTH,
  LABEL_RTCP_AUTH,
  LABEL_RTCP_ENCRYPTION,
  LABEL_RTCP_SALT,
  LABEL_RTP_AUTH,
  LABEL_RTP_ENCRYPTION,
  LABEL_RTP_SALT,
} from './constants.ts';
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';

/** One direction's master key and master salt. Structurally the same as `media/dtls`'s `SrtpMasterKey`. */
export interface SrtpMasterSecret {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
}

/** The session keys of one direction (RFC 3711 §4.3.1, §4.3.2). Auth keys are empty for AEAD suites. */
export interface SrtpSessionKeys {
  readonly rtpEncryptionKey: Buffer;
  readonly rtpAuthKey: Buffer;
  readonly rtpSalt: Buffer;
  readonly rtcpEncryptionKey: Buffer;
  readonly rtcpAuthKey: Buffer;
  readonly rtcpSalt: Buffer;
}

/** The PRF's 112-bit input width (RFC 3711 §4.3.3: "x ... 112 bits"). */
const PRF_SALT_LENGTH = 14;

/**
 * PRF_n(k_master, x) of RFC 3711 §4.3.3 for `label` with r = 0: AES in counter mode over IV = x·2^16,
 * where x = (label ‖ r) ⊕ master_salt and key_id = label ‖ 48-bit r sits in the low 56 bits of the
 * 112-bit x (so the label XORs octet 7). A 96-bit GCM master salt is zero-padded on the right to
 * 112 bits (RFC 7714 §11; libsrtp and browsers do the same).
 * @throws RangeError for a key that is not 16 or 32 bytes or a salt longer than 14 bytes.
 */
export function aesCmPrf(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new RangeError(`SRTP master key must be 16 or 32 bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length > PRF_SALT_LENGTH) throw new RangeError(`SRTP master salt longer than 14 bytes`);
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  iv[7] = (iv[7] ?? 0) ^ label;
  const algorithm = masterKey.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr';
  const cipher = createCipheriv(algorithm, masterKey, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/**
 * The six session keys of one direction (RFC 3711 §4.3.1, labels 0–5) for `suite`.
 * @throws RangeError when the master key or salt length does not match the suite (a programmer error).
 */
export function deriveSrtpSessionKeys(suite: SrtpSuite, master: SrtpMasterSecret): SrtpSessionKeys {
  const p = SRTP_SUITES[suite];
  if (master.key.length !== p.keyLength || master.salt.length !== p.saltLength) {
    throw new RangeError(
      `${suite} needs a ${p.keyLength}-byte master key and ${p.saltLength}-byte salt, got ${master.key.length} and ${master.salt.length}`,
    );
  }
  const authLength = p.authKeyLength === 0 ? 0 : HMAC_SHA1_KEY_LENGTH;
  const derive = (label: number, length: number): Buffer =>
    length === 0 ? Buffer.alloc(0) : aesCmPrf(master.key, master.salt, label, length);
  return {
    rtpEncryptionKey: derive(LABEL_RTP_ENCRYPTION, p.keyLength),
    rtpAuthKey: derive(LABEL_RTP_AUTH, authLength),
    rtpSalt: derive(LABEL_RTP_SALT, p.saltLength),
    rtcpEncryptionKey: derive(LABEL_RTCP_ENCRYPTION, p.keyLength),
    rtcpAuthKey: derive(LABEL_RTCP_AUTH, authLength),
    rtcpSalt: derive(LABEL_RTCP_SALT, p.saltLength),
  };
}
