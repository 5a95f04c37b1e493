/**
 * The media relay (implements the call engine's `MediaPort`). WebRTC legs share one UDP socket,
 * demultiplexed by source address, and, for a source not seen before, by the local ICE ufrag in a
 * STUN Binding request (RFC 7983 first-byte rules inside each endpoint). SIP legs are plain RTP, each
 * on its own port pair from `rtpPorts`. Bridges relay RTP between any two legs in place.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { VoiceError } from '@denwa/protocol';
import type { MediaEndpoint, MediaEndpointOptions, MediaOfferOptions, MediaPort, MediaResult } from '../../calls/ports.ts';
import type { Clock, Logger, TimerHandle } from '../../core/index.ts';
import { DEFAULT_OPUS_SETTINGS, type OpusSettings } from '../codec/index.ts';
import { createDtlsCertificate, type DtlsCertificate } from '../dtls/index.ts';
import {
  DEFAULT_RTP_PORTS,
  RtpEndpoint,
  RtpPortPool,
  WebRtcEndpoint,
  zeroCounters,
  type EndpointContext,
  type EndpointRegistry,
  type MediaCounters,
  type MediaImpairment,
  type RtpContext,
  type RtpPortRange,
} from '../endpoint/index.ts';
import { bindUdp, type DatagramIo, type DatagramSocket } from '../net/index.ts';
import { PLAIN_RTP_DEFAULT_CODECS, answerPlainRtp, audioCodecName, parsePlainRtp, type AudioCodecName, type SrtpPolicy } from '../sdp/index.ts';
import { ufragFromBindingRequest } from '../stun/index.ts';
import { RelayBridge } from './bridge.ts';

export interface MediaRelayOptions {
  /** Address to bind, e.g. `0.0.0.0` or `127.0.0.1`. */
  readonly bindAddress: string;
  /** UDP port; 0 picks a free one. */
  readonly port: number;
  /** The address browsers reach (the public IP); goes into every SDP as the host candidate. */
  readonly advertisedAddress: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** RFC 7675 consent window, default 30 000 ms (tests shorten it). */
  readonly consentTimeoutMs?: number;
  /** ICE + DTLS setup limit, default 30 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Period of RTCP, consent and timeout checks, default 250 ms. */
  readonly tickMs?: number;
  /** Reuse a certificate (tests); one is generated otherwise. */
  readonly certificate?: DtlsCertificate;
  /** Send 20 ms silence frames to connected legs without relayed media (default true). */
  readonly fillSilence?: boolean;
  /** UDP implementation (see `bindUdp`): `auto` (default), `native` (batched, Linux) or `dgram`. */
  readonly io?: DatagramIo | 'auto';
  /** Ports of SIP legs (RTP on even ports, RTCP on the next), default 10000–20000. */
  readonly rtpPorts?: RtpPortRange;
  /** A bridged SIP leg whose sending peer is silent this long (no RTP or RTCP) fails; default 30 000 ms. */
  readonly rtpTimeoutMs?: number;
  /** The Opus side of bridges that transcode (default {@link DEFAULT_OPUS_SETTINGS}: 48 kHz PCM, complexity 5, 20 kbit/s, narrowband). */
  readonly opus?: Partial<OpusSettings>;
}

/** The SIP legs' codecs from the caller's names (case-insensitive; unknown ones dropped), else PCMU, PCMA. */
function sipCodecs(names: readonly string[] | undefined): AudioCodecName[] {
  const known = (names ?? []).map(audioCodecName).filter((c) => c !== undefined);
  return known.length > 0 ? [...new Set(known)] : [...PLAIN_RTP_DEFAULT_CODECS];
}

/** Where the relay listens, for logs and the firewall. */
export interface MediaRelayAddress {
  readonly address: string;
  readonly port: number;
}

