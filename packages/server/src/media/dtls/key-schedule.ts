/**
 * The TLS 1.2 key schedule over `node:crypto`: the PRF (RFC 5246 §5), the master secret (§8.1) or the
 * extended master secret (RFC 7627 §4), the key block (§6.3), Finished `verify_data` (§7.4.9) and the
 * keying material exporter (RFC 5705 §4) that DTLS-SRTP uses (RFC 5764 §4.2).
 */
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { GCM_FIXED_IV_LENGTH, MASTER_SECRET_LENGTH, VERIFY_DATA_LENGTH, type CipherSuite } from './constants.ts';

/** The PRF hash of a cipher suite. */
export type PrfHash = 'sha256' | 'sha384';

/**
 * `PRF(secret, label, seed) = P_<hash>(secret, label + seed)` (RFC 5246 §5), truncated to `length`:
 * `P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + …` with
 * `A(0) = seed` and `A(i) = HMAC_hash(secret, A(i-1))`.
 */
export function prf(hash: PrfHash, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  // One KeyObject for all the HMACs: createHmac with a Buffer key costs ~4× more in Node 24.
  const key = createSecretKey(secret);
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const blocks: Buffer[] = [];
  let total = 0;
  let a = labelSeed;
  while (total < length) {
    a = createHmac(hash, key).update(a).digest();
    const block = createHmac(hash, key).update(a).update(labelSeed).digest();
    blocks.push(block);
    total += block.length;
  }
  return Buffer.concat(blocks, total).subarray(0, length);
}

/** `master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]` (RFC 5246 §8.1). */
export function masterSecret(hash: PrfHash, preMaster: Buffer, clientRandom: Buffer, serverRandom: Buffer): Buffer {
  return prf(hash, preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), MASTER_SECRET_LENGTH);
}

/**
 * `master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]` (RFC 7627
 * §4), where `session_hash` hashes the handshake messages up to and including ClientKeyExchange.
 */
export function extendedMasterSecret(hash: PrfHash, preMaster: Buffer, sessionHash: Buffer): Buffer {
  return prf(hash, preMaster, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/** The AEAD write keys and implicit IVs of both sides (RFC 5246 §6.3; no MAC keys for GCM, RFC 5288 §3). */
export interface TrafficKeys {
  readonly clientKey: Buffer;
  readonly serverKey: Buffer;
  readonly clientIv: Buffer;
  readonly serverIv: Buffer;
}

/**
 * `key_block = PRF(SecurityParameters.master_secret, "key expansion", server_random + client_random)`,
 * partitioned as client_write_key, server_write_key, client_write_IV, server_write_IV (RFC 5246 §6.3).
 */
export function trafficKeys(suite: CipherSuite, master: Buffer, clientRandom: Buffer, serverRandom: Buffer): TrafficKeys {
  const k = suite.keyLength;
  const iv = GCM_FIXED_IV_LENGTH;
  const block = prf(suite.hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * k + 2 * iv);
  return {
    clientKey: block.subarray(0, k),
    serverKey: block.subarray(k, 2 * k),
    clientIv: block.subarray(2 * k, 2 * k + iv),
    serverIv: block.subarray(2 * k + iv, 2 * k + 2 * iv),
  };
}

/** The hash of the handshake transcript, each message in its unfragmented form (RFC 6347 §4.2.6). */
export function transcriptHash(hash: PrfHash, messages: readonly Buffer[]): Buffer {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return h.digest();
}

/**
 * `verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]` with
 * `finished_label` "client finished" or "server finished" (RFC 5246 §7.4.9).
 */
export function finishedVerifyData(hash: PrfHash, master: Buffer, who: 'client' | 'server', handshakeHash: Buffer): Buffer {
  return prf(hash, master, `${who} finished`, handshakeHash, VERIFY_DATA_LENGTH);
}

/**
 * RFC 5705 §4 without a context: `PRF(SecurityParameters.master_secret, label,
 * SecurityParameters.client_random + SecurityParameters.server_random)[length]`. DTLS-SRTP uses the
 * label "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2).
 */
export function exportKeyingMaterial(
  hash: PrfHash,
  master: Buffer,
  label: string,
  clientRandom: Buffer,
  serverRandom: Buffer,
  length: number,
): Buffer {
  return prf(hash, master, label, Buffer.concat([clientRandom, serverRandom]), length);
}

/** The exporter label of DTLS-SRTP (RFC 5764 §4.2). */
export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';
