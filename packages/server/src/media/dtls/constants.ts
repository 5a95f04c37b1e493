/**
 * Wire constants of DTLS 1.2 (RFC 6347), TLS 1.2 (RFC 5246), ECC for TLS (RFC 8422), DTLS-SRTP
 * (RFC 5764) and the extended master secret (RFC 7627): every number the codecs and the server in
 * this folder depend on, with the section that defines it.
 */

/** DTLS 1.2 `ProtocolVersion` {254, 253} (RFC 6347 §4.1). */
export const DTLS_1_2 = 0xfefd;
/** DTLS 1.0 `ProtocolVersion` {254, 255}: clients may use it in ClientHello records (RFC 6347 §4.1). */
export const DTLS_1_0 = 0xfeff;

/** `DTLSPlaintext` header: type(1) version(2) epoch(2) sequence_number(6) length(2) (RFC 6347 §4.1). */
export const RECORD_HEADER_LENGTH = 13;
/** Handshake header: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) (RFC 6347 §4.2.2). */
export const HANDSHAKE_HEADER_LENGTH = 12;
/**
 * Longest record body accepted: the plaintext limit 2^14 (RFC 5246 §6.2.1) plus the 2048 bytes a
 * `TLSCiphertext` may add (§6.2.3).
 */
export const MAX_CIPHERTEXT_LENGTH = 16_384 + 2048;

/** `ContentType` values (RFC 5246 §6.2.1). */
export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;

/** `HandshakeType` (RFC 5246 §7.4, RFC 6347 §4.3.2 for hello_verify_request). */
export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_HELLO_VERIFY_REQUEST = 3;
export const HS_CERTIFICATE = 11;
export const HS_SERVER_KEY_EXCHANGE = 12;
export const HS_CERTIFICATE_REQUEST = 13;
export const HS_SERVER_HELLO_DONE = 14;
export const HS_CERTIFICATE_VERIFY = 15;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;

/** `AlertLevel` (RFC 5246 §7.2). */
export const ALERT_WARNING = 1;
export const ALERT_FATAL = 2;

/** `AlertDescription` values we send or name (RFC 5246 §7.2). */
export const ALERT = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateUnknown: 46,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  insufficientSecurity: 71,
  internalError: 80,
  userCanceled: 90,
  noRenegotiation: 100,
  unsupportedExtension: 110,
} as const;

/** An `AlertDescription` we know by name. */
export type AlertDescription = (typeof ALERT)[keyof typeof ALERT];

const ALERT_NAMES: ReadonlyMap<number, string> = new Map([
  ...Object.entries(ALERT).map(([name, code]): [number, string] => [code, name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]),
  [21, 'decryption_failed'],
  [22, 'record_overflow'],
  [30, 'decompression_failure'],
  [41, 'no_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [60, 'export_restriction'],
  [86, 'inappropriate_fallback'],
]);

/** `close_notify`, `handshake_failure`, … or `alert_<n>` for a code RFC 5246 does not name. */
export function alertName(description: number): string {
  return ALERT_NAMES.get(description) ?? `alert_${description}`;
}

/** `fatal alert handshake_failure (40)`: a received alert as text. */
export function describeAlert(level: number, description: number): string {
  return `${level === ALERT_FATAL ? 'fatal' : 'warning'} alert ${alertName(description)} (${description})`;
}

/** `ExtensionType` values (IANA TLS ExtensionType registry). */
export const EXT_SUPPORTED_GROUPS = 0x000a;
export const EXT_EC_POINT_FORMATS = 0x000b;
export const EXT_SIGNATURE_ALGORITHMS = 0x000d;
export const EXT_USE_SRTP = 0x000e;
export const EXT_EXTENDED_MASTER_SECRET = 0x0017;
export const EXT_RENEGOTIATION_INFO = 0xff01;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: equivalent to an empty renegotiation_info (RFC 5746 §3.3). */
export const SCSV_EMPTY_RENEGOTIATION_INFO = 0x00ff;

/** `ECPointFormat` uncompressed (RFC 8422 §5.1.2). */
export const POINT_FORMAT_UNCOMPRESSED = 0;
/** `ECCurveType` named_curve (RFC 8422 §5.4). */
export const CURVE_TYPE_NAMED = 3;
/** `CompressionMethod` null (RFC 5246 §7.4.1.2). */
export const COMPRESSION_NULL = 0;

/** `NamedGroup` values we do ECDHE with (RFC 8422 §5.1.1). */
export const GROUP_SECP256R1 = 23;
export const GROUP_X25519 = 29;

/** `SignatureScheme` / `SignatureAndHashAlgorithm` values (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3). */
export const SIG_ECDSA_SECP256R1_SHA256 = 0x0403;
export const SIG_RSA_PKCS1_SHA256 = 0x0401;
export const SIG_RSA_PSS_RSAE_SHA256 = 0x0804;

/** `ClientCertificateType` (RFC 5246 §7.4.4, RFC 8422 §5.5). */
export const CERT_TYPE_RSA_SIGN = 1;
export const CERT_TYPE_ECDSA_SIGN = 64;

/** `verify_data` length of every TLS 1.2 cipher suite (RFC 5246 §7.4.9). */
export const VERIFY_DATA_LENGTH = 12;
/** Master secret length (RFC 5246 §8.1). */
export const MASTER_SECRET_LENGTH = 48;
/** Random length (RFC 5246 §7.4.1.2). */
export const RANDOM_LENGTH = 32;

/** AES-GCM record protection (RFC 5288 §3): 4-byte implicit salt, 8-byte explicit nonce, 16-byte tag. */
export const GCM_FIXED_IV_LENGTH = 4;
export const GCM_EXPLICIT_NONCE_LENGTH = 8;
export const GCM_TAG_LENGTH = 16;

/** A cipher suite this server negotiates: ECDHE_ECDSA with AES-GCM (RFC 5289 §3.2). */
export interface CipherSuite {
  readonly id: number;
  readonly name: string;
  /** The PRF and Finished hash (RFC 5289 §3.2). */
  readonly hash: 'sha256' | 'sha384';
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm';
  readonly keyLength: 16 | 32;
}

/** Our cipher suites in server preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', hash: 'sha256', cipher: 'aes-128-gcm', keyLength: 16 },
  { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', hash: 'sha384', cipher: 'aes-256-gcm', keyLength: 32 },
];