export class MediaRelay implements MediaPort {
  readonly totals: MediaCounters = zeroCounters();
  readonly #byUfrag = new Map<string, WebRtcEndpoint>();
  /** Source address → source port → endpoint: no string is built per packet. */
  readonly #byAddress = new Map<string, Map<number, WebRtcEndpoint>>();
  readonly #endpoints = new Set<WebRtcEndpoint | RtpEndpoint>();
  readonly #ctx: EndpointContext;
  readonly #rtpCtx: RtpContext;
  readonly #options: MediaRelayOptions;
  #timer: TimerHandle | null = null;
  #fillTimer: TimerHandle | null = null;
  #closed = false;

  private constructor(options: MediaRelayOptions, socket: DatagramSocket, certificate: DtlsCertificate, ports: RtpPortPool) {
    this.#options = options;
    const registry: EndpointRegistry = {
      addUfrag: (ufrag, ep) => { this.#byUfrag.set(ufrag, ep as WebRtcEndpoint); },
      removeUfrag: (ufrag) => { this.#byUfrag.delete(ufrag); },
      bindAddress: (address, port, ep) => {
        let ports = this.#byAddress.get(address);
        if (ports === undefined) {
          ports = new Map();
          this.#byAddress.set(address, ports);
        }
        ports.set(port, ep as WebRtcEndpoint);
      },
      unbindAddress: (address, port) => {
        const ports = this.#byAddress.get(address);
        if (ports === undefined) return;
        ports.delete(port);
        if (ports.size === 0) this.#byAddress.delete(address);
      },
      forget: (ep) => {
        this.#endpoints.delete(ep as WebRtcEndpoint);
        for (const [ufrag, owner] of this.#byUfrag) if (owner === ep) this.#byUfrag.delete(ufrag);
      },
    };
    this.#ctx = {
      clock: options.clock,
      log: options.log,
      socket,
      certificate,
      cookieSecret: createSecretKey(randomBytes(32)),
      advertisedAddress: options.advertisedAddress,
      advertisedPort: socket.address().port,
      registry,
      totals: this.totals,
      consentTimeoutMs: options.consentTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    };
    this.#rtpCtx = {
      clock: options.clock,
      log: options.log,
      totals: this.totals,
      advertisedAddress: options.advertisedAddress,
      ports,
      rtpTimeoutMs: options.rtpTimeoutMs ?? 30_000,
      forget: (ep) => { if (ep instanceof RtpEndpoint) this.#endpoints.delete(ep); },
    };
    this.#schedule();
    this.#scheduleFill();
  }

  /** Binds the socket and starts the relay. Rejects when the port cannot be bound or `rtpPorts` is not a usable range. */
  static async start(options: MediaRelayOptions): Promise<MediaRelay> {
    const ports = new RtpPortPool({ range: options.rtpPorts ?? DEFAULT_RTP_PORTS, bindAddress: options.bindAddress, io: options.io ?? 'auto' });
    const certificate = options.certificate ?? (await createDtlsCertificate());
    let relay: MediaRelay | null = null;
    const pending: [Buffer, string, number, 4 | 6][] = [];
    const socket = await bindUdp({
      address: options.bindAddress,
      port: options.port,
      ...(options.io === undefined ? {} : { io: options.io }),
      onMessage: (data, address, port, family) => {
        if (relay === null) {
          if (pending.length < 64) pending.push([Buffer.from(data), address, port, family]);
          return;
        }
        relay.receive(data, address, port, family);
      },
    });
    relay = new MediaRelay(options, socket, certificate, ports);
    for (const [data, address, port, family] of pending) relay.receive(data, address, port, family);
    return relay;
  }

  /** The bound socket address (the advertised address goes into SDP). */
  get address(): MediaRelayAddress {
    return this.#ctx.socket.address();
  }

  /** The UDP implementation in use: `native` (batched) or `dgram`. */
  get io(): DatagramIo {
    return this.#ctx.socket.io;
  }

  /** The certificate fingerprint in every SDP. */
  get fingerprint(): string {
    return this.#ctx.certificate.fingerprint;
  }

  get endpointCount(): number {
    return this.#endpoints.size;
  }

  /** Routes one datagram. Never throws. */
  receive(data: Buffer, address: string, port: number, family: 4 | 6): void {
    const totals = this.totals;
    totals.packetsIn++;
    let endpoint = this.#byAddress.get(address)?.get(port);
    if (endpoint === undefined) {
      const b0 = data.length > 0 ? (data[0] ?? 255) : 255;
      if (b0 > 3) {
        totals.dropped++;
        return;
      }
      const ufrag = ufragFromBindingRequest(data);
      endpoint = ufrag === undefined ? undefined : this.#byUfrag.get(ufrag);
      if (endpoint === undefined) {
        totals.dropped++;
        return;
      }
    }
    try {
      endpoint.receive(data, address, port, family, this.#ctx.clock.now());
    } catch (err) {
      // A bug must never take down the process or another call: drop the packet and log.
      totals.dropped++;
      this.#ctx.log.error({ err, endpoint: endpoint.id }, 'media packet handling threw');
    }
  }

  answer(offerSdp: string, opts: MediaEndpointOptions): MediaResult<{ readonly endpoint: MediaEndpoint; readonly sdp: string }> {
    const endpoint = this.#create(opts);
    const result = endpoint.answerOffer(offerSdp);
    if (!result.ok) {
      endpoint.close();
      return result;
    }
    return { ok: true, value: { endpoint, sdp: result.value } };
  }

  offer(opts: MediaOfferOptions): { readonly endpoint: MediaEndpoint; readonly sdp: string } {
    const endpoint = this.#create(opts);
    return { endpoint, sdp: endpoint.makeOffer(opts.codecs) };
  }

  /**
   * Test hooks: impairs what the relay sends to every leg of `callSid` (null lifts it). Returns how
   * many legs it touched.
   */
  impair(callSid: string, impairment: MediaImpairment | null): number {
    let legs = 0;
    for (const endpoint of this.#endpoints) {
      if (endpoint.label !== callSid && !endpoint.label.startsWith(`${callSid} `)) continue;
      endpoint.impair(impairment);
      legs++;
    }
    return legs;
  }

  /**
   * An RTP endpoint for an outbound SIP call: Denwa's offer of `opts.codecs` (PCMU, PCMA when none
   * is known) plus telephone-event 101; the answer comes later through `applyAnswer`. `opts.srtp`
   * (SDES, RFC 4568): `off` (default) RTP/AVP; `optional` RTP/AVP with `a=crypto` (SRTP when the
   * answer has one); `required` RTP/SAVP with `a=crypto`.
   * @throws VoiceError 53405 (rejects) when no RTP port pair of `rtpPorts` is free.
   */
  async rtpOffer(opts: MediaOfferOptions): Promise<{ readonly endpoint: MediaEndpoint; readonly sdp: string }> {
    const endpoint = await this.#createRtp(opts);
    return { endpoint, sdp: endpoint.makeOffer(sipCodecs(opts.codecs), opts.srtp ?? 'off') };
  }

  /**
   * An RTP endpoint answering a SIP peer's offer (inbound SIP call). `opts.srtp` (default
   * `optional`): SRTP keyed with SDES when the offer has a usable `a=crypto` (RTP/SAVP, or RTP/AVP
   * "best effort"); `off` refuses RTP/SAVP; `required` refuses offers without SRTP. `ok: false` with
   * a 31400 refusal for a bad or unacceptable SDP (SRTP against the policy or with no supported
   * suite, no codec of `opts.codecs`, no `c=`: SIP 488), checked before a port is taken, or with
   * 53405 (SIP 503) when no RTP port pair is free.
   */
  async rtpAnswer(offerSdp: string, opts: MediaEndpointOptions & { readonly codecs?: readonly string[]; readonly srtp?: SrtpPolicy }): Promise<MediaResult<{ readonly endpoint: MediaEndpoint; readonly sdp: string }>> {
    const offer = parsePlainRtp(offerSdp);
    if (offer instanceof VoiceError) return { ok: false, error: offer };
    const codecs = sipCodecs(opts.codecs);
    const srtp = opts.srtp ?? 'optional';
    const acceptable = answerPlainRtp(offer, codecs, undefined, srtp);
    if (acceptable instanceof VoiceError) return { ok: false, error: acceptable };
    let endpoint: RtpEndpoint;
    try {
      endpoint = await this.#createRtp(opts);
    } catch (err) {
      if (err instanceof VoiceError) return { ok: false, error: err };
      throw err;
    }
    const result = endpoint.answerOffer(offer, codecs, srtp);
    if (!result.ok) {
      endpoint.close();
      return result;
    }
    return { ok: true, value: { endpoint, sdp: result.value } };
  }

  async #createRtp(opts: MediaEndpointOptions): Promise<RtpEndpoint> {
    if (this.#closed) throw new TypeError('the media relay is closed');
    const endpoint = new RtpEndpoint(this.#rtpCtx, opts.label, opts.onEvent);
    this.#endpoints.add(endpoint);
    try {
      await endpoint.open();
    } catch (err) {
      endpoint.close();
      throw err;
    }
    if (endpoint.closed) throw new TypeError('the media relay is closed'); // closed while the ports were bound
    return endpoint;
  }

  /**
   * Relays media between two legs of this relay, both ways. Same codec on both: packets are
   * rewritten and forwarded in place. Different codecs (Opus on one leg, PCMU or PCMA on the
   * other): each direction is transcoded (see `relay/transcoder.ts`).
   */
  bridge(a: MediaEndpoint, b: MediaEndpoint): RelayBridge {
    const legs = (x: MediaEndpoint): x is WebRtcEndpoint | RtpEndpoint => x instanceof WebRtcEndpoint || x instanceof RtpEndpoint;
    if (!legs(a) || !legs(b)) throw new TypeError('bridge() takes endpoints of this relay');
    return new RelayBridge(a, b, { opus: { ...DEFAULT_OPUS_SETTINGS, ...this.#options.opus }, log: this.#options.log });
  }

  #create(opts: MediaEndpointOptions): WebRtcEndpoint {
    if (this.#closed) throw new TypeError('the media relay is closed');
    const endpoint = new WebRtcEndpoint(this.#ctx, opts.label, opts.onEvent);
    this.#endpoints.add(endpoint);
    return endpoint;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#ctx.clock.setTimeout(() => {
      this.#tick();
      this.#schedule();
    }, this.#options.tickMs ?? 250);
  }

  /** Every 20 ms: silence frames for connected legs that have no relayed media (see `WebRtcEndpoint.fill`). */
  #scheduleFill(): void {
    if (this.#closed || this.#options.fillSilence === false) return;
    this.#fillTimer = this.#ctx.clock.setTimeout(() => {
      const now = this.#ctx.clock.now();
      for (const endpoint of this.#endpoints) {
        try {
          endpoint.fill(now);
        } catch (err) {
          this.#ctx.log.error({ err, endpoint: endpoint.id }, 'media endpoint fill threw');
        }
      }
      this.#scheduleFill();
    }, 20);
  }

  #tick(): void {
    const now = this.#ctx.clock.now();
    for (const endpoint of this.#endpoints) {
      try {
        endpoint.tick(now);
      } catch (err) {
        this.#ctx.log.error({ err, endpoint: endpoint.id }, 'media endpoint tick threw');
      }
    }
  }

  /** Closes every endpoint and the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) this.#ctx.clock.clearTimeout(this.#timer);
    if (this.#fillTimer !== null) this.#ctx.clock.clearTimeout(this.#fillTimer);
    const closing: Promise<void>[] = [];
    for (const endpoint of [...this.#endpoints]) {
      endpoint.close();
      if (endpoint instanceof RtpEndpoint) closing.push(endpoint.whenClosed);
    }
    await Promise.all([...closing, this.#ctx.socket.close()]);
  }
}
