/**
 * What every WebRTC endpoint of one relay shares: the socket, the clock, the DTLS certificate and
 * cookie secret, the advertised candidate, and the relay's demux registry.
 */
import type { KeyObject } from 'node:crypto';
import type { Clock, Logger } from '../../core/index.ts';
import type { DtlsCertificate } from '../dtls/index.ts';
import type { DatagramSocket } from '../net/index.ts';

/** Counters of one endpoint or of the whole relay (a live view, reset never). */
export interface MediaCounters {
  packetsIn: number;
  packetsOut: number;
  rtpIn: number;
  rtpRelayed: number;
  rtcpIn: number;
  rtcpOut: number;
  stunIn: number;
  dtlsIn: number;
  /** SRTP/SRTCP that failed authentication, replay or length checks. */
  srtpRejected: number;
  /** RTP with a payload type the other leg did not negotiate, or no bridge to go to. */
  notForwarded: number;
  /** Datagrams that are none of STUN, DTLS, RTP or RTCP, or arrived before their layer was ready. */
  dropped: number;
}

export function zeroCounters(): MediaCounters {
  return { packetsIn: 0, packetsOut: 0, rtpIn: 0, rtpRelayed: 0, rtcpIn: 0, rtcpOut: 0, stunIn: 0, dtlsIn: 0, srtpRejected: 0, notForwarded: 0, dropped: 0 };
}

/** The relay's registry, as an endpoint needs it. */
export interface EndpointRegistry {
  /** Routes first packets whose STUN USERNAME starts with `ufrag` to `endpoint`. */
  addUfrag(ufrag: string, endpoint: unknown): void;
  removeUfrag(ufrag: string): void;
  /** Routes every later packet from this source to `endpoint`. */
  bindAddress(address: string, port: number, endpoint: unknown): void;
  unbindAddress(address: string, port: number): void;
  /** The endpoint is closed: forget it. */
  forget(endpoint: unknown): void;
}

export interface EndpointContext {
  readonly clock: Clock;
  readonly log: Logger;
  readonly socket: DatagramSocket;
  readonly certificate: DtlsCertificate;
  readonly cookieSecret: KeyObject;
  /** The host candidate put into every SDP. */
  readonly advertisedAddress: string;
  readonly advertisedPort: number;
  readonly registry: EndpointRegistry;
  /** Relay-wide counters, updated alongside each endpoint's own. */
  readonly totals: MediaCounters;
  /** Consent freshness window (RFC 7675: 30 s). */
  readonly consentTimeoutMs: number;
  /** How long ICE + DTLS may take once both descriptions are known. */
  readonly connectTimeoutMs: number;
}
