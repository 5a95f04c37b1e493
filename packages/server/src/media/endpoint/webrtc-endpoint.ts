/**
 * One WebRTC call leg terminated at Denwa: ICE-lite responder, DTLS-SRTP server, SRTP contexts,
 * per-leg RTCP and DTMF detection. Packets arrive already demultiplexed by the relay; RTP goes to the
 * bridged peer endpoint through {@link WebRtcEndpoint.sendRelayed}, rewritten and re-protected in
 * place. The per-packet path allocates nothing.
 */
import { randomBytes } from 'node:crypto';
import { VoiceError } from '@denwa/protocol';
import type { MediaCodec, MediaEndpoint, MediaTap, MediaEventListener, MediaEndpointEvent, MediaResult } from '../../calls/ports.ts';
import { MediaTapPoint } from './media-tap-point.ts';
import { DtlsServer, type DtlsConnection } from '../dtls/index.ts';
import { DtmfDetector, RtpRewriter, SpeechDetector, isRtcpPacket, type DtmfDigit } from '../rtp/index.ts';
import { buildAnswer, buildOffer, buildReinviteAnswer, isIceRestart, offeredAudioCodecs, parseAnswer, parseOffer, type AudioCodecName, type NegotiatedMedia, type OfferParams } from '../sdp/index.ts';
import { srtpSessionsFromDtls, srtpSuiteForProtectionProfile, type SrtpSession } from '../srtp/index.ts';
import { IceLiteAgent, generateIcePwd, generateIceUfrag } from '../stun/index.ts';
import { DtmfSender } from './dtmf-sender.ts';
import { zeroCounters, type EndpointContext, type MediaCounters } from './endpoint-context.ts';
import { ImpairedSender, type DatagramSender, type MediaImpairment } from './impairment.ts';
import { relayPayloadMap, type RelayCodecs, type RelayLeg } from './relay-leg.ts';
import { RtcpReporter, type LegStats } from './rtcp-reporter.ts';
import { SilenceFiller } from './silence.ts';

const AUDIO_CODECS: readonly AudioCodecName[] = ['PCMU', 'opus', 'PCMA'];
/** Room kept for the SRTP tag (GCM: 16) and the SRTCP index (4). */
const TRAILER_ROOM = 20;
/** After this long without relayed media, a connected leg gets silence frames (browsers warn after 3 s of nothing). */
export const FILL_AFTER_MS = 200;
let endpointSequence = 0;

/** The remote transport address media is sent to. */
interface Remote {
  address: string;
  port: number;
}

export class WebRtcEndpoint implements MediaEndpoint, RelayLeg {
  readonly id: string;
  readonly counters: MediaCounters = zeroCounters();
  readonly #ctx: EndpointContext;
  readonly #label: string;
  readonly #onEvent: MediaEventListener;
  readonly #ssrc: number;
  readonly #cname: string;
  readonly #tap = new MediaTapPoint();
  readonly #createdAt: number;
  #localIce: { ufrag: string; pwd: string };
  #sessionVersion = 1;
  #localSdp = '';
  #offerParams: OfferParams | null = null;
  #negotiated: NegotiatedMedia | null = null;
  #agent: IceLiteAgent | null = null;
  #dtls: DtlsServer | null = null;
  #dtlsPeer: Remote | null = null;
  #protect: SrtpSession | null = null;
  #unprotect: SrtpSession | null = null;
  #remote: Remote | null = null;
  #connected = false;
  #closed = false;
  #failed = false;
  #rtcp: RtcpReporter | null = null;
  #nextRtcpAt = 0;
  #dtmf: DtmfDetector | null = null;
  #dtmfPts = new Uint8Array(128);
  #peer: RelayLeg | null = null;
  #codecs: RelayCodecs | null = null;
  readonly #dtmfOut: DtmfSender;
  #rewriter: RtpRewriter | null = null;
  #lastRelayedAt = Number.NEGATIVE_INFINITY;
  readonly #filler = new SilenceFiller();
  /** Whether this leg's sender is talking (reported to the bridged browser as far-end speech). */
  #speech: SpeechDetector | null = null;
  readonly #bound: Remote[] = [];
  /** Where this leg's RTP, RTCP and STUN go: the relay's socket, or an impaired view of it (test hooks). */
  #out: DatagramSender | null = null;

