/**
 * A DTLS 1.2 server for DTLS-SRTP (RFC 6347, RFC 5764): the browser is the DTLS client, Denwa answers
 * `a=setup:passive`. Transport-agnostic: datagrams come in through {@link DtlsServer.handleDatagram}
 * and go out through `send`; timers come from the injected `Clock`. The only output is the SRTP
 * keying material and the peer certificate's fingerprint; application data is never sent or kept.
 */
import { KeyObject, createSecretKey, randomBytes } from 'node:crypto';
import type { TimerHandle } from '../../core/index.ts';
import { DtlsAlertError } from './byte-reader.ts';
import { certificateFingerprint, parseFingerprint } from './certificate.ts';
import {
  ALERT,
  ALERT_FATAL,
  ALERT_WARNING,
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  DTLS_1_0,
  DTLS_1_2,
  HS_CLIENT_HELLO,
  HS_FINISHED,
  HS_HELLO_VERIFY_REQUEST,
  describeAlert,
  type AlertDescription,
} from './constants.ts';
import { makeCookie, verifyCookie } from './cookie.ts';
import { assertDtlsTransition, isTerminal, type DtlsState } from './dtls-state.ts';
import { encodeFlight, type FlightItem } from './flight.ts';
import { HandshakeReassembler, encodeHandshakeMessage, parseHandshakeFragments, type HandshakeFragment } from './handshake-codec.ts';
import { encodeHelloVerifyRequest, parseClientHello } from './handshake-messages.ts';
import { DTLS_SRTP_EXPORTER_LABEL, type TrafficKeys } from './key-schedule.ts';
import { GcmRecordCipher, ReplayWindow, encodeRecord, parseRecords, type DtlsRecord } from './record-layer.ts';
import { ServerHandshake, type HandshakeConfig } from './server-handshake.ts';
import type { DtlsConnection, DtlsServerOptions, DtlsServerStats } from './dtls-server-options.ts';
import { DEFAULT_SRTP_PROFILES, srtpKeyingMaterialLength } from './srtp-profiles.ts';

const MIN_MTU = 128;
const MAX_EARLY_RECORDS = 16;
const GROUP_NAMES = { 29: 'x25519', 23: 'secp256r1' } as const;

/**
 * One DTLS server session. `handleDatagram` never throws for any input: malformed or unauthenticated
 * records are dropped and counted in {@link stats}; protocol violations send a fatal alert and fail.
 */
export class DtlsServer {
  #state: DtlsState = 'new';
  readonly #o: DtlsServerOptions;
  readonly #config: HandshakeConfig;
  readonly #cookieSecret: KeyObject;
  readonly #cookieContext: Buffer;
  readonly #mtu: number;
  readonly #stats: DtlsServerStats = { datagrams: 0, malformed: 0, unexpected: 0, decryptFailed: 0, replayed: 0, helloVerifyRequests: 0, retransmissions: 0 };
  #reassembler = new HandshakeReassembler(0);
  #hs: ServerHandshake | undefined;
  #clientHelloSeq = 0;
  #nextSendSeq = 0;
  #writeSeq = [0, 0];
  #readCipher: GcmRecordCipher | undefined;
  #writeCipher: GcmRecordCipher | undefined;
  readonly #replay = new ReplayWindow();
  #earlyRecords: DtlsRecord[] = [];
  #lastFlight: readonly FlightItem[] = [];
  #resentForThisDatagram = false;
  /** RFC 6347 §4.2.4.1 retransmission timer of flight 4. */
  #retransmitTimer: TimerHandle | undefined;
  #retransmitMs: number;
  #retransmissions = 0;

