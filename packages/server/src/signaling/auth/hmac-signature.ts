import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacAlgorithm } from './defaults.ts';

const DIGEST: Readonly<Record<HmacAlgorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * True when `signature` is the HMAC of `signingInput` under `secret` (UTF-8, as twilio-node signs).
 * The comparison is constant-time; only the length, which the algorithm fixes, is compared early.
 * An empty secret never matches, so an account without an auth token cannot be impersonated.
 */
export function hmacSignatureMatches(
  algorithm: HmacAlgorithm,
  secret: string,
  signingInput: string,
  signature: Uint8Array,
): boolean {
  if (secret === '') return false;
  const expected = createHmac(DIGEST[algorithm], secret).update(signingInput, 'utf8').digest();
  return signature.length === expected.length && timingSafeEqual(expected, signature);
}
