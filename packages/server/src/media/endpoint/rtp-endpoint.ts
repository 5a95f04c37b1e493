/**
 * One SIP call leg terminated at Denwa: RTP/AVP on its own UDP port pair (RTP on an even port, RTCP
 * on the next), or SRTP keyed with SDES (`sdes-srtp.ts`); no ICE, no DTLS. The peer's SDP says where
 * media goes until the first valid RTP packet arrives; then media follows that packet's source
 * (symmetric RTP, "comedia", for NATed carriers). RFC 4733 digits become `dtmf` events, received RTP goes to the bridged leg
 * through its `sendRelayed`, and relayed, silence and DTMF packets leave through this leg's rewriter.
 * A bridged leg that hears nothing for `rtpTimeoutMs` while its peer should be sending emits `failed`.
 */
import { randomBytes } from 'node:crypto';
import { VoiceError } from '@denwa/protocol';
import type { MediaCodec, MediaEndpoint, MediaTap, MediaEndpointEvent, MediaEventListener, MediaResult } from '../../calls/ports.ts';
import { MediaTapPoint } from './media-tap-point.ts';
import type { TimerHandle } from '../../core/index.ts';
import { DtmfDetector, RtpRewriter, SpeechDetector, createRtpHeaderInfo, isRtcpPacket, rtpHeaderInfo } from '../rtp/index.ts';
import {
  answerPlainRtp,
  directionSends,
  isHoldAddress,
  parsePlainRtp,
  plainRtpOfferCodecs,
  readPlainRtpAnswer,
  writePlainRtp,
  type AudioCodecName,
  type PlainRtpDescription,
  type PlainRtpLocal,
  type PlainRtpMedia,
  type RtpCodec,
  type SdesSuite,
  type SrtpPolicy,
} from '../sdp/index.ts';
import { DtmfSender } from './dtmf-sender.ts';
import { zeroCounters, type MediaCounters } from './endpoint-context.ts';
import { ImpairedSender, type DatagramSender, type MediaImpairment } from './impairment.ts';
import { relayPayloadMap, type RelayCodecs, type RelayLeg } from './relay-leg.ts';
import { RtcpReporter, type LegStats } from './rtcp-reporter.ts';
import { RtpLatch, type RtpAddress } from './rtp-latch.ts';
import type { RtpContext } from './rtp-context.ts';
import type { RtpSockets } from './rtp-ports.ts';
import { SdesSrtp } from './sdes-srtp.ts';
import { SilenceFiller } from './silence.ts';
import { FILL_AFTER_MS } from './webrtc-endpoint.ts';

/** Mean RTCP report interval on SIP legs (RFC 3550 §6.2's 5 s minimum, randomized ×0.5–1.5). */
const RTCP_INTERVAL_MS = 5000;
const PRIMARY = 1;
const TELEPHONE_EVENT = 2;
let rtpEndpointSequence = 0;

export class RtpEndpoint implements MediaEndpoint, RelayLeg {
  readonly id: string;
  readonly counters: MediaCounters = zeroCounters();
  readonly #ctx: RtpContext;
  readonly #label: string;
  readonly #onEvent: MediaEventListener;
  readonly #ssrc: number;
  readonly #cname: string;
  readonly #sessionId: string;
  #sessionVersion = 0;
  #preferences: readonly AudioCodecName[] = [];
  #sockets: RtpSockets | null = null;
  #localSdp = '';
  /** Denwa's offered payload types while its offer may still be answered. */
  #offered: readonly RtpCodec[] | null = null;
  #media: PlainRtpMedia | null = null;
  #codecs: RelayCodecs | null = null;
  /** Per incoming payload type: 0 dropped, PRIMARY or TELEPHONE_EVENT. */
  readonly #accept = new Uint8Array(128);
  readonly #info = createRtpHeaderInfo();
  readonly #tap = new MediaTapPoint();
  readonly #latch = new RtpLatch();
  #rtcpLatched: RtpAddress | null = null;
  #connected = false;
  #connectTimer: TimerHandle | null = null;
  #failed = false;
  #closed = false;
  #closing: Promise<void> = Promise.resolve();
  #lastHeardAt = 0;
  #nextRtcpAt = 0;
  #rtcp: RtcpReporter | null = null;
  #dtmfIn: DtmfDetector | null = null;
  #dtmfInRate = 0;
  #speech: SpeechDetector | null = null;
  readonly #dtmfOut: DtmfSender;
  #source: RelayLeg | null = null;
  #peer: RelayLeg | null = null;
  #rewriter: RtpRewriter | null = null;
  #lastRelayedAt = Number.NEGATIVE_INFINITY;
  readonly #filler = new SilenceFiller();
  #out: DatagramSender | null = null;
  readonly #sdes = new SdesSrtp();

