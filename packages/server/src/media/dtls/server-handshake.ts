/**
 * The cryptographic half of one server handshake (RFC 5246 §7.3, RFC 6347 §4.2): negotiation from a
 * cookie-verified ClientHello, the server's flight, and the checks of the client's Certificate,
 * ClientKeyExchange, CertificateVerify and Finished. No I/O, no timers, no records: `DtlsServer`
 * frames and retransmits what this produces. Every failure throws {@link DtlsAlertError}.
 */
import { X509Certificate, constants, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { DtlsAlertError } from './byte-reader.ts';
import { certificateFingerprint, fingerprintMatches, type DtlsCertificate, type ParsedFingerprint } from './certificate.ts';
import {
  ALERT,
  CERT_TYPE_ECDSA_SIGN,
  CERT_TYPE_RSA_SIGN,
  CIPHER_SUITES,
  COMPRESSION_NULL,
  DTLS_1_2,
  EXT_EC_POINT_FORMATS,
  EXT_EXTENDED_MASTER_SECRET,
  EXT_RENEGOTIATION_INFO,
  EXT_SIGNATURE_ALGORITHMS,
  EXT_SUPPORTED_GROUPS,
  EXT_USE_SRTP,
  GROUP_SECP256R1,
  GROUP_X25519,
  HS_CERTIFICATE,
  HS_CERTIFICATE_REQUEST,
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  HS_SERVER_KEY_EXCHANGE,
  POINT_FORMAT_UNCOMPRESSED,
  RANDOM_LENGTH,
  SCSV_EMPTY_RENEGOTIATION_INFO,
  SIG_ECDSA_SECP256R1_SHA256,
  SIG_RSA_PKCS1_SHA256,
  SIG_RSA_PSS_RSAE_SHA256,
  type CipherSuite,
} from './constants.ts';
import { generateEcdheKeyPair, isEcdheGroup, type EcdheGroup, type EcdheKeyPair } from './ecdhe.ts';
import type { FlightItem } from './flight.ts';
import { encodeHandshakeMessage, type HandshakeMessage } from './handshake-codec.ts';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeDigitallySigned,
  encodeEcdhParams,
  encodeServerHello,
  encodeUseSrtp,
  parseCertificate,
  parseCertificateVerify,
  parseClientKeyExchange,
  parseFinished,
  parsePointFormats,
  parseSignatureAlgorithms,
  parseSupportedGroups,
  parseUseSrtp,
  type ClientHello,
} from './handshake-messages.ts';
import {
  exportKeyingMaterial,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  trafficKeys,
  transcriptHash,
  type TrafficKeys,
} from './key-schedule.ts';
import { SRTP_PROFILES, type SrtpProfileName } from './srtp-profiles.ts';

/** What the server is willing to do. */
export interface HandshakeConfig {
  readonly certificate: DtlsCertificate;
  /** Protection profiles in preference order. */
  readonly srtpProfiles: readonly SrtpProfileName[];
  /** Fingerprints from the remote SDP; the client's certificate must match one. */
  readonly expectedFingerprints: readonly ParsedFingerprint[];
  /** The raw `a=fingerprint` values, for the failure message. */
  readonly expectedFingerprintText: string;
}

/** What was agreed from the ClientHello. */
export interface Negotiated {
  readonly suite: CipherSuite;
  readonly group: EcdheGroup;
  readonly srtpProfile: SrtpProfileName;
  readonly extendedMasterSecret: boolean;
}

/** The messages the client sends in flight 5, in order (RFC 5246 §7.3). */
export type ClientStep = 'certificate' | 'client-key-exchange' | 'certificate-verify' | 'finished' | 'done';

/** What receiving one client message produced. */
export type StepResult =
  | { readonly kind: 'continue' }
  /** ClientKeyExchange processed: the epoch-1 keys exist. */
  | { readonly kind: 'keys'; readonly keys: TrafficKeys }
  /** Finished verified: the server's Finished body. */
  | { readonly kind: 'finished'; readonly verifyData: Buffer };

/** Our groups in preference order (RFC 8422 §5.1.1; X25519 is the cheapest). */
const GROUP_PREFERENCE: readonly EcdheGroup[] = [GROUP_X25519, GROUP_SECP256R1];
/** Client signature schemes we verify, in the order we list them in CertificateRequest. */
const CLIENT_SIGNATURE_ALGORITHMS: readonly number[] = [SIG_ECDSA_SECP256R1_SHA256, SIG_RSA_PSS_RSAE_SHA256, SIG_RSA_PKCS1_SHA256];

