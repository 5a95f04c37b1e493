/**
 * Bodies of the handshake messages a DTLS 1.2 server reads and writes (RFC 5246 §7.4, RFC 6347
 * §4.2.1, RFC 8422 §5, RFC 5764 §4.1.1). Parsers throw {@link DtlsAlertError}; encoders are total.
 */
import { ByteReader, DtlsAlertError, decodeError, readU16List, u16, u16Vector, vector } from './byte-reader.ts';
import {
  ALERT,
  COMPRESSION_NULL,
  CURVE_TYPE_NAMED,
  DTLS_1_0,
  DTLS_1_2,
  RANDOM_LENGTH,
  VERIFY_DATA_LENGTH,
} from './constants.ts';

/** A parsed ClientHello (RFC 6347 §4.2.1: the TLS one plus a cookie). */
export interface ClientHello {
  readonly clientVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly cookie: Buffer;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Buffer;
  /** Extension data by type, in no particular order. */
  readonly extensions: ReadonlyMap<number, Buffer>;
}

/**
 * Parses a ClientHello body:
 * `ProtocolVersion client_version; Random random; SessionID session_id; opaque cookie<0..2^8-1>;
 * CipherSuite cipher_suites<2..2^16-2>; CompressionMethod compression_methods<1..2^8-1>;
 * Extension extensions<0..2^16-1>` (the extensions block may be absent).
 */
export function parseClientHello(body: Buffer): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const clientVersion = r.u16();
  const random = r.bytes(RANDOM_LENGTH);
  const sessionId = r.vector8();
  if (sessionId.length > 32) throw decodeError('ClientHello session_id');
  const cookie = r.vector8();
  const cipherSuites = readU16List(r.vector16(2), 'ClientHello cipher_suites');
  const compressionMethods = r.vector8(1);
  const extensions = r.remaining === 0 ? new Map<number, Buffer>() : parseExtensions(r.vector16());
  r.end();
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

/**
 * `Extension extensions<0..2^16-1>` as a map. "There MUST NOT be more than one extension of the same
 * type" (RFC 5246 §7.4.1.4).
 */
export function parseExtensions(block: Buffer): Map<number, Buffer> {
  const r = new ByteReader(block, 'extensions');
  const out = new Map<number, Buffer>();
  while (r.remaining > 0) {
    const type = r.u16();
    const data = r.vector16();
    if (out.has(type)) throw new DtlsAlertError(ALERT.illegalParameter, `duplicate extension ${type}`);
    out.set(type, data);
  }
  return out;
}

/** `NamedGroup named_group_list<2..2^16-1>` (RFC 8422 §5.1.1). */
export function parseSupportedGroups(data: Buffer): number[] {
  const r = new ByteReader(data, 'supported_groups');
  const list = readU16List(r.vector16(2), 'supported_groups');
  r.end();
  return list;
}

/** `ECPointFormat ec_point_format_list<1..2^8-1>` (RFC 8422 §5.1.2). */
export function parsePointFormats(data: Buffer): Buffer {
  const r = new ByteReader(data, 'ec_point_formats');
  const list = r.vector8(1);
  r.end();
  return list;
}

/** `SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>` (RFC 5246 §7.4.1.4.1). */
export function parseSignatureAlgorithms(data: Buffer): number[] {
  const r = new ByteReader(data, 'signature_algorithms');
  const list = readU16List(r.vector16(2), 'signature_algorithms');
  r.end();
  return list;
}

/** The use_srtp extension (RFC 5764 §4.1.1). */
export interface UseSrtp {
  readonly profiles: readonly number[];
  readonly mki: Buffer;
}

/** `SRTPProtectionProfiles SRTPProtectionProfiles<2..2^16-1>; opaque srtp_mki<0..255>`. */
export function parseUseSrtp(data: Buffer): UseSrtp {
  const r = new ByteReader(data, 'use_srtp');
  const profiles = readU16List(r.vector16(2), 'use_srtp');
  const mki = r.vector8();
  r.end();
  return { profiles, mki };
}

/** use_srtp data naming one profile and no MKI: the server's answer (RFC 5764 §4.1.1). */
export function encodeUseSrtp(profile: number): Buffer {
  return Buffer.concat([u16Vector([profile]), vector(1, Buffer.alloc(0))]);
}