  constructor(ctx: RtpContext, label: string, onEvent: MediaEventListener) {
    this.#ctx = ctx;
    this.#label = label;
    this.#onEvent = onEvent;
    this.id = `MR${String(++rtpEndpointSequence)}`;
    this.#ssrc = randomBytes(4).readUInt32BE(0) || 1;
    this.#cname = randomBytes(8).toString('hex');
    this.#sessionId = String(ctx.clock.now());
    this.#dtmfOut = new DtmfSender(ctx.clock, (packet, length, now) => this.#sendOwn(packet, length, now), 16);
  }

  /**
   * Binds this leg's port pair.
   * @throws VoiceError 53405 when the relay's RTP port range has no free pair.
   */
  async open(): Promise<void> {
    const sockets = await this.#ctx.ports.bind(
      (data, address, port) => { this.#receive(data, address, port, false); },
      (data, address, port) => { this.#receive(data, address, port, true); },
    );
    this.#sockets = sockets;
    if (this.#closed) this.#release();
  }

  get codec(): MediaCodec | null {
    const p = this.#media?.primary;
    return p === undefined ? null : { name: p.name, clockRate: p.clockRate, channels: p.channels, payloadType: p.pt };
  }

  get localSdp(): string { return this.#localSdp; }

  /** The leg's RTP port (its RTCP port is the next one); 0 before {@link RtpEndpoint.open}. */
  get localPort(): number { return this.#sockets?.port ?? 0; }

  get localSsrc(): number { return this.#ssrc; }

  get connected(): boolean { return this.#connected; }

  get closed(): boolean { return this.#closed; }

  get label(): string { return this.#label; }

  /** The SRTP suite in use (SDES), or null for plain RTP. */
  get srtp(): SdesSuite | null { return this.#sdes.suite; }

  /** Where RTP goes now: the latched source, else the SDP's address; null when Denwa does not send. */
  get destination(): { readonly address: string; readonly port: number } | null {
    const to = this.#sendTo();
    return to === null ? null : { address: to.address, port: to.port };
  }

  /** Settles when the sockets are closed and the ports are free again. */
  get whenClosed(): Promise<void> { return this.#closing; }

  get relayCodecs(): RelayCodecs | null { return this.#codecs; }

  get peer(): RelayLeg | null { return this.#peer; }

  /** Quality of this leg as Denwa sees it. */
  stats(): LegStats | null {
    return this.#rtcp?.stats() ?? null;
  }

  #local(crypto: readonly string[], protocol?: string): PlainRtpLocal {
    const port = this.localPort;
    return { sessionId: this.#sessionId, sessionVersion: ++this.#sessionVersion, address: this.#ctx.advertisedAddress, port, rtcpPort: port + 1, crypto, ...(protocol === undefined ? {} : { protocol }) };
  }

  /** Denwa's offer (outbound SIP call) of `preferences` and SDES-SRTP per `srtp`, answered later by {@link RtpEndpoint.applyAnswer}. */
  makeOffer(preferences: readonly AudioCodecName[], srtp: SrtpPolicy = 'off'): string {
    this.#preferences = preferences;
    this.#offered = plainRtpOfferCodecs(preferences);
    const sdes = this.#sdes.offer(srtp);
    this.#localSdp = writePlainRtp(this.#local(sdes.crypto, sdes.protocol), this.#offered, 'sendrecv');
    return this.#localSdp;
  }

  /** Answers a SIP peer's offer (inbound SIP call) with the first of `preferences` it has, SRTP (SDES) per `srtp`. */
  answerOffer(offer: PlainRtpDescription, preferences: readonly AudioCodecName[], srtp: SrtpPolicy = 'optional'): MediaResult<string> {
    const media = answerPlainRtp(offer, preferences, undefined, srtp);
    if (media instanceof VoiceError) return { ok: false, error: media };
    this.#preferences = preferences;
    this.#sdes.policy = srtp;
    this.#localSdp = writePlainRtp(this.#local(this.#sdes.agree(media.srtp)), media.localCodecs, media.direction, offer);
    this.#negotiate(media);
    return { ok: true, value: this.#localSdp };
  }

  /**
   * Applies the peer's answer to Denwa's offer. May be applied again while the offer is current
   * (the SDP of a 183 early-media response, then the 200's).
   */
  applyAnswer(sdp: string): MediaResult<undefined> {
    if (this.#closed) return { ok: false, error: new VoiceError(53405, 'the media endpoint is closed') };
    const offered = this.#offered;
    if (offered === null) return { ok: false, error: new VoiceError(31400, 'no offer of Denwa is waiting for an answer') };
    const media = readPlainRtpAnswer(sdp, offered, this.#sdes);
    if (media instanceof VoiceError) return { ok: false, error: media };
    this.#sdes.agree(media.srtp);
    this.#negotiate(media);
    return { ok: true, value: undefined };
  }

  /**
   * A re-INVITE's offer: hold (`sendonly` → `recvonly`, `inactive` → `inactive`, `c=0.0.0.0` →
   * Denwa stops sending), unhold, a new address or port. Keeps the codec in use when the offer
   * still has it. Returns Denwa's answer; on a refusal the leg is unchanged.
   */
  reoffer(sdp: string): MediaResult<string> {
    const current = this.#media;
    if (this.#closed || current === null) return { ok: false, error: new VoiceError(31400, 'no negotiated media session to re-offer') };
    const offer = parsePlainRtp(sdp);
    if (offer instanceof VoiceError) return { ok: false, error: offer };
    const media = answerPlainRtp(offer, this.#preferences, current.primary, this.#sdes.policy);
    if (media instanceof VoiceError) return { ok: false, error: media };
    this.#offered = null;
    this.#localSdp = writePlainRtp(this.#local(this.#sdes.agree(media.srtp)), media.localCodecs, media.direction, offer);
    this.#negotiate(media);
    return { ok: true, value: this.#localSdp };
  }

  #negotiate(media: PlainRtpMedia): void {
    const previous = this.#media;
    const now = this.#ctx.clock.now();
    this.#media = media;
    this.#codecs = { primary: media.primary, primaryIn: media.primaryIn, telephoneEvents: media.telephoneEvents, telephoneEventsIn: media.telephoneEventsIn };
    this.#accept.fill(0);
    for (const pt of media.primaryIn) this.#accept[pt & 0x7f] = PRIMARY;
    for (const te of media.telephoneEventsIn) this.#accept[te.pt & 0x7f] = TELEPHONE_EVENT;
    const clockRate = media.primary.clockRate;
    if (this.#rewriter === null || previous?.primary.clockRate !== clockRate) {
      this.#rewriter = new RtpRewriter({ ssrc: this.#ssrc, payloadTypes: new Map(), clockRate });
      this.#rtcp = new RtcpReporter(this.#ssrc, this.#cname, clockRate);
    }
    if (previous?.primary.name !== media.primary.name) {
      this.#speech = new SpeechDetector(media.primary.name, (speaking) => { this.#emit({ type: 'speech', speaking }); });
    }
    const teRate = media.telephoneEventsIn[0]?.clockRate ?? 8000;
    if (this.#dtmfIn === null || this.#dtmfInRate !== teRate) {
      this.#dtmfInRate = teRate;
      this.#dtmfIn = new DtmfDetector((d) => { this.#emit({ type: 'dtmf', digit: d.digit, durationMs: d.durationMs }); }, { clockRate: teRate });
    }
    const r = media.remote;
    if (previous === null || previous.remote.address !== r.address || previous.remote.port !== r.port) {
      this.#latch.reset(true); // the peer moved its media (or this is the first description): learn its source again
    }
    if (previous?.remote.rtcpAddress !== r.rtcpAddress || previous.remote.rtcpPort !== r.rtcpPort) this.#rtcpLatched = null;
    this.#lastHeardAt = now;
    this.#rewriter.setPayloadTypes(relayPayloadMap(this.#codecs, this.#source?.relayCodecs ?? null));
    this.#peer?.attachSource(this);
    if (!this.#connected) {
      this.#connected = true;
      this.#nextRtcpAt = now + 1000;
      this.#ctx.log.debug({ endpoint: this.id, label: this.#label, codec: media.primary.name, port: this.localPort }, 'SIP media connected');
      // After the caller has the endpoint (rtpAnswer resolves first): a timer, not a microtask.
      this.#connectTimer = this.#ctx.clock.setTimeout(() => {
        this.#connectTimer = null;
        this.#emit({ type: 'connected' });
      }, 0);
    }
  }

  /** One datagram on the RTP or the RTCP port. Never throws. */
  #receive(buf: Buffer, address: string, port: number, rtcpPort: boolean): void {
    if (this.#closed) return;
    const now = this.#ctx.clock.now();
    this.counters.packetsIn++;
    this.#ctx.totals.packetsIn++;
    try {
      const rtcp = rtcpPort || isRtcpPacket(buf, buf.length);
      const plain = this.#sdes.active ? this.#sdes.unprotect(buf, rtcp) : buf; // SRTP: authenticated and decrypted in place
      if (plain === null) this.#rejected();
      else if (rtcp) this.#receiveRtcp(plain, address, port, rtcpPort, now);
      else this.#receiveRtp(plain, address, port, now);
    } catch (err) {
      this.#drop();
      this.#ctx.log.error({ err, endpoint: this.id }, 'SIP media packet handling threw');
    }
  }

  #drop(): void {
    this.counters.dropped++;
    this.#ctx.totals.dropped++;
  }

  #rejected(): void {
    this.counters.srtpRejected++;
    this.#ctx.totals.srtpRejected++;
  }

  #receiveRtcp(buf: Buffer, address: string, port: number, rtcpPort: boolean, now: number): void {
    const media = this.#media;
    const expected = this.#latch.latched?.address ?? media?.remote.address;
    if (media === null || buf.length < 8 || (buf[0] ?? 0) >> 6 !== 2 || !isRtcpPacket(buf, buf.length) || (address !== expected && address !== media.remote.address)) {
      this.#drop();
      return;
    }
    this.counters.rtcpIn++;
    this.#lastHeardAt = now;
    if (rtcpPort && (this.#rtcpLatched?.address !== address || this.#rtcpLatched.port !== port)) this.#rtcpLatched = { address, port };
    this.#rtcp?.onRtcp(buf, buf.length, now);
  }

  #receiveRtp(buf: Buffer, address: string, port: number, now: number): void {
    const len = buf.length;
    const info = rtpHeaderInfo(buf, len, this.#info);
    const kind = this.#accept[(buf[1] ?? 0) & 0x7f] ?? 0;
    if (typeof info === 'string' || this.#media === null || kind === 0) {
      this.#drop();
      return;
    }
    if (!this.#latch.accept(address, port, this.#moved)) {
      this.counters.notForwarded++;
      this.#ctx.totals.notForwarded++;
      return;
    }
    this.#lastHeardAt = now;
    this.counters.rtpIn++;
    this.#ctx.totals.rtpIn++;
    const ts = buf.readUInt32BE(4);
    this.#rtcp?.onReceived(buf.readUInt32BE(8), buf.readUInt16BE(2), ts, now);
    if (kind === TELEPHONE_EVENT) this.#dtmfIn?.push(ts, buf, info.payloadOffset, info.payloadLength);
    else this.#speech?.pushRtp(buf, len, now);
    if (kind === PRIMARY) this.#tap.push(buf, len, now, this);
    const peer = this.#peer;
    if (peer === null || !peer.sendRelayed(buf, len, now)) {
      this.counters.notForwarded++;
      this.#ctx.totals.notForwarded++;
    }
  }

  readonly #moved = (to: RtpAddress, first: boolean): void => {
    this.#ctx.log[first ? 'debug' : 'info']({ endpoint: this.id, label: this.#label, address: to.address, port: to.port }, first ? 'SIP media latched' : 'SIP media source moved');
  };

  /** Where RTP goes, or null while Denwa must not send (hold, inactive, not negotiated, closed). */
  #sendTo(): RtpAddress | null {
    const media = this.#media;
    if (media === null || this.#closed || !directionSends(media.direction)) return null;
    const latched = this.#latch.latched;
    if (latched !== null) return latched;
    const r = media.remote;
    return isHoldAddress(r.address) || r.port === 0 ? null : r;
  }

  #transmit(buf: Buffer, len: number, to: RtpAddress, now: number): void {
    const socket = this.#sockets?.rtp;
    if (socket === undefined) return;
    this.#rtcp?.onSent(len - 12, buf.readUInt32BE(4), now);
    const out = this.#sdes.protectRtp(buf, len); // SRTP: in place when there is room for the tag
    if (out === null) return;
    this.counters.packetsOut++;
    (this.#out ?? socket).send(out, 0, this.#sdes.length, to.port, to.address);
  }

  /** A plain RTP packet from the bridged leg: rewritten in place for this leg and sent. */
  sendRelayed(buf: Buffer, len: number, now: number): boolean {
    const rewriter = this.#rewriter;
    const to = this.#sendTo();
    if (rewriter === null || to === null || this.#dtmfOut.active) return false;
    if (!rewriter.rewrite(buf, len, now)) return false;
    this.#lastRelayedAt = now;
    this.#ctx.totals.rtpRelayed++;
    this.#transmit(buf, len, to, now);
    return true;
  }

  /** A packet Denwa makes itself (DTMF): through the rewriter, so the stream stays continuous. */
  #sendOwn(packet: Buffer, length: number, now: number): boolean {
    const rewriter = this.#rewriter;
    const to = this.#sendTo();
    if (rewriter === null || to === null || !rewriter.rewrite(packet, length, now)) return false;
    this.#lastRelayedAt = now;
    this.#transmit(packet, length, to, now);
    return true;
  }

  attachSource(source: RelayLeg | null): void {
    this.#source = source;
    const codecs = this.#codecs;
    if (codecs !== null) this.#rewriter?.setPayloadTypes(relayPayloadMap(codecs, source?.relayCodecs ?? null));
  }

  setPeer(peer: RelayLeg | null): void {
    if (peer !== null && this.#peer === null) this.#lastHeardAt = this.#ctx.clock.now(); // the RTP timeout starts now
    this.#peer = peer;
  }

  /**
   * Sends DTMF digits as RFC 4733 events (0-9 * # A-D; `w` pauses 500 ms; other characters are
   * skipped), after any still being sent. False when no telephone-event was negotiated.
   */
  setTap(tap: MediaTap | null): void {
    this.#tap.set(tap);
  }

  sendDigits(digits: string): boolean {
    const te = this.#media?.telephoneEvent;
    if (this.#closed || te === undefined || te === null) return false;
    this.#dtmfOut.send(digits, te);
    return true;
  }

  /** Silence frames (20 ms) when nothing was relayed for {@link FILL_AFTER_MS}: carriers expect continuous RTP. */
  fill(now: number): void {
    if (!this.#connected || this.#dtmfOut.active || now - this.#lastRelayedAt < FILL_AFTER_MS) return;
    const rewriter = this.#rewriter;
    const primary = this.#media?.primary;
    const to = this.#sendTo();
    if (rewriter === null || primary === undefined || to === null) return;
    const frame = this.#filler.next(primary.name, primary.pt, 16);
    if (frame === null || !rewriter.rewrite(frame.packet, frame.length, now)) return;
    this.#transmit(frame.packet, frame.length, to, now);
  }

  /** Periodic work: the RTP timeout, speech state, RTCP. Called by the relay. */
  tick(now: number): void {
    if (this.#closed) return;
    this.#speech?.tick(now);
    const media = this.#media;
    if (!this.#connected || media === null) return;
    // Only a bridged leg whose peer says it sends: before the bridge (ringing) the peer may not have
    // Denwa's SDP yet, and a held (sendonly, inactive, c=0.0.0.0) peer may be silent.
    if (!this.#failed && this.#peer !== null && media.remoteDirection === 'sendrecv' && now - this.#lastHeardAt >= this.#ctx.rtpTimeoutMs) {
      this.fail(`no RTP from the SIP peer for ${String(this.#ctx.rtpTimeoutMs / 1000)} s`, 'rtp-timeout');
    }
    if (now >= this.#nextRtcpAt) {
      this.#nextRtcpAt = now + Math.round(RTCP_INTERVAL_MS * (0.5 + Math.random()));
      this.#sendRtcp(now);
    }
  }

  #sendRtcp(now: number): void {
    const rtcp = this.#rtcp;
    const socket = this.#sockets?.rtcp;
    const r = this.#media?.remote;
    if (rtcp === null || socket === undefined || r === undefined) return;
    const to = this.#rtcpLatched ?? (isHoldAddress(r.rtcpAddress) ? null : { address: r.rtcpAddress, port: r.rtcpPort });
    if (to === null) return;
    const report = this.#sdes.protectRtcp(rtcp.report(now));
    if (report === null) return;
    this.counters.rtcpOut++;
    this.counters.packetsOut++;
    socket.send(report, 0, report.length, to.port, to.address);
  }

  /** Ends the leg with a `failed` event (once). */
  fail(reason: string, code = 'media-failed'): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.#ctx.log.info({ endpoint: this.id, label: this.#label, reason }, 'SIP media endpoint failed');
    this.#emit({ type: 'failed', error: new VoiceError(53405, reason, { details: { reason: code } }) });
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

  /** Test hooks: impairs what this leg is sent from now on (null: no impairment). */
  impair(impairment: MediaImpairment | null): void {
    const socket = this.#sockets?.rtp;
    this.#out = impairment === null || socket === undefined ? null : new ImpairedSender(socket, impairment);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tap.set(null);
    this.#dtmfOut.close();
    if (this.#connectTimer !== null) this.#ctx.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
    const peer = this.#peer;
    this.#peer = null;
    if (peer?.peer === this) peer.setPeer(null);
    this.#ctx.forget(this);
    this.#release();
  }

  #release(): void {
    const sockets = this.#sockets;
    this.#sockets = null;
    if (sockets === null) return;
    this.#closing = this.#ctx.ports.release(sockets).catch((err: unknown) => {
      this.#ctx.log.warn({ err, endpoint: this.id }, 'closing SIP media sockets failed');
    });
  }
}
