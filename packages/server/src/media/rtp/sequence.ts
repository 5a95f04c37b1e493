/**
 * Serial-number arithmetic for 16-bit RTP sequence numbers and 32-bit RTP timestamps (RFC 1982
 * style), and the extended sequence number of RFC 3550 Appendix A.1.
 *
 * All functions are allocation-free and take plain numbers; inputs are reduced modulo 2^16 or
 * 2^32 first, so any integer is accepted.
 */
import { RTP_SEQ_MOD, UINT32_MOD } from './constants.ts';

/**
 * The signed distance `a − b` between two sequence numbers, in `[-32768, 32767]`.
 * @example seqDelta(2, 65534) === 4; seqDelta(65534, 2) === -4
 */
export function seqDelta(a: number, b: number): number {
  return (((a - b) << 16) >> 16);
}

/** True when sequence number `a` comes after `b` (with wrap-around). Equal is not newer. */
export function isSeqNewer(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}

/** The signed distance `a − b` between two 32-bit RTP timestamps, in `[-2^31, 2^31)`. */
export function timestampDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** True when RTP timestamp `a` comes after `b` (with wrap-around). Equal is not newer. */
export function isTimestampNewer(a: number, b: number): boolean {
  return timestampDelta(a, b) > 0;
}

/**
 * Unwraps a 16-bit sequence number against an extended (cycles × 2^16 + seq) reference: returns
 * the extended value congruent to `seq` that is closest to `reference`. Never below zero.
 * @example extendSequence(3, 65535) === 65539; extendSequence(65535, 65539) === 65535
 */
export function extendSequence(seq: number, reference: number): number {
  const extended = reference + seqDelta(seq, reference & 0xffff);
  return extended < 0 ? extended + RTP_SEQ_MOD : extended;
}

/** Reduces any integer to an unsigned 32-bit value. */
export function toUint32(value: number): number {
  return ((value % UINT32_MOD) + UINT32_MOD) % UINT32_MOD;
}
