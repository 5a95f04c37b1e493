/**
 * A minimal in-process DTLS 1.2 client, for tests and benchmarks only (not exported from `index.ts`):
 * drives `DtlsServer` deterministically (no timers: the test calls {@link DtlsTestClient.retransmit})
 * and lets tests count server-side CPU. It shares this folder's codecs, so interop with OpenSSL, not
 * this client, is the oracle of correctness.
 *
 * @internal
 */
import { X509Certificate, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { ByteReader, u16, u16Vector, vector } from './byte-reader.ts';
import type { DtlsCertificate } from './certificate.ts';
import {
  CIPHER_SUITES,
  CONTENT_ALERT,
  CONTENT_HANDSHAKE,
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
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_HELLO_VERIFY_REQUEST,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  HS_SERVER_KEY_EXCHANGE,
  RANDOM_LENGTH,
  SIG_ECDSA_SECP256R1_SHA256,
  type CipherSuite,
} from './constants.ts';
import { generateEcdheKeyPair, isEcdheGroup } from './ecdhe.ts';
import { encodeFlight, type FlightItem } from './flight.ts';
import { HandshakeReassembler, encodeHandshakeMessage, parseHandshakeFragments, type HandshakeMessage } from './handshake-codec.ts';
import { encodeCertificate, parseCertificate, parseExtensions, parseUseSrtp } from './handshake-messages.ts';
import {
  DTLS_SRTP_EXPORTER_LABEL,
  exportKeyingMaterial,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  trafficKeys,
  transcriptHash,
} from './key-schedule.ts';
import { GcmRecordCipher, encodeRecord, parseRecords, type DtlsRecord } from './record-layer.ts';

/** Options of {@link DtlsTestClient}. */
export interface TestClientOptions {
  readonly certificate: DtlsCertificate;
  readonly send: (datagram: Buffer) => void;
  readonly groups?: readonly number[];
  readonly cipherSuites?: readonly number[];
  readonly srtpProfiles?: readonly number[];
  readonly extendedMasterSecret?: boolean;
  readonly mtu?: number;
}

/** What a finished handshake gives the client. */
export interface TestClientResult {
  readonly srtpProfile: number;
  readonly keyingMaterial: (length: number) => Buffer;
  readonly serverCertificate: Buffer;
}

/** The DTLS client side of one handshake. */
export class DtlsTestClient {
  readonly #o: TestClientOptions;
  readonly #random = randomBytes(RANDOM_LENGTH);
  #reassembler = new HandshakeReassembler(0);
  #writeSeq = [0, 0];
  #transcript: Buffer[] = [];
  #lastFlight: FlightItem[] = [];
  #serverRandom = Buffer.alloc(0);
  #suite: CipherSuite | undefined;
  #srtpProfile = 0;
  #ems = false;
  #serverKey: KeyObject | undefined;
  #serverCert = Buffer.alloc(0);
  #serverPoint = Buffer.alloc(0);
  #group = 0;
  #helloSeq = 0;
  #master: Buffer | undefined;
  #read: GcmRecordCipher | undefined;
  #write: GcmRecordCipher | undefined;
  /** Every datagram sent, for replay and mutation tests. */
  readonly sent: Buffer[] = [];
  /** `[level, description]` of alerts received. */
  readonly alerts: [number, number][] = [];
  result: TestClientResult | undefined;
  failure: string | undefined;

  constructor(options: TestClientOptions) {
    this.#o = options;
  }

  /** Sends the first ClientHello (no cookie). */
  start(): void {
    this.#sendFlight([{ kind: 'handshake', epoch: 0, msgType: HS_CLIENT_HELLO, messageSeq: 0, body: this.#helloBody(Buffer.alloc(0)) }]);
  }

  /** Sends the last flight again, with new record sequence numbers. */
  retransmit(): void {
    this.#sendFlight(this.#lastFlight);
  }

  handleDatagram(datagram: Buffer): void {
    for (const r of parseRecords(datagram).records) this.#receiveRecord(r);
  }

  #receiveRecord(r: DtlsRecord): void {
    let data: Buffer | undefined = r.fragment;
    if (r.epoch === 1) data = this.#read?.open(r);
    if (data === undefined) return;
    if (r.type === CONTENT_ALERT && data.length === 2) {
      this.alerts.push([data[0] ?? 0, data[1] ?? 0]);
      if (data[0] === 2) this.failure = `fatal alert ${data[1] ?? 0}`;
      return;
    }
    if (r.type !== CONTENT_HANDSHAKE) return;
    for (const f of parseHandshakeFragments(data).fragments) this.#reassembler.add(f, r.epoch);
    for (let m = this.#reassembler.take(); m !== undefined; m = this.#reassembler.take()) this.#receiveMessage(m);
  }

  #receiveMessage(m: HandshakeMessage): void {
    const encoded = encodeHandshakeMessage(m.msgType, m.messageSeq, m.body);
    switch (m.msgType) {
      case HS_HELLO_VERIFY_REQUEST: {
        const r = new ByteReader(m.body, 'HelloVerifyRequest');
        r.u16();
        this.#helloSeq = m.messageSeq + 1;
        const body = this.#helloBody(r.vector8());
        this.#transcript = [encodeHandshakeMessage(HS_CLIENT_HELLO, this.#helloSeq, body)];
        this.#sendFlight([{ kind: 'handshake', epoch: 0, msgType: HS_CLIENT_HELLO, messageSeq: this.#helloSeq, body }]);
        return;
      }
      case HS_SERVER_HELLO:
        this.#serverHello(m.body);
        break;
      case HS_CERTIFICATE: {
        const leaf = parseCertificate(m.body)[0] ?? Buffer.alloc(0);
        this.#serverCert = Buffer.from(leaf);
        this.#serverKey = new X509Certificate(leaf).publicKey;
        break;
      }
      case HS_SERVER_KEY_EXCHANGE:
        this.#serverKeyExchange(m.body);
        break;
      case HS_SERVER_HELLO_DONE:
        this.#transcript.push(encoded);
        this.#clientFlight(this.#helloSeq + 1);
        return;
      case HS_FINISHED:
        this.#serverFinished(m.body);
        return;
      default:
        break;
    }
    this.#transcript.push(encoded);
  }

  #helloBody(cookie: Buffer): Buffer {
    const ext = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), vector(2, data)]);
    const extensions = [
      ext(EXT_SUPPORTED_GROUPS, u16Vector(this.#o.groups ?? [GROUP_X25519, GROUP_SECP256R1])),
      ext(EXT_EC_POINT_FORMATS, Buffer.from([1, 0])),
      ext(EXT_SIGNATURE_ALGORITHMS, u16Vector([SIG_ECDSA_SECP256R1_SHA256])),
      ext(EXT_USE_SRTP, Buffer.concat([u16Vector(this.#o.srtpProfiles ?? [1]), Buffer.from([0])])),
      ext(EXT_RENEGOTIATION_INFO, Buffer.from([0])),
      ...(this.#o.extendedMasterSecret === false ? [] : [ext(EXT_EXTENDED_MASTER_SECRET, Buffer.alloc(0))]),
    ];
    return Buffer.concat([
      u16(DTLS_1_2),
      this.#random,
      vector(1, Buffer.alloc(0)),
      vector(1, cookie),
      u16Vector(this.#o.cipherSuites ?? [0xc02b]),
      vector(1, Buffer.from([0])),
      vector(2, Buffer.concat(extensions)),
    ]);
  }

  #serverHello(body: Buffer): void {
    const r = new ByteReader(body, 'ServerHello');
    r.u16();
    this.#serverRandom = Buffer.from(r.bytes(RANDOM_LENGTH));
    r.vector8();
    const suite = r.u16();
    this.#suite = CIPHER_SUITES.find((s) => s.id === suite);
    r.u8();
    const extensions = r.remaining > 0 ? parseExtensions(r.vector16()) : new Map<number, Buffer>();
    this.#ems = extensions.has(EXT_EXTENDED_MASTER_SECRET);
    const srtp = extensions.get(EXT_USE_SRTP);
    this.#srtpProfile = srtp === undefined ? 0 : (parseUseSrtp(srtp).profiles[0] ?? 0);
  }

  #serverKeyExchange(body: Buffer): void {
    const r = new ByteReader(body, 'ServerKeyExchange');
    r.u8();
    this.#group = r.u16();
    this.#serverPoint = Buffer.from(r.vector8());
    const params = body.subarray(0, 4 + this.#serverPoint.length);
    r.u16();
    const signature = r.vector16();
    const signed = Buffer.concat([this.#random, this.#serverRandom, params]);
    if (this.#serverKey === undefined || !verify('sha256', signed, this.#serverKey, signature)) this.failure = 'bad ServerKeyExchange signature';
  }

  /** Flight 5: Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished. */
  #clientFlight(firstSeq: number): void {
    const suite = this.#suite;
    if (suite === undefined || !isEcdheGroup(this.#group)) {
      this.failure = 'server chose parameters we did not offer';
      return;
    }
    const items: FlightItem[] = [];
    const add = (msgType: number, body: Buffer, epoch = 0): void => {
      const messageSeq = firstSeq + items.filter((i) => i.kind === 'handshake').length;
      items.push({ kind: 'handshake', epoch, msgType, messageSeq, body });
      this.#transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
    };
    add(HS_CERTIFICATE, encodeCertificate([this.#o.certificate.certDer]));
    const ecdhe = generateEcdheKeyPair(this.#group);
    add(HS_CLIENT_KEY_EXCHANGE, vector(1, ecdhe.publicKey));
    const pms = ecdhe.deriveSecret(this.#serverPoint) ?? Buffer.alloc(32);
    const master = this.#ems
      ? extendedMasterSecret(suite.hash, pms, transcriptHash(suite.hash, this.#transcript))
      : masterSecret(suite.hash, pms, this.#random, this.#serverRandom);
    this.#master = master;
    const keys = trafficKeys(suite, master, this.#random, this.#serverRandom);
    this.#write = new GcmRecordCipher(suite.cipher, keys.clientKey, keys.clientIv);
    this.#read = new GcmRecordCipher(suite.cipher, keys.serverKey, keys.serverIv);
    const signature = sign('sha256', Buffer.concat(this.#transcript), this.#o.certificate.privateKey);
    add(HS_CERTIFICATE_VERIFY, Buffer.concat([u16(SIG_ECDSA_SECP256R1_SHA256), vector(2, signature)]));
    items.push({ kind: 'change-cipher-spec' });
    add(HS_FINISHED, finishedVerifyData(suite.hash, master, 'client', transcriptHash(suite.hash, this.#transcript)), 1);
    this.#sendFlight(items);
  }

  #serverFinished(body: Buffer): void {
    const suite = this.#suite;
    const master = this.#master;
    if (suite === undefined || master === undefined) return;
    const expected = finishedVerifyData(suite.hash, master, 'server', transcriptHash(suite.hash, this.#transcript));
    if (body.length !== expected.length || !timingSafeEqual(body, expected)) {
      this.failure = 'bad server Finished';
      return;
    }
    const clientRandom = this.#random;
    const serverRandom = this.#serverRandom;
    this.result = {
      srtpProfile: this.#srtpProfile,
      serverCertificate: this.#serverCert,
      keyingMaterial: (length) => exportKeyingMaterial(suite.hash, master, DTLS_SRTP_EXPORTER_LABEL, clientRandom, serverRandom, length),
    };
  }

  #sendFlight(items: FlightItem[]): void {
    this.#lastFlight = items;
    const write = (type: number, epoch: number, plaintext: Buffer): Buffer => {
      const sequence = this.#writeSeq[epoch] ?? 0;
      this.#writeSeq[epoch] = sequence + 1;
      const header = { type, version: DTLS_1_2, epoch, sequence };
      return epoch === 0 || this.#write === undefined ? encodeRecord(header, plaintext) : this.#write.seal(header, plaintext);
    };
    for (const d of encodeFlight(items, this.#o.mtu ?? 1200, write)) {
      this.sent.push(d);
      this.#o.send(d);
    }
  }
}
