/**
 * The public shapes of `DtlsServer`: its options, its result and its counters.
 */
import type { KeyObject } from 'node:crypto';
import type { Clock, Logger } from '../../core/index.ts';
import type { DtlsCertificate } from './certificate.ts';
import type { DtlsState } from './dtls-state.ts';
import type { SrtpProfileName } from './srtp-profiles.ts';

/** The result of a completed handshake. */
export interface DtlsConnection {
  readonly srtpProfile: SrtpProfileName;
  /** RFC 5705 export with label "EXTRACTOR-dtls_srtp", 2 × (key + salt) bytes (see `splitSrtpKeyingMaterial`). */
  readonly keyingMaterial: Buffer;
  /** `sha-256 AB:CD:…` of the client's certificate (it matched the expected fingerprint). */
  readonly remoteFingerprint: string;
  readonly remoteCertificate: Buffer;
  readonly cipherSuite: string;
  readonly group: 'x25519' | 'secp256r1';
  readonly extendedMasterSecret: boolean;
}

/** Construction options of {@link DtlsServer}. */
export interface DtlsServerOptions {
  /** Our certificate (one per process, from `createDtlsCertificate`). */
  readonly certificate: DtlsCertificate;
  readonly clock: Clock;
  /** Sends one datagram to the peer. A throwing `send` counts as a lost datagram. */
  readonly send: (datagram: Buffer) => void;
  /** `a=fingerprint` value(s) of the remote SDP, e.g. `sha-256 AB:CD:…`; the client certificate must match one. */
  readonly expectedRemoteFingerprint: string | readonly string[];
  /** HMAC key of HelloVerifyRequest cookies; share one per process (a secret `KeyObject` is cheapest). Random per server if omitted. */
  readonly cookieSecret?: Buffer | KeyObject;
  /** Bound into cookies, e.g. the peer's transport address. Empty by default. */
  readonly cookieContext?: Buffer;
  /** SRTP protection profiles in preference order; default AES128_CM_HMAC_SHA1_80 then AEAD_AES_128_GCM. */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** Largest datagram we send (bytes), default 1200. */
  readonly mtu?: number;
  /** First retransmission timeout of flight 4 (ms), default 500; doubles up to `maxRetransmitMs`. */
  readonly initialRetransmitMs?: number;
  /** Retransmission timeout cap (ms), default 8000. */
  readonly maxRetransmitMs?: number;
  /** Retransmissions of flight 4 before giving up, default 6. */
  readonly maxRetransmissions?: number;
  readonly onConnected: (connection: DtlsConnection) => void;
  /** The handshake failed; `reason` is human-readable. Called at most once, never after `onConnected`. */
  readonly onFailed: (reason: string) => void;
  /** The peer ended a connected session (close_notify or a fatal alert). */
  readonly onClosed?: (reason: string) => void;
  readonly onStateChange?: (to: DtlsState, from: DtlsState) => void;
  /** One info line per state change; warn on failures. */
  readonly log?: Logger;
}

/** Counters of what {@link DtlsServer.handleDatagram} received and what it dropped. */
export interface DtlsServerStats {
  datagrams: number;
  /** Unparseable records, handshake fragments, alerts or ClientHellos, and records of unknown version. */
  malformed: number;
  /** Well-formed input that does not belong in the current state (wrong epoch, type or message). */
  unexpected: number;
  /** Epoch-1 records that failed AES-GCM authentication. */
  decryptFailed: number;
  /** Epoch-1 records the replay window refused. */
  replayed: number;
  helloVerifyRequests: number;
  /** Flights sent again (timer or peer retransmission). */
  retransmissions: number;
}
