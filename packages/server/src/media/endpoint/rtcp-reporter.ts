/**
 * RTCP of one leg, terminated at Denwa (RFC 3550 §6): what Denwa sends (SenderStats), what it
 * receives (ReceptionStats), the compound SR/RR + SDES it emits once a second, and the RTT it learns
 * from the browser's reports. The browser's RTCP is never forwarded to the other leg.
 */
import {
  ReceptionStats,
  SenderStats,
  compactNtpFromMs,
  parseRtcp,
  rttMs,
  sdesCname,
  serializeRtcp,
  type ReportBlock,
  type RtcpPacket,
} from '../rtp/index.ts';

/** What an endpoint knows about its leg's quality, for tests, logs and the console. */
export interface LegStats {
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** Interarrival jitter of what Denwa receives, in ms. */
  readonly jitterMs: number;
  readonly packetsSent: number;
  /** From the browser's last report block about Denwa's stream; null before one arrived. */
  readonly rttMs: number | null;
  /** Fraction lost (0–1) the browser reported for Denwa's stream. */
  readonly remoteFractionLost: number | null;
}

export class RtcpReporter {
  readonly #ssrc: number;
  readonly #cname: string;
  readonly #sent: SenderStats;
  #received: ReceptionStats | null = null;
  #receiveClockRate: number;
  #rttMs: number | null = null;
  #remoteFractionLost: number | null = null;

  constructor(ssrc: number, cname: string, clockRate: number) {
    this.#ssrc = ssrc;
    this.#cname = cname;
    this.#sent = new SenderStats(ssrc, clockRate);
    this.#receiveClockRate = clockRate;
  }

  /** One media packet received from the browser (after SRTP), for loss and jitter. */
  onReceived(ssrc: number, sequence: number, rtpTimestamp: number, arrivalMs: number): void {
    let stats = this.#received;
    if (stats?.ssrc !== ssrc) {
      stats = new ReceptionStats(ssrc, { clockRate: this.#receiveClockRate });
      this.#received = stats;
    }
    stats.update(sequence, rtpTimestamp, arrivalMs);
  }

  /** One media packet Denwa sent on this leg. */
  onSent(payloadLength: number, rtpTimestamp: number, nowMs: number): void {
    this.#sent.onSent(payloadLength, rtpTimestamp, nowMs);
  }

  /** A decrypted compound RTCP packet from the browser. Malformed input is ignored. */
  onRtcp(buf: Buffer, len: number, nowMs: number): void {
    const parsed = parseRtcp(buf, len);
    if (!parsed.ok) return;
    for (const packet of parsed.packets) {
      if (packet.type === 'sr') {
        if (this.#received?.ssrc === packet.ssrc) this.#received.onSenderReport(packet.ntpSeconds, packet.ntpFraction, nowMs);
        this.#readBlocks(packet.reports, nowMs);
      } else if (packet.type === 'rr') {
        this.#readBlocks(packet.reports, nowMs);
      }
    }
  }

  #readBlocks(blocks: readonly ReportBlock[], nowMs: number): void {
    for (const block of blocks) {
      if (block.ssrc !== this.#ssrc) continue;
      const rtt = rttMs(block, compactNtpFromMs(nowMs));
      if (rtt !== undefined) this.#rttMs = rtt;
      this.#remoteFractionLost = block.fractionLost / 256;
    }
  }

  /** The compound report to send now: SR when Denwa has sent media on this leg, else RR; then SDES. */
  report(nowMs: number): Buffer {
    const blocks = this.#received?.valid === true ? [this.#received.reportBlock(nowMs)] : [];
    const first: RtcpPacket = this.#sent.hasSent
      ? this.#sent.senderReport(nowMs, blocks)
      : { type: 'rr', ssrc: this.#ssrc, reports: blocks };
    return serializeRtcp([first, sdesCname(this.#ssrc, this.#cname)]);
  }

  stats(): LegStats {
    const r = this.#received;
    return {
      packetsReceived: r?.received ?? 0,
      packetsLost: r?.cumulativeLost ?? 0,
      jitterMs: r === null ? 0 : (r.jitter / this.#receiveClockRate) * 1000,
      packetsSent: this.#sent.packetCount,
      rttMs: this.#rttMs,
      remoteFractionLost: this.#remoteFractionLost,
    };
  }
}
