/**
 * Ephemeral ECDH over `node:crypto` for the groups we offer: X25519 (RFC 7748, RFC 8422 §5.11) and
 * secp256r1 with uncompressed points (RFC 8422 §5.4).
 */
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { GROUP_SECP256R1, GROUP_X25519 } from './constants.ts';

/** A group we do ECDHE with. */
export type EcdheGroup = typeof GROUP_X25519 | typeof GROUP_SECP256R1;

/** One ephemeral key pair. */
export interface EcdheKeyPair {
  readonly group: EcdheGroup;
  /** The public value as sent in `ECPoint`: 32 raw bytes for X25519, 65 bytes `04‖X‖Y` for P-256. */
  readonly publicKey: Buffer;
  /** The shared secret with `peer` (the premaster secret), or `undefined` for an invalid peer value. */
  deriveSecret(peer: Buffer): Buffer | undefined;
}

/** DER SubjectPublicKeyInfo prefix of an X25519 key (RFC 8410 §4): the raw key follows. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_KEY_LENGTH = 32;
const P256_POINT_LENGTH = 65;

/** True for the groups {@link generateEcdheKeyPair} supports. */
export function isEcdheGroup(group: number): group is EcdheGroup {
  return group === GROUP_X25519 || group === GROUP_SECP256R1;
}

/** A fresh ephemeral key pair in `group`. */
export function generateEcdheKeyPair(group: EcdheGroup): EcdheKeyPair {
  return group === GROUP_X25519 ? x25519() : p256();
}

function x25519(): EcdheKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  // JWK export is ~20× faster than DER in Node 24; `x` is the raw key, base64url (RFC 8037 §2).
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return {
    group: GROUP_X25519,
    publicKey: raw,
    deriveSecret(peer) {
      if (peer.length !== X25519_KEY_LENGTH) return undefined;
      try {
        const key = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peer]), format: 'der', type: 'spki' });
        const secret = diffieHellman({ privateKey, publicKey: key });
        // RFC 8422 §5.11: "MUST check whether the computed premaster secret is the all-zero value and abort".
        return secret.every((b) => b === 0) ? undefined : secret;
      } catch {
        return undefined;
      }
    },
  };
}

function p256(): EcdheKeyPair {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return {
    group: GROUP_SECP256R1,
    publicKey,
    deriveSecret(peer) {
      // RFC 8422 §5.1.2: only the uncompressed format; computeSecret validates the point is on the curve.
      if (peer.length !== P256_POINT_LENGTH || peer[0] !== 0x04) return undefined;
      try {
        return ecdh.computeSecret(peer);
      } catch {
        return undefined;
      }
    },
  };
}
