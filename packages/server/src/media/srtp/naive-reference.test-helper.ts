/**
 * A deliberately plain SRTP/SRTCP implementation for tests and `bench/srtp.ts`: a new
 * `createCipheriv` and `createHmac` for every packet, fresh Buffers everywhere, the packet index given
 * by the caller (no ROC estimation, no replay window). Written straight from RFC 3711 §3–4 and
 * RFC 7714 §8–9, independently of the fast path, so that the two can be compared byte for byte.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/** Session keys of one direction, as the naive functions take them. */
export interface NaiveKeys {
  readonly encryptionKey: Buffer;
  readonly salt: Buffer;
  /** HMAC-SHA1 key (AES-CM suites only). */
  readonly authKey: Buffer;
}

/** RFC 3711 §4.3.1 with kdr = 0: AES-CM over (salt ‖ 0x0000) with the label XORed into octet 7. */
export function naiveDerive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const x = Buffer.alloc(16);
  masterSalt.copy(x);
  x[7] = (x[7] ?? 0) ^ label;
  const c = createCipheriv(masterKey.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr', masterKey, x);
  return c.update(Buffer.alloc(length));
}

/** The SRTP (labels 0–2) or SRTCP (labels 3–5) session keys of a master key. */
export function naiveSessionKeys(masterKey: Buffer, masterSalt: Buffer, rtcp: boolean, gcm: boolean): NaiveKeys {
  const base = rtcp ? 3 : 0;
  return {
    encryptionKey: naiveDerive(masterKey, masterSalt, base, masterKey.length),
    authKey: gcm ? Buffer.alloc(0) : naiveDerive(masterKey, masterSalt, base + 1, 20),
    salt: naiveDerive(masterKey, masterSalt, base + 2, gcm ? 12 : 14),
  };
}

/** RTP header length (fixed part, CSRCs, extension). */
export function naiveHeaderLength(packet: Buffer): number {
  let n = 12 + 4 * ((packet[0] ?? 0) & 0x0f);
  if (((packet[0] ?? 0) & 0x10) !== 0) n += 4 + 4 * packet.readUInt16BE(n + 2);
  return n;
}

function cmIv(salt: Buffer, ssrc: number, index: number): Buffer {
  // IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16)   — RFC 3711 §4.1.1
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  const t = Buffer.alloc(16);
  t.writeUInt32BE(ssrc >>> 0, 4);
  t.writeUIntBE(index, 8, 6);
  for (let i = 0; i < 16; i++) iv[i] = (iv[i] ?? 0) ^ (t[i] ?? 0);
  return iv;
}

function gcmIv(salt: Buffer, ssrc: number, middle: number, low: number, rtcp: boolean): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc >>> 0, 2);
  if (rtcp) iv.writeUInt32BE(low, 8);
  else {
    iv.writeUInt32BE(middle >>> 0, 6);
    iv.writeUInt16BE(low, 10);
  }
  for (let i = 0; i < 12; i++) iv[i] = (iv[i] ?? 0) ^ (salt[i] ?? 0);
  return iv;
}

const aesCtr = (k: Buffer): string => (k.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr');
const aesGcm = (k: Buffer): 'aes-128-gcm' | 'aes-256-gcm' => (k.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm');

/** SRTP AES-CM + HMAC-SHA1 protect of `rtp` with packet index ROC·2^16 + SEQ. Returns a new Buffer. */
export function naiveProtectRtpCm(keys: NaiveKeys, rtp: Buffer, roc: number, tagLength: number): Buffer {
  const h = naiveHeaderLength(rtp);
  const index = roc * 0x10000 + rtp.readUInt16BE(2);
  const c = createCipheriv(aesCtr(keys.encryptionKey), keys.encryptionKey, cmIv(keys.salt, rtp.readUInt32BE(8), index));
  const body = Buffer.concat([rtp.subarray(0, h), c.update(rtp.subarray(h))]);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc >>> 0);
  const tag = createHmac('sha1', keys.authKey).update(body).update(rocBytes).digest().subarray(0, tagLength);
  return Buffer.concat([body, tag]);
}

/** SRTP AES-CM + HMAC-SHA1 unprotect; `undefined` when the tag does not match. */
export function naiveUnprotectRtpCm(keys: NaiveKeys, srtp: Buffer, roc: number, tagLength: number): Buffer | undefined {
  const body = srtp.subarray(0, srtp.length - tagLength);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc >>> 0);
  const tag = createHmac('sha1', keys.authKey).update(body).update(rocBytes).digest().subarray(0, tagLength);
  if (!timingSafeEqual(tag, srtp.subarray(srtp.length - tagLength))) return undefined;
  const h = naiveHeaderLength(body);
  const index = roc * 0x10000 + body.readUInt16BE(2);
  const c = createCipheriv(aesCtr(keys.encryptionKey), keys.encryptionKey, cmIv(keys.salt, body.readUInt32BE(8), index));
  return Buffer.concat([body.subarray(0, h), c.update(body.subarray(h))]);
}

