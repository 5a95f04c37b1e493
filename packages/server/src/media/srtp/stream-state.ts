/**
 * Per-SSRC state of one direction: the packet index (ROC estimation, RFC 3711 §3.3.1 and Appendix
 * A), the 64-packet replay window (§3.3.2), the SRTCP send index (§3.4) and the keystream cache.
 */
import { REPLAY_WINDOW_SIZE, ROC_MAX, SEQ_MOD } from './constants.ts';
import { KeystreamCache } from './counter-keystream.ts';
import type { SrtpFailure } from './srtp-failure.ts';

const HALF_SEQ = SEQ_MOD / 2;

/** One SSRC in one direction. For SRTP `highest` is ROC·2^16 + s_l; for SRTCP it is the SRTCP index. */
export class StreamState {
  readonly ssrc: number;
  /** Highest index sent, or received and authenticated; −1 before the first packet. */
  highest = -1;
  /** ROC of the first packet (0 unless set by `setRolloverCounter`). */
  initialRoc = 0;
  /** Replay bitmap: bit k of (high‖low) set ⇔ index `highest − k` was received. */
  windowLow = 0;
  windowHigh = 0;
  /** Next SRTCP index to send. */
  nextRtcpIndex = 0;
  /** Keystream of the next packets (SRTP streams with a cached transform only). */
  readonly cache: KeystreamCache | undefined;

  constructor(ssrc: number, cached: boolean) {
    this.ssrc = ssrc;
    this.cache = cached ? new KeystreamCache() : undefined;
  }
}

/**
 * The 48-bit index of a packet with sequence number `seq` (RFC 3711 Appendix A): the ROC guess `v`
 * is ROC − 1, ROC or ROC + 1, whichever puts `seq` within 2^15 of the highest sequence number s_l.
 * Returns −1 when that would need a ROC below 0 or above 2^32 − 1.
 */
export function estimateIndex(state: StreamState | undefined, seq: number): number {
  if (state === undefined) return seq;
  if (state.highest < 0) return state.initialRoc * SEQ_MOD + seq;
  const sl = state.highest % SEQ_MOD;
  const roc = (state.highest - sl) / SEQ_MOD;
  let v = roc;
  if (sl < HALF_SEQ) {
    if (seq - sl > HALF_SEQ) v = roc - 1;
  } else if (sl - HALF_SEQ > seq) {
    v = roc + 1;
  }
  if (v < 0 || v > ROC_MAX) return -1;
  return v * SEQ_MOD + seq;
}

/** The replay verdict for `index` (RFC 3711 §3.3.2), before authentication; `undefined` if fresh. */
export function checkReplay(state: StreamState, index: number): SrtpFailure | undefined {
  if (state.highest < 0 || index > state.highest) return undefined;
  const back = state.highest - index;
  if (back >= REPLAY_WINDOW_SIZE) return 'too-old';
  const bit = back < 32 ? (state.windowLow >>> back) & 1 : (state.windowHigh >>> (back - 32)) & 1;
  return bit === 1 ? 'replayed' : undefined;
}

/** Records an authenticated `index`: slides the window when it is the newest, else marks its bit. */
export function acceptIndex(state: StreamState, index: number): void {
  if (state.highest < 0) {
    state.highest = index;
    state.windowLow = 1;
    state.windowHigh = 0;
    return;
  }
  const d = index - state.highest;
  if (d > 0) {
    if (d >= REPLAY_WINDOW_SIZE) {
      state.windowHigh = 0;
      state.windowLow = 0;
    } else if (d >= 32) {
      state.windowHigh = state.windowLow << (d - 32);
      state.windowLow = 0;
    } else {
      state.windowHigh = (state.windowHigh << d) | (state.windowLow >>> (32 - d));
      state.windowLow = state.windowLow << d;
    }
    state.windowLow |= 1;
    state.highest = index;
  } else {
    const back = -d;
    if (back < 32) state.windowLow |= 1 << back;
    else if (back < REPLAY_WINDOW_SIZE) state.windowHigh |= 1 << (back - 32);
  }
}

/** Sender side: remembers `index` as the highest sent when it is newer (no window). */
export function noteSent(state: StreamState, index: number): void {
  if (index > state.highest) state.highest = index;
}