/** `HelloVerifyRequest { ProtocolVersion server_version; opaque cookie<0..2^8-1>; }` with DTLS 1.0 as RFC 6347 §4.2.1 advises. */
export function encodeHelloVerifyRequest(cookie: Buffer): Buffer {
  return Buffer.concat([u16(DTLS_1_0), vector(1, cookie)]);
}

/** ServerHello fields we choose. */
export interface ServerHelloFields {
  readonly random: Buffer;
  readonly cipherSuite: number;
  /** Extensions in order: `[type, data]`. */
  readonly extensions: readonly (readonly [number, Buffer])[];
}

/**
 * A DTLS 1.2 ServerHello with an empty session_id (the session cannot be resumed, RFC 5246 §7.4.1.3)
 * and the null compression method.
 */
export function encodeServerHello(f: ServerHelloFields): Buffer {
  const parts: Buffer[] = [u16(DTLS_1_2), f.random, vector(1, Buffer.alloc(0)), u16(f.cipherSuite), Buffer.from([COMPRESSION_NULL])];
  if (f.extensions.length > 0) {
    parts.push(vector(2, Buffer.concat(f.extensions.map(([type, data]) => Buffer.concat([u16(type), vector(2, data)])))));
  }
  return Buffer.concat(parts);
}

/** `ASN.1Cert certificate_list<0..2^24-1>` (RFC 5246 §7.4.2). */
export function encodeCertificate(chain: readonly Buffer[]): Buffer {
  return vector(3, Buffer.concat(chain.map((der) => vector(3, der))));
}

/** The DER certificates of a Certificate message, leaf first. */
export function parseCertificate(body: Buffer): Buffer[] {
  const r = new ByteReader(body, 'Certificate');
  const list = new ByteReader(r.vector24(), 'Certificate');
  r.end();
  const chain: Buffer[] = [];
  while (list.remaining > 0) chain.push(list.vector24(1));
  return chain;
}

/** `ServerECDHParams { ECParameters curve_params; ECPoint public; }` for a named curve (RFC 8422 §5.4). */
export function encodeEcdhParams(group: number, publicKey: Buffer): Buffer {
  return Buffer.concat([Buffer.from([CURVE_TYPE_NAMED]), u16(group), vector(1, publicKey)]);
}

/** `digitally-signed struct { … }`: `SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>` (RFC 5246 §4.7). */
export function encodeDigitallySigned(algorithm: number, signature: Buffer): Buffer {
  return Buffer.concat([u16(algorithm), vector(2, signature)]);
}

/** A parsed `digitally-signed` element. */
export interface DigitallySigned {
  readonly algorithm: number;
  readonly signature: Buffer;
}

/** CertificateVerify: one `digitally-signed` element over the handshake messages (RFC 5246 §7.4.8). */
export function parseCertificateVerify(body: Buffer): DigitallySigned {
  const r = new ByteReader(body, 'CertificateVerify');
  const algorithm = r.u16();
  const signature = r.vector16(1);
  r.end();
  return { algorithm, signature };
}

/**
 * CertificateRequest (RFC 5246 §7.4.4): `ClientCertificateType certificate_types<1..2^8-1>;
 * SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>; DistinguishedName
 * certificate_authorities<0..2^16-1>` with no authorities (WebRTC certificates are self-signed).
 */
export function encodeCertificateRequest(certificateTypes: readonly number[], signatureAlgorithms: readonly number[]): Buffer {
  return Buffer.concat([vector(1, Buffer.from(certificateTypes)), u16Vector(signatureAlgorithms), vector(2, Buffer.alloc(0))]);
}

/** ClientKeyExchange for ECDHE: `ClientECDiffieHellmanPublic { ECPoint ecdh_Yc<1..2^8-1>; }` (RFC 8422 §5.7). */
export function parseClientKeyExchange(body: Buffer): Buffer {
  const r = new ByteReader(body, 'ClientKeyExchange');
  const point = r.vector8(1);
  r.end();
  return point;
}

/** Finished: `opaque verify_data[verify_data_length]`, 12 bytes (RFC 5246 §7.4.9). */
export function parseFinished(body: Buffer): Buffer {
  if (body.length !== VERIFY_DATA_LENGTH) throw decodeError('Finished');
  return body;
}