/** SRTP AEAD_AES_*_GCM protect (RFC 7714 §8). */
export function naiveProtectRtpGcm(keys: NaiveKeys, rtp: Buffer, roc: number): Buffer {
  const h = naiveHeaderLength(rtp);
  const iv = gcmIv(keys.salt, rtp.readUInt32BE(8), roc, rtp.readUInt16BE(2), false);
  const c = createCipheriv(aesGcm(keys.encryptionKey), keys.encryptionKey, iv);
  c.setAAD(rtp.subarray(0, h));
  const body = Buffer.concat([c.update(rtp.subarray(h)), c.final()]);
  return Buffer.concat([rtp.subarray(0, h), body, c.getAuthTag()]);
}

/** SRTP AEAD_AES_*_GCM unprotect; `undefined` when authentication fails. */
export function naiveUnprotectRtpGcm(keys: NaiveKeys, srtp: Buffer, roc: number): Buffer | undefined {
  const h = naiveHeaderLength(srtp);
  const iv = gcmIv(keys.salt, srtp.readUInt32BE(8), roc, srtp.readUInt16BE(2), false);
  try {
    const d = createDecipheriv(aesGcm(keys.encryptionKey), keys.encryptionKey, iv);
    d.setAAD(srtp.subarray(0, h));
    d.setAuthTag(srtp.subarray(srtp.length - 16));
    const body = Buffer.concat([d.update(srtp.subarray(h, srtp.length - 16)), d.final()]);
    return Buffer.concat([srtp.subarray(0, h), body]);
  } catch {
    return undefined;
  }
}

/** SRTCP AES-CM + HMAC-SHA1 protect with SRTCP `index`, encrypted (E = 1) or not (RFC 3711 §3.4). */
export function naiveProtectRtcpCm(keys: NaiveKeys, rtcp: Buffer, index: number, encrypt: boolean): Buffer {
  let body = rtcp;
  if (encrypt) {
    const c = createCipheriv(aesCtr(keys.encryptionKey), keys.encryptionKey, cmIv(keys.salt, rtcp.readUInt32BE(4), index));
    body = Buffer.concat([rtcp.subarray(0, 8), c.update(rtcp.subarray(8))]);
  }
  const word = Buffer.alloc(4);
  word.writeUInt32BE(((encrypt ? 0x80000000 : 0) | index) >>> 0);
  const authed = Buffer.concat([body, word]);
  return Buffer.concat([authed, createHmac('sha1', keys.authKey).update(authed).digest().subarray(0, 10)]);
}

/** SRTCP AEAD_AES_*_GCM protect (RFC 7714 §9): header, ciphertext, tag, E‖index. */
export function naiveProtectRtcpGcm(keys: NaiveKeys, rtcp: Buffer, index: number, encrypt: boolean): Buffer {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(((encrypt ? 0x80000000 : 0) | index) >>> 0);
  const c = createCipheriv(aesGcm(keys.encryptionKey), keys.encryptionKey, gcmIv(keys.salt, rtcp.readUInt32BE(4), 0, index, true));
  if (encrypt) {
    c.setAAD(Buffer.concat([rtcp.subarray(0, 8), word]));
    const body = Buffer.concat([c.update(rtcp.subarray(8)), c.final()]);
    return Buffer.concat([rtcp.subarray(0, 8), body, c.getAuthTag(), word]);
  }
  c.setAAD(Buffer.concat([rtcp, word]));
  c.final();
  return Buffer.concat([rtcp, c.getAuthTag(), word]);
}
