/**
 * Counters of one outgoing RTP stream and the sender report that describes it (RFC 3550 §6.4.1):
 * packet and payload octet counts, and the RTP timestamp that corresponds to the report's NTP time.
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
 */
import { UINT32_MOD } from './constants.ts';
import { ntpFromMs } from './ntp.ts';
import type { ReportBlock, SenderReportPacket } from './rtcp-types.ts';

/**
 * Tracks what one outgoing SSRC has sent. {@link SenderStats.onSent} is allocation-free.
 * @public
 */
export class SenderStats {
  /** The outgoing SSRC. */
  readonly ssrc: number;
  readonly #clockRate: number;
  #packetCount = 0;
  #octetCount = 0;
  #lastTimestamp = 0;
  #lastSentMs = Number.NaN;

  /** @param clockRate - RTP clock rate of the stream's media. */
  constructor(ssrc: number, clockRate: number) {
    this.ssrc = ssrc >>> 0;
    this.#clockRate = clockRate;
  }

  /**
   * Records a sent packet.
   * @param payloadLength - payload bytes, header and padding excluded (RFC 3550 "sender's octet count").
   * @param rtpTimestamp - the packet's RTP timestamp.
   * @param nowMs - wall-clock ms (the clock that also feeds the SR's NTP timestamp).
   */
  onSent(payloadLength: number, rtpTimestamp: number, nowMs: number): void {
    this.#packetCount = (this.#packetCount + 1) % UINT32_MOD;
    this.#octetCount = (this.#octetCount + payloadLength) % UINT32_MOD;
    this.#lastTimestamp = rtpTimestamp >>> 0;
    this.#lastSentMs = nowMs;
  }

  /** True once a packet was sent: RFC 3550 §6.4 sends an SR only then, an RR otherwise. */
  get hasSent(): boolean {
    return Number.isFinite(this.#lastSentMs);
  }

  /** Packets sent (modulo 2^32). */
  get packetCount(): number {
    return this.#packetCount;
  }

  /** Payload octets sent (modulo 2^32). */
  get octetCount(): number {
    return this.#octetCount;
  }

  /**
   * The sender report for now: NTP time from `nowMs`, and the RTP timestamp extrapolated from the
   * last sent packet at the clock rate.
   */
  senderReport(nowMs: number, reports: readonly ReportBlock[] = []): SenderReportPacket {
    const ntp = ntpFromMs(nowMs);
    const elapsed = this.hasSent ? Math.round(((nowMs - this.#lastSentMs) * this.#clockRate) / 1000) : 0;
    return {
      type: 'sr',
      ssrc: this.ssrc,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp: (this.#lastTimestamp + elapsed) >>> 0,
      packetCount: this.#packetCount,
      octetCount: this.#octetCount,
      reports,
    };
  }
}