function fail(alert: (typeof ALERT)[keyof typeof ALERT], message: string): never {
  throw new DtlsAlertError(alert, message);
}

/** Picks cipher suite, group, SRTP profile and extensions, or throws the alert RFC 5246 §7.4.1.3 calls for. */
export function negotiate(hello: ClientHello, srtpProfiles: readonly SrtpProfileName[]): Negotiated {
  // DTLS versions count down: 0xFEFD (1.2) < 0xFEFF (1.0). A 1.3 client also sends 0xFEFD here.
  if (hello.clientVersion > DTLS_1_2) fail(ALERT.protocolVersion, `client offers only ${hello.clientVersion.toString(16)}, not DTLS 1.2`);
  if (!hello.compressionMethods.includes(COMPRESSION_NULL)) fail(ALERT.illegalParameter, 'client does not offer null compression');
  const suite = CIPHER_SUITES.find((s) => hello.cipherSuites.includes(s.id));
  if (suite === undefined) fail(ALERT.handshakeFailure, 'no common cipher suite (need TLS_ECDHE_ECDSA_WITH_AES_*_GCM_SHA*)');

  const groupsData = hello.extensions.get(EXT_SUPPORTED_GROUPS);
  const offered = groupsData === undefined ? [GROUP_SECP256R1] : parseSupportedGroups(groupsData);
  const group = GROUP_PREFERENCE.find((g) => offered.includes(g));
  if (group === undefined || !isEcdheGroup(group)) fail(ALERT.handshakeFailure, 'no common ECDHE group (need x25519 or secp256r1)');
  // RFC 8422 §5.1: the list also bounds the curves of ECDSA signatures the client accepts, and our
  // certificate is P-256 (a client offering only x25519 rejects it with illegal_parameter).
  if (!offered.includes(GROUP_SECP256R1)) fail(ALERT.handshakeFailure, 'client does not accept secp256r1, the curve of our ECDSA certificate');

  const formats = hello.extensions.get(EXT_EC_POINT_FORMATS);
  if (formats !== undefined && !parsePointFormats(formats).includes(POINT_FORMAT_UNCOMPRESSED)) {
    fail(ALERT.illegalParameter, 'client does not accept uncompressed points');
  }

  const sigAlgs = hello.extensions.get(EXT_SIGNATURE_ALGORITHMS);
  if (sigAlgs === undefined || !parseSignatureAlgorithms(sigAlgs).includes(SIG_ECDSA_SECP256R1_SHA256)) {
    fail(ALERT.handshakeFailure, 'client does not accept ecdsa_secp256r1_sha256 signatures');
  }

  const srtpData = hello.extensions.get(EXT_USE_SRTP);
  if (srtpData === undefined) fail(ALERT.handshakeFailure, 'client did not offer use_srtp');
  const useSrtp = parseUseSrtp(srtpData);
  const srtpProfile = srtpProfiles.find((name) => useSrtp.profiles.includes(SRTP_PROFILES[name].id));
  if (srtpProfile === undefined) fail(ALERT.handshakeFailure, 'no common SRTP protection profile');

  // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty.
  const reneg = hello.extensions.get(EXT_RENEGOTIATION_INFO);
  if (reneg !== undefined && !(reneg.length === 1 && reneg[0] === 0)) fail(ALERT.handshakeFailure, 'non-empty renegotiation_info');

  const ems = hello.extensions.get(EXT_EXTENDED_MASTER_SECRET);
  if (ems !== undefined && ems.length !== 0) fail(ALERT.decodeError, 'extended_master_secret with data');
  return { suite, group, srtpProfile, extendedMasterSecret: ems !== undefined };
}

/**
 * One handshake after the cookie exchange. Keeps the transcript (RFC 6347 §4.2.6: the second
 * ClientHello onward, each message unfragmented) and the secrets.
 */
export class ServerHandshake {
  readonly negotiated: Negotiated;
  readonly clientRandom: Buffer;
  readonly serverRandom: Buffer = randomBytes(RANDOM_LENGTH);
  readonly #config: HandshakeConfig;
  readonly #hello: ClientHello;
  readonly #transcript: Buffer[] = [];
  readonly #ecdhe: EcdheKeyPair;
  #step: ClientStep = 'certificate';
  #clientKey: KeyObject | undefined;
  #clientCertificate: Buffer | undefined;
  #master: Buffer | undefined;