  constructor(ctx: EndpointContext, label: string, onEvent: MediaEventListener) {
    this.#ctx = ctx;
    this.#label = label;
    this.#onEvent = onEvent;
    this.id = `ME${String(++endpointSequence)}`;
    this.#ssrc = randomBytes(4).readUInt32BE(0) || 1;
    this.#cname = randomBytes(8).toString('hex');
    this.#localIce = { ufrag: generateIceUfrag(), pwd: generateIcePwd() };
    this.#createdAt = ctx.clock.now();
    this.#dtmfOut = new DtmfSender(ctx.clock, (packet, length, now) => this.#sendOwn(packet, length, now), TRAILER_ROOM);
    ctx.registry.addUfrag(this.#localIce.ufrag, this);
  }

  get codec(): MediaCodec | null {
    const p = this.#negotiated?.primary;
    return p === undefined ? null : { name: p.name, clockRate: p.clockRate, channels: p.channels, payloadType: p.pt };
  }

  get localSdp(): string { return this.#localSdp; }

  get connected(): boolean { return this.#connected; }

  get localSsrc(): number { return this.#ssrc; }

  /** Quality of this leg as Denwa sees it. */
  stats(): LegStats | null {
    return this.#rtcp?.stats() ?? null;
  }

  #localParams(): Omit<OfferParams, 'mid' | 'codecPreferences'> {
    return {
      sessionId: String(this.#createdAt),
      sessionVersion: this.#sessionVersion++,
      address: this.#ctx.advertisedAddress,
      port: this.#ctx.advertisedPort,
      iceUfrag: this.#localIce.ufrag,
      icePwd: this.#localIce.pwd,
      fingerprint: { algorithm: 'sha-256', value: this.#ctx.certificate.fingerprint.replace(/^sha-256 /, '') },
      ssrc: this.#ssrc,
      cname: this.#cname,
      dtmf: true,
      msid: { stream: 'denwa', track: this.id },
    };
  }

  /** Answers a browser's offer. */
  answerOffer(offerSdp: string): MediaResult<string> {
    const offer = parseOffer(offerSdp);
    if (offer instanceof VoiceError) return { ok: false, error: offer };
    const preferences = offeredAudioCodecs(offer);
    const built = buildAnswer(offer, { ...this.#localParams(), codecPreferences: preferences.length > 0 ? preferences : AUDIO_CODECS });
    if (built instanceof VoiceError) return { ok: false, error: built };
    this.#localSdp = built.sdp;
    this.#negotiate(built.negotiated);
    return { ok: true, value: built.sdp };
  }

  /** Makes Denwa's offer (to ring a browser). */
  makeOffer(codecs: readonly string[]): string {
    const wanted = codecs.map((c) => AUDIO_CODECS.find((a) => a.toLowerCase() === c.toLowerCase())).filter((c) => c !== undefined);
    const params: OfferParams = { ...this.#localParams(), mid: '0', codecPreferences: wanted.length > 0 ? wanted : AUDIO_CODECS };
    this.#offerParams = params;
    this.#localSdp = buildOffer(params);
    return this.#localSdp;
  }

  applyAnswer(sdp: string): MediaResult<undefined> {
    if (this.#closed) return { ok: false, error: new VoiceError(53405, 'the media endpoint is closed') };
    if (this.#offerParams === null || this.#negotiated !== null) {
      return { ok: false, error: new VoiceError(31400, 'no offer of Denwa is waiting for an answer') };
    }
    const negotiated = parseAnswer(sdp, this.#offerParams);
    if (negotiated instanceof VoiceError) return { ok: false, error: negotiated };
    this.#negotiate(negotiated);
    return { ok: true, value: undefined };
  }

  reoffer(sdp: string): MediaResult<string> {
    const previous = this.#negotiated;
    if (this.#closed || previous === null) return { ok: false, error: new VoiceError(31400, 'no negotiated media session to re-offer') };
    const offer = parseOffer(sdp);
    if (offer instanceof VoiceError) return { ok: false, error: offer };
    const restart = isIceRestart(previous, offer);
    if (restart) this.#localIce = { ufrag: generateIceUfrag(), pwd: generateIcePwd() };
    const built = buildReinviteAnswer(offer, { ...this.#localParams(), codecPreferences: AUDIO_CODECS }, previous);
    if (built instanceof VoiceError) return { ok: false, error: built };
    if (restart) {
      this.#ctx.registry.addUfrag(this.#localIce.ufrag, this);
      this.#agent?.restart({ localUfrag: this.#localIce.ufrag, localPwd: this.#localIce.pwd, remoteUfrag: offer.ice.ufrag, remotePwd: offer.ice.pwd });
    }
    this.#negotiated = { ...built.negotiated, primary: previous.primary };
    this.#localSdp = built.sdp;
    return { ok: true, value: built.sdp };
  }

  #negotiate(n: NegotiatedMedia): void {
    this.#negotiated = n;
    const tes = n.telephoneEvents;
    this.#codecs = { primary: n.primary, primaryIn: [n.primary.pt], telephoneEvents: tes, telephoneEventsIn: tes };
    this.#rewriter = new RtpRewriter({ ssrc: this.#ssrc, payloadTypes: relayPayloadMap(this.#codecs, null), clockRate: n.primary.clockRate });
    this.#agent = new IceLiteAgent({ localUfrag: n.localIce.ufrag, localPwd: n.localIce.pwd, remoteUfrag: n.remoteIce.ufrag, remotePwd: n.remoteIce.pwd });
    this.#rtcp = new RtcpReporter(this.#ssrc, this.#cname, n.primary.clockRate);
    for (const te of n.telephoneEvents) this.#dtmfPts[te.pt & 0x7f] = 1;
    const te = n.telephoneEvent ?? n.telephoneEvents[0];
    this.#dtmf = new DtmfDetector((d) => { this.#onDigit(d); }, { clockRate: te?.clockRate ?? 8000 });
    this.#speech = new SpeechDetector(n.primary.name, (speaking) => { this.#emit({ type: 'speech', speaking }); });
    const ctx = this.#ctx;
    this.#dtls = new DtlsServer({
      certificate: ctx.certificate,
      clock: ctx.clock,
      cookieSecret: ctx.cookieSecret,
      expectedRemoteFingerprint: n.remoteFingerprints.map((f) => `${f.algorithm} ${f.value}`),
      send: (datagram) => {
        const to = this.#dtlsPeer ?? this.#remote;
        if (to === null) return;
        this.counters.packetsOut++;
        ctx.socket.send(datagram, 0, datagram.length, to.port, to.address);
      },
      onConnected: (c) => { this.#onDtlsConnected(c); },
      onFailed: (reason) => { this.fail(`DTLS handshake failed: ${reason}`); },
      onClosed: (reason) => { this.fail(`DTLS closed by the browser: ${reason}`); },
    });
  }

  #onDtlsConnected(c: DtlsConnection): void {
    const suite = srtpSuiteForProtectionProfile(c.srtpProfile);
    if (suite === undefined) {
      this.fail(`unsupported SRTP profile ${c.srtpProfile}`);
      return;
    }
    const pair = srtpSessionsFromDtls(suite, c.keyingMaterial, 'server');
    this.#protect = pair.protect;
    this.#unprotect = pair.unprotect;
    this.#connected = true;
    this.#nextRtcpAt = this.#ctx.clock.now() + 500;
    this.#ctx.log.debug({ endpoint: this.id, label: this.#label, srtp: c.srtpProfile, cipher: c.cipherSuite }, 'media connected');
    this.#emit({ type: 'connected' });
  }

  /** One datagram for this endpoint. Never throws. */
  receive(buf: Buffer, address: string, port: number, family: 4 | 6, now: number): void {
    if (this.#closed) return;
    this.counters.packetsIn++;
    const b0 = buf.length > 0 ? (buf[0] ?? 0) : 255;
    if (b0 < 4) this.#receiveStun(buf, address, port, family, now);
    else if (b0 >= 20 && b0 <= 63) this.#receiveDtls(buf, address, port);
    else if (b0 >= 128 && b0 <= 191) this.#receiveRtp(buf, now);
    else this.#drop();
  }

  #drop(): void {
    this.counters.dropped++;
    this.#ctx.totals.dropped++;
  }

  #receiveStun(buf: Buffer, address: string, port: number, family: 4 | 6, now: number): void {
    this.counters.stunIn++;
    const agent = this.#agent;
    if (agent === null) {
      this.#drop(); // our offer is not answered yet: the browser retransmits its checks
      return;
    }
    const result = agent.handleBindingRequest(buf, { address, port, family }, now);
    if (result.kind === 'ignore') {
      this.#drop();
      return;
    }
    this.counters.packetsOut++;
    (this.#out ?? this.#ctx.socket).send(result.bytes, 0, result.bytes.length, port, address);
    if (result.kind !== 'response') return;
    if (!this.#bound.some((b) => b.address === address && b.port === port)) {
      if (this.#bound.length >= 8) {
        const old = this.#bound.shift();
        if (old !== undefined) this.#ctx.registry.unbindAddress(old.address, old.port);
      }
      this.#bound.push({ address, port });
      this.#ctx.registry.bindAddress(address, port, this);
    }
    if (result.selectedChanged || this.#remote === null) {
      const selected = agent.selected;
      if (selected !== undefined) this.#remote = { address: selected.address, port: selected.port };
      else if (this.#remote === null) this.#remote = { address, port };
    }
  }

  #receiveDtls(buf: Buffer, address: string, port: number): void {
    this.counters.dtlsIn++;
    const dtls = this.#dtls;
    if (dtls === null) {
      this.#drop();
      return;
    }
    if (this.#dtlsPeer?.address !== address || this.#dtlsPeer.port !== port) this.#dtlsPeer = { address, port };
    dtls.handleDatagram(buf);
  }

  #receiveRtp(buf: Buffer, now: number): void {
    const unprotect = this.#unprotect;
    if (unprotect === null) {
      this.#drop();
      return;
    }
    if (isRtcpPacket(buf, buf.length)) {
      this.counters.rtcpIn++;
      const len = unprotect.unprotectRtcp(buf, buf.length);
      if (typeof len !== 'number') {
        this.#rejected();
        return;
      }
      this.#rtcp?.onRtcp(buf, len, now);
      return;
    }
    this.counters.rtpIn++;
    this.#ctx.totals.rtpIn++;
    const len = unprotect.unprotectRtp(buf, buf.length);
    if (typeof len !== 'number') {
      this.#rejected();
      return;
    }
    if (len < 12) return;
    const pt = (buf[1] ?? 0) & 0x7f;
    const seq = buf.readUInt16BE(2);
    const ts = buf.readUInt32BE(4);
    const ssrc = buf.readUInt32BE(8);
    this.#rtcp?.onReceived(ssrc, seq, ts, now);
    if (this.#dtmfPts[pt] === 1) {
      const offset = 12 + 4 * ((buf[0] ?? 0) & 0x0f);
      if (len >= offset + 4) this.#dtmf?.push(ts, buf, offset, len - offset);
    } else if (pt === this.#negotiated?.primary.pt) {
      this.#speech?.pushRtp(buf, len, now);
      this.#tap.push(buf, len, now, this);
    }
    const peer = this.#peer;
    if (peer === null || !peer.sendRelayed(buf, len, now)) {
      this.counters.notForwarded++;
      this.#ctx.totals.notForwarded++;
    }
  }

  #rejected(): void {
    this.counters.srtpRejected++;
    this.#ctx.totals.srtpRejected++;
  }

  /**
   * Sends a decrypted RTP packet from the bridged peer to this leg: payload type, SSRC, sequence and
   * timestamp rewritten, then protected with this leg's context. False when it is not forwarded.
   */
  sendRelayed(buf: Buffer, len: number, now: number): boolean {
    const rewriter = this.#rewriter;
    const protect = this.#protect;
    const remote = this.#remote;
    if (rewriter === null || protect === null || remote === null || this.#closed || this.#dtmfOut.active) return false;
    if (!rewriter.rewrite(buf, len, now)) return false;
    this.#lastRelayedAt = now;
    // In place: the packet arrived with its own SRTP tag, so the room is there when both legs use
    // the same suite. A leg on a suite with a longer tag gets a copy (the only allocation here).
    let out = buf;
    let protectedLen = protect.protectRtp(out, len);
    if (protectedLen === 'no-room') {
      out = Buffer.allocUnsafe(len + TRAILER_ROOM);
      buf.copy(out, 0, 0, len);
      protectedLen = protect.protectRtp(out, len);
    }
    if (typeof protectedLen !== 'number') return false;
    this.#rtcp?.onSent(len - 12, out.readUInt32BE(4), now);
    this.counters.packetsOut++;
    this.#ctx.totals.rtpRelayed++;
    (this.#out ?? this.#ctx.socket).send(out, 0, protectedLen, remote.port, remote.address);
    return true;
  }

  /** Starts receiving `source`'s media (null: stop). Builds the payload type map for this leg. */
  attachSource(source: RelayLeg | null): void {
    const mine = this.#codecs;
    const theirs = source?.relayCodecs ?? null;
    if (mine !== null && theirs !== null) this.#rewriter?.setPayloadTypes(relayPayloadMap(mine, theirs));
  }

  get relayCodecs(): RelayCodecs | null { return this.#codecs; }

  /** The bridged peer whose media this endpoint forwards to (null: none). */
  setPeer(peer: RelayLeg | null): void {
    this.#peer = peer;
  }

  get peer(): RelayLeg | null { return this.#peer; }

  /** Sends DTMF digits as RFC 4733 events (see `DtmfSender`); false when no telephone-event was negotiated. */
  setTap(tap: MediaTap | null): void {
    this.#tap.set(tap);
  }

  sendDigits(digits: string): boolean {
    const te = this.#negotiated?.telephoneEvent;
    if (this.#closed || te === undefined || te === null) return false;
    this.#dtmfOut.send(digits, te);
    return true;
  }

  /**
   * Sends one 20 ms silence frame when this connected leg has had no relayed media for
   * {@link FILL_AFTER_MS} (ringing, a silent peer, before the bridge): browsers expect continuous RTP.
   * The frame goes through the leg's rewriter, so sequence numbers and timestamps stay continuous
   * when relayed media starts. Called by the relay every 20 ms.
   */
  fill(now: number): void {
    if (!this.#connected || this.#closed || this.#dtmfOut.active || now - this.#lastRelayedAt < FILL_AFTER_MS) return;
    const primary = this.#negotiated?.primary;
    const frame = primary === undefined ? null : this.#filler.next(primary.name, primary.pt, TRAILER_ROOM);
    if (frame !== null) this.#sendOwn(frame.packet, frame.length, now);
  }

  /** A packet Denwa makes itself (silence, DTMF; `TRAILER_ROOM` spare bytes): rewritten, protected, sent. */
  #sendOwn(packet: Buffer, length: number, now: number): boolean {
    const rewriter = this.#rewriter;
    const protect = this.#protect;
    const remote = this.#remote;
    if (rewriter === null || protect === null || remote === null || this.#closed || !rewriter.rewrite(packet, length, now)) return false;
    const protectedLen = protect.protectRtp(packet, length);
    if (typeof protectedLen !== 'number') return false;
    this.#rtcp?.onSent(length - 12, packet.readUInt32BE(4), now);
    this.counters.packetsOut++;
    (this.#out ?? this.#ctx.socket).send(packet, 0, protectedLen, remote.port, remote.address);
    return true;
  }

  /** Periodic work: RTCP, consent freshness and the connect timeout. Called by the relay. */
  tick(now: number): void {
    if (this.#closed) return;
    const agent = this.#agent;
    const consent = agent?.lastConsent;
    if (this.#connected && consent !== undefined && now - consent >= this.#ctx.consentTimeoutMs) {
      this.fail('consent freshness expired: no STUN check from the browser for 30 s');
      return;
    }
    if (!this.#connected && now - this.#createdAt > this.#ctx.connectTimeoutMs) {
      this.fail('ICE/DTLS did not connect in time');
      return;
    }
    this.#speech?.tick(now);
    if (this.#connected && now >= this.#nextRtcpAt) {
      this.#nextRtcpAt = now + 500 + Math.floor(Math.random() * 1000);
      this.#sendRtcp(now);
    }
  }

  #sendRtcp(now: number): void {
    const rtcp = this.#rtcp;
    const protect = this.#protect;
    const remote = this.#remote;
    if (rtcp === null || protect === null || remote === null) return;
    const plain = rtcp.report(now);
    const out = Buffer.allocUnsafe(plain.length + TRAILER_ROOM);
    plain.copy(out);
    const len = protect.protectRtcp(out, plain.length);
    if (typeof len !== 'number') return;
    this.counters.rtcpOut++;
    this.counters.packetsOut++;
    (this.#out ?? this.#ctx.socket).send(out, 0, len, remote.port, remote.address);
  }

  #onDigit(d: DtmfDigit): void {
    this.#emit({ type: 'dtmf', digit: d.digit, durationMs: d.durationMs });
  }

  /** Ends the leg with a `failed` event (once). */
  fail(reason: string): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.#ctx.log.info({ endpoint: this.id, label: this.#label, reason }, 'media endpoint failed');
    this.#emit({ type: 'failed', error: new VoiceError(53405, reason) });
  }

  #emit(event: MediaEndpointEvent): void {
    const listener = this.#onEvent;
    queueMicrotask(() => {
      if (this.#closed) return;
      try {
        listener(event);
      } catch (err) {
        this.#ctx.log.error({ err, endpoint: this.id }, 'media event listener threw');
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tap.set(null);
    this.#dtmf?.flush();
    this.#dtmfOut.close();
    this.#dtls?.close();
    this.#agent?.close();
    const peer = this.#peer;
    this.#peer = null;
    if (peer?.peer === this) peer.setPeer(null);
    for (const b of this.#bound) this.#ctx.registry.unbindAddress(b.address, b.port);
    this.#bound.length = 0;
    this.#ctx.registry.forget(this);
  }

  get closed(): boolean { return this.#closed; }

  /** Test hooks: impairs what this leg is sent from now on (null: no impairment). */
  impair(impairment: MediaImpairment | null): void {
    this.#out = impairment === null ? null : new ImpairedSender(this.#ctx.socket, impairment);
  }

  /** The label the call engine gave (the call sid first). */
  get label(): string { return this.#label; }

  /** Every ICE ufrag this endpoint has used (the relay unregisters them on close). */
  get localUfrag(): string { return this.#localIce.ufrag; }
}
