/**
 * The DTLS certificate and fingerprints (RFC 8122 §5, RFC 8827 §6.5). WebRTC certificates are
 * self-signed and authenticated only by the fingerprint carried in SDP, so one ECDSA P-256
 * certificate per process serves every session.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, createHash, randomBytes, timingSafeEqual, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(globalThis.crypto);

/** Our certificate, its key and its SDP fingerprint. */
export interface DtlsCertificate {
  /** The DER certificate sent in the Certificate message. */
  readonly certDer: Buffer;
  /** The ECDSA P-256 private key that signs ServerKeyExchange. */
  readonly privateKey: KeyObject;
  /** `sha-256 AB:CD:…`, the value of `a=fingerprint:` in our SDP. */
  readonly fingerprint: string;
}

/** Options of {@link createDtlsCertificate}. */
export interface DtlsCertificateOptions {
  /** Unix ms used for `notBefore` (minus a day) and `notAfter`; defaults to `Date.now()`. */
  readonly now?: number;
  /** Subject common name; `WebRTC` by default, as browsers name theirs. */
  readonly commonName?: string;
  /** Validity in days; 365 by default (browsers do not check it, RFC 8827 §6.5). */
  readonly validityDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * A new self-signed ECDSA P-256 / SHA-256 certificate. Generate one per process and share it between
 * sessions: key generation is the slow part (a few ms) and the fingerprint is stable for the process.
 */
export async function createDtlsCertificate(options: DtlsCertificateOptions = {}): Promise<DtlsCertificate> {
  const now = options.now ?? Date.now();
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10; // positive and minimally encoded
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [options.commonName ?? 'WebRTC'] }],
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + (options.validityDays ?? 365) * DAY_MS),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
  });
  const certDer = Buffer.from(cert.rawData);
  return { certDer, privateKey: KeyObject.from(keys.privateKey), fingerprint: certificateFingerprint(certDer) };
}

/** Hash functions of `a=fingerprint` (RFC 8122 §5) mapped to `node:crypto` names. */
const HASHES: Readonly<Record<string, string>> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** `<hash-func> <HEX:HEX:…>` of a DER certificate, uppercase hex as browsers write it; SHA-256 by default. */
export function certificateFingerprint(der: Buffer, hashFunction = 'sha-256'): string {
  const hash = HASHES[hashFunction];
  if (hash === undefined) throw new RangeError(`unsupported fingerprint hash ${hashFunction}`);
  const hex = createHash(hash).update(der).digest('hex').toUpperCase();
  return `${hashFunction} ${hex.replace(/(..)(?!$)/g, '$1:')}`;
}

/** A parsed `a=fingerprint` value. */
export interface ParsedFingerprint {
  /** Lowercase hash function name, e.g. `sha-256`. */
  readonly hashFunction: string;
  readonly digest: Buffer;
}

/**
 * Parses `sha-256 AB:CD:…` (hash function case-insensitive, hex in either case, RFC 8122 §5). Returns
 * `undefined` for an unknown hash function or malformed hex.
 */
export function parseFingerprint(value: string): ParsedFingerprint | undefined {
  const m = /^\s*(\S+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)\s*$/.exec(value);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  const hashFunction = m[1].toLowerCase();
  if (HASHES[hashFunction] === undefined) return undefined;
  return { hashFunction, digest: Buffer.from(m[2].replaceAll(':', ''), 'hex') };
}

/** True when `der` hashes to `expected` (a parsed fingerprint) under its hash function. */
export function fingerprintMatches(der: Buffer, expected: ParsedFingerprint): boolean {
  const hash = HASHES[expected.hashFunction];
  if (hash === undefined) return false;
  const actual = createHash(hash).update(der).digest();
  return actual.length === expected.digest.length && timingSafeEqual(actual, expected.digest);
}