  /** @param helloMessage the ClientHello as a whole handshake message (header + body), for the transcript. */
  constructor(config: HandshakeConfig, hello: ClientHello, helloMessage: Buffer) {
    this.#config = config;
    this.#hello = hello;
    this.negotiated = negotiate(hello, config.srtpProfiles);
    this.clientRandom = hello.random;
    this.#ecdhe = generateEcdheKeyPair(this.negotiated.group);
    this.#transcript.push(helloMessage);
  }

  /** The next client message expected. */
  get step(): ClientStep {
    return this.#step;
  }

  /** The client's leaf certificate (DER), once received. */
  get clientCertificate(): Buffer | undefined {
    return this.#clientCertificate;
  }

  /**
   * Flight 4 (RFC 6347 §4.2.4): ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
   * ServerHelloDone with `message_seq` from `firstSeq`. Call once.
   */
  serverFlight(firstSeq: number): FlightItem[] {
    const n = this.negotiated;
    const clientExt = this.#hello.extensions;
    const extensions: [number, Buffer][] = [];
    if (clientExt.has(EXT_RENEGOTIATION_INFO) || this.#hello.cipherSuites.includes(SCSV_EMPTY_RENEGOTIATION_INFO)) {
      extensions.push([EXT_RENEGOTIATION_INFO, Buffer.from([0])]);
    }
    if (n.extendedMasterSecret) extensions.push([EXT_EXTENDED_MASTER_SECRET, Buffer.alloc(0)]);
    if (clientExt.has(EXT_EC_POINT_FORMATS)) extensions.push([EXT_EC_POINT_FORMATS, Buffer.from([1, POINT_FORMAT_UNCOMPRESSED])]);
    extensions.push([EXT_USE_SRTP, encodeUseSrtp(SRTP_PROFILES[n.srtpProfile].id)]);

    // RFC 8422 §5.4: the signature covers ClientHello.random + ServerHello.random + ServerECDHParams.
    const params = encodeEcdhParams(n.group, this.#ecdhe.publicKey);
    const signature = sign('sha256', Buffer.concat([this.clientRandom, this.serverRandom, params]), this.#config.certificate.privateKey);
    const bodies: [number, Buffer][] = [
      [HS_SERVER_HELLO, encodeServerHello({ random: this.serverRandom, cipherSuite: n.suite.id, extensions })],
      [HS_CERTIFICATE, encodeCertificate([this.#config.certificate.certDer])],
      [HS_SERVER_KEY_EXCHANGE, Buffer.concat([params, encodeDigitallySigned(SIG_ECDSA_SECP256R1_SHA256, signature)])],
      // WebRTC authenticates both ends by certificate fingerprint (RFC 8827 §6.5), so we ask for one.
      [HS_CERTIFICATE_REQUEST, encodeCertificateRequest([CERT_TYPE_ECDSA_SIGN, CERT_TYPE_RSA_SIGN], CLIENT_SIGNATURE_ALGORITHMS)],
      [HS_SERVER_HELLO_DONE, Buffer.alloc(0)],
    ];
    return bodies.map(([msgType, body], i) => {
      const messageSeq = firstSeq + i;
      this.#transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
      return { kind: 'handshake', epoch: 0, msgType, messageSeq, body };
    });
  }

  /** Processes the next client message of flight 5. Its order and epoch were checked by the caller. */
  receive(m: HandshakeMessage): StepResult {
    const expected = STEP_MESSAGE[this.#step];
    if (m.msgType !== expected) fail(ALERT.unexpectedMessage, `expected handshake message ${expected}, got ${m.msgType}`);
    if ((m.msgType === HS_FINISHED) !== (m.epoch === 1)) fail(ALERT.unexpectedMessage, `handshake message ${m.msgType} in epoch ${m.epoch}`);
    const encoded = encodeHandshakeMessage(m.msgType, m.messageSeq, m.body);
    switch (this.#step) {
      case 'certificate':
        this.#receiveCertificate(m.body);
        this.#transcript.push(encoded);
        this.#step = 'client-key-exchange';
        return { kind: 'continue' };
      case 'client-key-exchange': {
        this.#transcript.push(encoded);
        const keys = this.#receiveKeyExchange(m.body);
        this.#step = 'certificate-verify';
        return { kind: 'keys', keys };
      }
      case 'certificate-verify':
        this.#receiveCertificateVerify(m.body);
        this.#transcript.push(encoded);
        this.#step = 'finished';
        return { kind: 'continue' };
      case 'finished': {
        const hash = this.negotiated.suite.hash;
        const master = this.#requireMaster();
        const expectedData = finishedVerifyData(hash, master, 'client', transcriptHash(hash, this.#transcript));
        if (!timingSafeEqual(parseFinished(m.body), expectedData)) fail(ALERT.decryptError, 'client Finished verify_data is wrong');
        this.#transcript.push(encoded);
        this.#step = 'done';
        return { kind: 'finished', verifyData: finishedVerifyData(hash, master, 'server', transcriptHash(hash, this.#transcript)) };
      }
      case 'done':
        return fail(ALERT.unexpectedMessage, 'handshake already finished');
    }
  }

  /** RFC 5705 keying material; valid once the client's Finished verified. */
  exportKeyingMaterial(label: string, length: number): Buffer {
    return exportKeyingMaterial(this.negotiated.suite.hash, this.#requireMaster(), label, this.clientRandom, this.serverRandom, length);
  }

  #requireMaster(): Buffer {
    return this.#master ?? fail(ALERT.internalError, 'no master secret yet');
  }

  #receiveCertificate(body: Buffer): void {
    const chain = parseCertificate(body);
    const leaf = chain[0];
    // RFC 5246 §7.4.6: a client without a certificate sends an empty list; WebRTC requires one.
    if (leaf === undefined) fail(ALERT.handshakeFailure, 'client sent no certificate');
    let key: KeyObject;
    try {
      key = new X509Certificate(leaf).publicKey;
    } catch {
      return fail(ALERT.badCertificate, 'client certificate or its public key cannot be decoded');
    }
    const type = key.asymmetricKeyType;
    if (type !== 'ec' && type !== 'rsa') fail(ALERT.unsupportedCertificate, `client certificate key type ${String(type)}`);
    if (this.#config.expectedFingerprints.length === 0) {
      fail(ALERT.badCertificate, `no usable SDP fingerprint in ${this.#config.expectedFingerprintText} (need sha-1/224/256/384/512)`);
    }
    if (!this.#config.expectedFingerprints.some((fp) => fingerprintMatches(leaf, fp))) {
      fail(
        ALERT.badCertificate,
        `remote certificate fingerprint ${certificateFingerprint(leaf)} does not match the SDP fingerprint ${this.#config.expectedFingerprintText}`,
      );
    }
    this.#clientKey = key;
    this.#clientCertificate = Buffer.from(leaf);
  }

  #receiveKeyExchange(body: Buffer): TrafficKeys {
    const pms = this.#ecdhe.deriveSecret(parseClientKeyExchange(body));
    if (pms === undefined) fail(ALERT.illegalParameter, 'invalid ECDHE public value from client');
    const { suite, extendedMasterSecret: ems } = this.negotiated;
    // RFC 7627 §4: session_hash covers the messages up to and including ClientKeyExchange.
    this.#master = ems
      ? extendedMasterSecret(suite.hash, pms, transcriptHash(suite.hash, this.#transcript))
      : masterSecret(suite.hash, pms, this.clientRandom, this.serverRandom);
    return trafficKeys(suite, this.#master, this.clientRandom, this.serverRandom);
  }

  /** RFC 5246 §7.4.8: a signature over `handshake_messages`, every message up to but excluding this one. */
  #receiveCertificateVerify(body: Buffer): void {
    const { algorithm, signature } = parseCertificateVerify(body);
    if (!CLIENT_SIGNATURE_ALGORITHMS.includes(algorithm)) fail(ALERT.illegalParameter, `CertificateVerify with unrequested scheme ${algorithm}`);
    const key = this.#clientKey ?? fail(ALERT.internalError, 'no client key');
    const wantEc = algorithm === SIG_ECDSA_SECP256R1_SHA256;
    if ((key.asymmetricKeyType === 'ec') !== wantEc) fail(ALERT.illegalParameter, 'CertificateVerify scheme does not fit the certificate key');
    const data = Buffer.concat(this.#transcript);
    let ok: boolean;
    try {
      if (wantEc) ok = verify('sha256', data, key, signature);
      else if (algorithm === SIG_RSA_PKCS1_SHA256) ok = verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      else ok = verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    } catch {
      ok = false;
    }
    if (!ok) fail(ALERT.decryptError, 'client CertificateVerify signature does not verify');
  }
}

const STEP_MESSAGE: Readonly<Record<ClientStep, number>> = {
  certificate: HS_CERTIFICATE,
  'client-key-exchange': HS_CLIENT_KEY_EXCHANGE,
  'certificate-verify': HS_CERTIFICATE_VERIFY,
  finished: HS_FINISHED,
  done: -1,
};
