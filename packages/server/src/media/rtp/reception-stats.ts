/**
 * Reception statistics for one incoming RTP source, as RTCP report blocks carry them:
 * sequence tracking (RFC 3550 A.1), expected/lost/fraction lost with per-report interval
 * bookkeeping (A.3), interarrival jitter (A.8), and LSR/DLSR from the source's sender reports
 * (§6.4.1). Plus {@link rttMs}, the round-trip time from a report block we received.
 * @see https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3
 */
import { MIN_SEQUENTIAL } from './constants.ts';
import { compactNtpToMs, msToCompactNtp, ntpMiddle32 } from './ntp.ts';
import type { ReportBlock } from './rtcp-types.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { timestampDelta } from './sequence.ts';

/** Settings of a {@link ReceptionStats}. */
export interface ReceptionStatsOptions {
  /** RTP clock rate of the source's media (e.g. 48000 for Opus, 8000 for PCMU). */
  readonly clockRate: number;
  /** Sequential packets before the source is valid (RFC 3550 `MIN_SEQUENTIAL`, default 2). */
  readonly minSequential?: number;
}

/**
 * Statistics of one incoming SSRC. The `update*` methods are allocation-free and run per packet;
 * {@link ReceptionStats.reportBlock} runs once per RTCP interval and closes that interval.
 * @public
 */
export class ReceptionStats {
  /** The SSRC reported on. */
  readonly ssrc: number;
  readonly #clockRate: number;
  readonly #seq: SequenceTracker;
  #restartsSeen = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  /** Interarrival jitter estimate in timestamp units, as a float (RFC 3550 A.8 `jitter / 16`). */
  #jitter = 0;
  /** Last transit's inputs: arrival (ms) and RTP timestamp; NaN until the first packet. */
  #lastArrivalMs = Number.NaN;
  #lastTimestamp = 0;
  #lsr = 0;
  #lastSrArrivalMs = Number.NaN;

  constructor(ssrc: number, options: ReceptionStatsOptions) {
    this.ssrc = ssrc >>> 0;
    this.#clockRate = options.clockRate;
    this.#seq = new SequenceTracker(options.minSequential ?? MIN_SEQUENTIAL);
  }

  /**
   * Records one media packet: its sequence number for loss, and its RTP timestamp and arrival
   * time for jitter.
   * @param arrivalMs - arrival time on any monotonic ms clock (fractions welcome).
   * @returns false while the source is on probation or after a sequence jump (not counted).
   */
  update(sequence: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.updateSequence(sequence)) return false;
    // RFC 3550 A.8: D(i-1,i) = (R_i − R_{i-1}) − (S_i − S_{i-1}) in timestamp units;
    // J += (|D| − J) / 16. The timestamp difference is taken modulo 2^32.
    if (Number.isFinite(this.#lastArrivalMs)) {
      const arrivalDelta = ((arrivalMs - this.#lastArrivalMs) * this.#clockRate) / 1000;
      const d = arrivalDelta - timestampDelta(rtpTimestamp, this.#lastTimestamp);
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#lastArrivalMs = arrivalMs;
    this.#lastTimestamp = rtpTimestamp >>> 0;
    return true;
  }

  /**
   * Records a packet for loss accounting only: for packets of this SSRC whose timestamps do not
   * follow the media clock, such as RFC 4733 telephone-events (repeated timestamps, maybe another
   * clock rate).
   * @returns as {@link ReceptionStats.update}.
   */
  updateSequence(sequence: number): boolean {
    const valid = this.#seq.update(sequence);
    if (this.#seq.restarts !== this.#restartsSeen) {
      // (Re)initialised: A.1 init_seq also zeroes expected_prior and received_prior.
      this.#restartsSeen = this.#seq.restarts;
      this.#expectedPrior = 0;
      this.#receivedPrior = 0;
      this.#lastArrivalMs = Number.NaN;
    }
    return valid;
  }

  /**
   * Records a sender report from this source, for the LSR and DLSR fields (RFC 3550 §6.4.1).
   * @param arrivalMs - arrival time on the same ms clock later passed to {@link ReceptionStats.reportBlock}.
   */
  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    this.#lsr = ntpMiddle32(ntpSeconds, ntpFraction);
    this.#lastSrArrivalMs = arrivalMs;
  }

  /**
   * The report block to send now, and the start of a new reporting interval (RFC 3550 A.3: the
   * fraction lost covers packets since the previous call).
   */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.#seq.expected;
    const received = this.#seq.received;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const hasSr = Number.isFinite(this.#lastSrArrivalMs);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.#seq.valid ? this.#seq.extendedMax >>> 0 : 0,
      jitter: Math.floor(this.#jitter),
      lsr: hasSr ? this.#lsr : 0,
      dlsr: hasSr ? msToCompactNtp(nowMs - this.#lastSrArrivalMs) : 0,
    };
  }

  /** Packets expected since the source became valid (RFC 3550 A.3). */
  get expected(): number {
    return this.#seq.expected;
  }

  /** Packets counted since the source became valid, duplicates included. */
  get received(): number {
    return this.#seq.received;
  }

  /** Expected − received, clamped to the signed 24-bit range of the report block. */
  get cumulativeLost(): number {
    const lost = this.#seq.expected - this.#seq.received;
    return Math.max(-0x80_0000, Math.min(0x7f_ffff, lost));
  }

  /** Extended highest sequence number received (0 before the source is valid). */
  get extendedHighestSequence(): number {
    return this.#seq.valid ? this.#seq.extendedMax : 0;
  }

  /** Current interarrival jitter in timestamp units (unrounded). */
  get jitter(): number {
    return this.#jitter;
  }

  /** True once the source passed probation. */
  get valid(): boolean {
    return this.#seq.valid;
  }
}

/**
 * Round-trip time from a report block that a receiver sent about one of our streams
 * (RFC 3550 §6.4.1: `A − LSR − DLSR`, in compact NTP units).
 * @param nowCompactNtp - the arrival time of the report, as {@link compactNtpFromMs} of the same
 *   wall clock used for our sender reports' NTP timestamps.
 * @returns the RTT in ms (negative results from rounding are clamped to 0), or undefined when the
 *   block has no LSR (the receiver has not seen a sender report from us yet).
 */
export function rttMs(block: Pick<ReportBlock, 'lsr' | 'dlsr'>, nowCompactNtp: number): number | undefined {
  if (block.lsr === 0) return undefined;
  const units = (nowCompactNtp - block.lsr - block.dlsr) | 0;
  return units <= 0 ? 0 : compactNtpToMs(units);
}