  constructor(options: DtlsServerOptions) {
    this.#o = options;
    const expected = typeof options.expectedRemoteFingerprint === 'string' ? [options.expectedRemoteFingerprint] : options.expectedRemoteFingerprint;
    this.#config = {
      certificate: options.certificate,
      srtpProfiles: options.srtpProfiles ?? DEFAULT_SRTP_PROFILES,
      expectedFingerprints: expected.map(parseFingerprint).filter((f) => f !== undefined),
      expectedFingerprintText: expected.join(', ') || '(none)',
    };
    const secret = options.cookieSecret ?? randomBytes(32);
    this.#cookieSecret = secret instanceof KeyObject ? secret : createSecretKey(secret);
    this.#cookieContext = options.cookieContext ?? Buffer.alloc(0);
    this.#mtu = options.mtu ?? 1200;
    if (this.#mtu < MIN_MTU) throw new RangeError(`DTLS MTU ${this.#mtu} is below ${MIN_MTU}`);
    this.#retransmitMs = options.initialRetransmitMs ?? 500;
  }

  /** The current state (see `DtlsState`). */
  get state(): DtlsState {
    return this.#state;
  }

  /** Counters since construction (a live view). */
  get stats(): Readonly<DtlsServerStats> {
    return this.#stats;
  }

  /** Processes one datagram from the peer. Never throws. */
  handleDatagram(datagram: Buffer): void {
    this.#stats.datagrams++;
    if (isTerminal(this.#state)) return;
    this.#resentForThisDatagram = false;
    this.#guard(() => {
      const { records, malformed } = parseRecords(datagram);
      if (malformed) this.#stats.malformed++;
      for (const record of records) {
        if (isTerminal(this.#state)) return;
        this.#receiveRecord(record);
        this.#drainHandshake();
      }
    });
  }

  /** Ends the session: sends close_notify unless nothing was negotiated yet. Idempotent; no callback. */
  close(): void {
    if (isTerminal(this.#state)) return;
    if (this.#state !== 'new') this.#sendAlert(ALERT_WARNING, ALERT.closeNotify);
    this.#transition('closed');
  }

  /** Runs `fn`, turning an alert error into a failure and anything else into internal_error. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof DtlsAlertError) {
        this.#fail(err.message, err.alert);
      } else {
        this.#o.log?.error({ err }, 'DTLS internal error');
        this.#fail(`internal error: ${err instanceof Error ? err.message : String(err)}`, ALERT.internalError);
      }
    }
  }

  /** Counts a dropped input. */
  #drop(reason: 'malformed' | 'unexpected' | 'decryptFailed' | 'replayed'): void {
    this.#stats[reason]++;
  }

  #receiveRecord(r: DtlsRecord): void {
    if (r.epoch === 0) {
      if (r.version === DTLS_1_2 || r.version === DTLS_1_0) this.#receivePlaintext(r.type, r.fragment, 0, r.sequence);
      else this.#drop('malformed');
    } else if (r.epoch !== 1 || r.version !== DTLS_1_2) {
      this.#drop('unexpected');
    } else if (this.#readCipher !== undefined) {
      this.#receiveProtected(r, this.#readCipher);
    } else if (this.#state === 'handshaking' && this.#earlyRecords.length < MAX_EARLY_RECORDS) {
      // RFC 6347 §4.1: records of the next epoch may arrive before the keys; keep a few for later.
      this.#earlyRecords.push({ ...r, fragment: Buffer.from(r.fragment) });
    } else {
      this.#drop('unexpected');
    }
  }

  /** RFC 6347 §4.1.2.6: check the window first, update it only once the record authenticated. */
  #receiveProtected(r: DtlsRecord, cipher: GcmRecordCipher): void {
    if (!this.#replay.check(r.sequence)) {
      this.#drop('replayed');
      return;
    }
    const plaintext = cipher.open(r);
    if (plaintext === undefined) {
      this.#drop('decryptFailed');
      return;
    }
    this.#replay.accept(r.sequence);
    this.#receivePlaintext(r.type, plaintext, 1, r.sequence);
  }

  #receivePlaintext(type: number, data: Buffer, epoch: number, recordSeq: number): void {
    switch (type) {
      case CONTENT_HANDSHAKE: {
        const { fragments, malformed } = parseHandshakeFragments(data);
        if (malformed) this.#drop('malformed');
        for (const f of fragments) this.#receiveFragment(f, epoch, recordSeq);
        return;
      }
      case CONTENT_ALERT:
        this.#receiveAlert(data, epoch);
        return;
      case CONTENT_CHANGE_CIPHER_SPEC:
        // The epoch number in each record says which keys apply (RFC 6347 §4.1), so the CCS itself
        // changes nothing here; it must be the single byte 1 (RFC 5246 §7.1).
        if (epoch !== 0 || data.length !== 1 || data[0] !== 1) this.#drop('malformed');
        return;
      case CONTENT_APPLICATION_DATA:
      default:
        this.#drop('unexpected');
    }
  }

  #receiveFragment(f: HandshakeFragment, epoch: number, recordSeq: number): void {
    switch (this.#state) {
      case 'new':
        this.#receiveHelloFragment(f, epoch, recordSeq);
        return;
      case 'handshaking': {
        const disposition = this.#reassembler.add(f, epoch);
        if (disposition === 'old') {
          // RFC 6347 §4.2.4: a retransmitted ClientHello means flight 4 was lost: send it again.
          if (f.messageSeq <= this.#clientHelloSeq) this.#resendOnPeerRepeat();
        } else if (disposition !== 'accepted') {
          this.#drop('malformed');
        }
        return;
      }
      case 'connected':
        // RFC 6347 §4.2.4: the client repeating flight 5 means our flight 6 was lost.
        if (f.messageSeq < this.#reassembler.nextSeq) this.#resendOnPeerRepeat();
        else this.#drop('unexpected'); // renegotiation is not supported
        return;
      case 'failed':
      case 'closed':
        return;
    }
  }

  /** In `new`: collect a ClientHello (possibly fragmented) and answer it. */
  #receiveHelloFragment(f: HandshakeFragment, epoch: number, recordSeq: number): void {
    if (epoch !== 0 || f.msgType !== HS_CLIENT_HELLO) {
      this.#drop('unexpected');
      return;
    }
    if (f.messageSeq !== this.#reassembler.nextSeq) this.#reassembler.reset(f.messageSeq);
    if (this.#reassembler.add(f, epoch) !== 'accepted') this.#drop('malformed');
    const m = this.#reassembler.take();
    if (m !== undefined) this.#receiveClientHello(m.body, m.messageSeq, recordSeq);
  }

  #receiveClientHello(body: Buffer, messageSeq: number, recordSeq: number): void {
    this.#reassembler.reset(0);
    let hello;
    try {
      hello = parseClientHello(body);
    } catch {
      // Not cookie-verified yet: no alert, no state (RFC 6347 §4.2.1).
      this.#drop('malformed');
      return;
    }
    const now = this.#o.clock.now();
    if (!verifyCookie(this.#cookieSecret, this.#cookieContext, hello, now)) {
      // RFC 6347 §4.2.1: "the server MUST use the record sequence number in the ClientHello as the
      // record sequence number in the HelloVerifyRequest".
      const cookie = makeCookie(this.#cookieSecret, this.#cookieContext, hello, now);
      const hvr = encodeHandshakeMessage(HS_HELLO_VERIFY_REQUEST, messageSeq, encodeHelloVerifyRequest(cookie));
      this.#stats.helloVerifyRequests++;
      this.#sendDatagram(encodeRecord({ type: CONTENT_HANDSHAKE, version: DTLS_1_0, epoch: 0, sequence: recordSeq }, hvr));
      return;
    }
    // Verified: from here on we keep state. Our epoch-0 sequence numbers start above the HelloVerifyRequest's.
    this.#writeSeq[0] = recordSeq;
    this.#hs = new ServerHandshake(this.#config, hello, encodeHandshakeMessage(HS_CLIENT_HELLO, messageSeq, body));
    this.#clientHelloSeq = messageSeq;
    this.#reassembler = new HandshakeReassembler(messageSeq + 1);
    this.#transition('handshaking');
    const flight = this.#hs.serverFlight(messageSeq);
    this.#nextSendSeq = messageSeq + flight.length;
    this.#sendFlight(flight);
    this.#armRetransmitTimer();
  }

  /** Feeds complete client messages of flight 5 to the handshake, in order. */
  #drainHandshake(): void {
    for (;;) {
      const hs = this.#hs;
      if (this.#state !== 'handshaking' || hs === undefined) return;
      const m = this.#reassembler.take();
      if (m === undefined) return;
      const result = hs.receive(m);
      if (result.kind === 'keys') {
        this.#installKeys(result.keys, hs.negotiated.suite.cipher);
      } else if (result.kind === 'finished') {
        this.#finish(hs, result.verifyData, m.messageSeq);
        return;
      }
    }
  }

  #installKeys(keys: TrafficKeys, cipher: 'aes-128-gcm' | 'aes-256-gcm'): void {
    this.#readCipher = new GcmRecordCipher(cipher, keys.clientKey, keys.clientIv);
    this.#writeCipher = new GcmRecordCipher(cipher, keys.serverKey, keys.serverIv);
    const early = this.#earlyRecords;
    this.#earlyRecords = [];
    for (const r of early) this.#receiveRecord(r);
  }

  /** Client Finished verified: send flight 6 (ChangeCipherSpec, Finished) and report the keys. */
  #finish(hs: ServerHandshake, verifyData: Buffer, clientFinishedSeq: number): void {
    this.#clearRetransmitTimer();
    this.#sendFlight([
      { kind: 'change-cipher-spec' },
      { kind: 'handshake', epoch: 1, msgType: HS_FINISHED, messageSeq: this.#nextSendSeq, body: verifyData },
    ]);
    this.#reassembler = new HandshakeReassembler(clientFinishedSeq + 1);
    const profile = hs.negotiated.srtpProfile;
    const certificate = hs.clientCertificate ?? Buffer.alloc(0);
    const connection: DtlsConnection = {
      srtpProfile: profile,
      keyingMaterial: hs.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, srtpKeyingMaterialLength(profile)),
      remoteFingerprint: certificateFingerprint(certificate),
      remoteCertificate: certificate,
      cipherSuite: hs.negotiated.suite.name,
      group: GROUP_NAMES[hs.negotiated.group],
      extendedMasterSecret: hs.negotiated.extendedMasterSecret,
    };
    this.#hs = undefined;
    this.#transition('connected');
    this.#safe('onConnected', () => {
      this.#o.onConnected(connection);
    });
  }

  #receiveAlert(data: Buffer, epoch: number): void {
    const level = data[0];
    const description = data[1];
    if (data.length !== 2 || level === undefined || description === undefined) {
      this.#drop('malformed');
      return;
    }
    // Before the cookie exchange nothing is at stake; after connecting only authenticated alerts count.
    if (this.#state === 'new' || (this.#state === 'connected' && epoch === 0)) {
      this.#drop('unexpected');
      return;
    }
    const what = describeAlert(level, description);
    if (description !== ALERT.closeNotify && level !== ALERT_FATAL) return; // warnings are informational
    if (this.#state === 'handshaking') {
      this.#fail(`peer sent ${what} during the handshake`);
    } else if (this.#state === 'connected') {
      // RFC 5246 §7.2.1: answer close_notify with close_notify.
      if (description === ALERT.closeNotify) this.#sendAlert(ALERT_WARNING, ALERT.closeNotify);
      this.#transition('closed');
      this.#safe('onClosed', () => {
        this.#o.onClosed?.(`peer sent ${what}`);
      });
    }
  }

  /** Fails the handshake; sends `alert` as fatal first when given. */
  #fail(reason: string, alert?: AlertDescription): void {
    if (isTerminal(this.#state)) return;
    if (alert !== undefined) this.#sendAlert(ALERT_FATAL, alert);
    if (this.#state === 'connected') {
      this.#transition('closed');
      this.#safe('onClosed', () => {
        this.#o.onClosed?.(reason);
      });
      return;
    }
    this.#o.log?.warn({ reason }, 'DTLS handshake failed');
    this.#transition('failed');
    this.#safe('onFailed', () => {
      this.#o.onFailed(reason);
    });
  }

  #sendAlert(level: number, description: number): void {
    const epoch = this.#state === 'connected' ? 1 : 0;
    this.#sendDatagram(this.#writeRecord(CONTENT_ALERT, epoch, Buffer.from([level, description])));
  }

  #sendFlight(items: readonly FlightItem[]): void {
    this.#lastFlight = items;
    for (const d of encodeFlight(items, this.#mtu, (type, epoch, plaintext) => this.#writeRecord(type, epoch, plaintext))) {
      this.#sendDatagram(d);
    }
  }

  /** Writes one record with the next sequence number of `epoch`, protected in epoch 1. */
  #writeRecord(type: number, epoch: number, plaintext: Buffer): Buffer {
    const sequence = this.#writeSeq[epoch] ?? 0;
    this.#writeSeq[epoch] = sequence + 1;
    const header = { type, version: DTLS_1_2, epoch, sequence };
    if (epoch === 0) return encodeRecord(header, plaintext);
    if (this.#writeCipher === undefined) throw new DtlsAlertError(ALERT.internalError, 'no epoch-1 keys');
    return this.#writeCipher.seal(header, plaintext);
  }

  #sendDatagram(datagram: Buffer): void {
    try {
      this.#o.send(datagram);
    } catch (err) {
      this.#o.log?.warn({ err }, 'DTLS send failed');
    }
  }

  /** Resends the last flight at most once per received datagram; restarts the timer at its current value. */
  #resendOnPeerRepeat(): void {
    if (this.#resentForThisDatagram) return;
    this.#resentForThisDatagram = true;
    this.#stats.retransmissions++;
    this.#sendFlight(this.#lastFlight);
    if (this.#state === 'handshaking') this.#armRetransmitTimer();
  }

  #armRetransmitTimer(): void {
    this.#clearRetransmitTimer();
    this.#retransmitTimer = this.#o.clock.setTimeout(() => {
      this.#retransmitTimer = undefined;
      this.#guard(() => {
        this.#onRetransmitTimer();
      });
    }, this.#retransmitMs);
  }

  /** RFC 6347 §4.2.4.1: on expiry retransmit and double the timer, up to a bound. */
  #onRetransmitTimer(): void {
    if (this.#state !== 'handshaking') return;
    const max = this.#o.maxRetransmissions ?? 6;
    if (this.#retransmissions >= max) {
      this.#fail(`handshake timed out: no complete answer to the server flight after ${max} retransmissions`);
      return;
    }
    this.#retransmissions++;
    this.#stats.retransmissions++;
    this.#retransmitMs = Math.min(2 * this.#retransmitMs, this.#o.maxRetransmitMs ?? 8000);
    this.#sendFlight(this.#lastFlight);
    this.#armRetransmitTimer();
  }

  #clearRetransmitTimer(): void {
    if (this.#retransmitTimer !== undefined) this.#o.clock.clearTimeout(this.#retransmitTimer);
    this.#retransmitTimer = undefined;
  }

  #transition(to: DtlsState): void {
    const from = this.#state;
    assertDtlsTransition(from, to);
    this.#state = to;
    this.#o.log?.info({ from, to }, 'DTLS state');
    if (isTerminal(to)) {
      this.#clearRetransmitTimer();
      this.#hs = undefined;
      this.#earlyRecords = [];
      this.#lastFlight = [];
    }
    this.#safe('onStateChange', () => {
      this.#o.onStateChange?.(to, from);
    });
  }

  /** Calls a listener; a throwing listener is logged, never propagated (house `safeEmit`). */
  #safe(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#o.log?.warn({ err }, `DTLS ${name} listener threw`);
    }
  }
}
