/**
 * Per-source sequence bookkeeping of RFC 3550 Appendix A.1 (`init_seq` / `update_seq`): probation
 * of new sources, sequence cycles, dropouts, misordering and restarts. {@link ReceptionStats} builds
 * on it; it is exported for callers that need only the extended sequence number.
 * @see https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1
 */
import { MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL, RTP_SEQ_MOD } from './constants.ts';

/**
 * Tracks one source's sequence numbers. `update` is allocation-free and meant for every packet.
 * @public
 */
export class SequenceTracker {
  /** Highest sequence number seen (16 bits). */
  #maxSeq = 0;
  /** Shifted count of sequence number cycles (a multiple of 2^16). */
  #cycles = 0;
  #baseSeq = 0;
  /** Last "bad" sequence number + 1; `RTP_SEQ_MOD + 1` when none. */
  #badSeq = RTP_SEQ_MOD + 1;
  #probation: number;
  #received = 0;
  #started = false;
  #restarts = 0;
  readonly #minSequential: number;

  /**
   * @param minSequential - sequential packets needed before the source counts as valid
   *   (RFC 3550 `MIN_SEQUENTIAL`, default 2). Use 1 to accept a signalled source at once.
   */
  constructor(minSequential: number = MIN_SEQUENTIAL) {
    this.#minSequential = Math.max(1, Math.floor(minSequential));
    this.#probation = this.#minSequential;
  }

  /**
   * Feeds one packet's sequence number (RFC 3550 A.1 `update_seq`).
   * @returns true when the packet is valid and was counted; false while the source is on probation
   *   or after a large jump (the second sequential packet after such a jump restarts the counts).
   */
  update(sequence: number): boolean {
    const seq = sequence & 0xffff;
    if (!this.#started) {
      // init: max_seq = seq - 1; probation = MIN_SEQUENTIAL
      this.#started = true;
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // "Source is not valid until MIN_SEQUENTIAL packets with sequential sequence numbers have
      // been received."
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#init(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // The sequence number made a very large jump.
      if (seq === this.#badSeq) {
        // Two sequential packets: assume the other side restarted without telling us.
        this.#init(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: duplicate or reordered packet.
    this.#received++;
    return true;
  }

  /** Forgets the source; the next packet starts probation again. */
  reset(): void {
    this.#started = false;
    this.#maxSeq = 0;
    this.#cycles = 0;
    this.#baseSeq = 0;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#probation = this.#minSequential;
    this.#received = 0;
  }

  /** True once the source has passed probation. */
  get valid(): boolean {
    return this.#started && this.#probation === 0;
  }

  /** Packets counted since the source became valid (duplicates included, as in RFC 3550 A.3). */
  get received(): number {
    return this.#received;
  }

  /** The first valid sequence number (`base_seq`). */
  get baseSequence(): number {
    return this.#baseSeq;
  }

  /** Highest sequence number received, extended with the cycle count (`cycles + max_seq`). */
  get extendedMax(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Packets expected since the source became valid (`extended_max − base_seq + 1`). */
  get expected(): number {
    return this.valid ? this.extendedMax - this.#baseSeq + 1 : 0;
  }

  #init(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#restarts++;
  }

  /**
   * How many times the counts were (re)initialised: 1 after probation, +1 for every detected
   * restart of the sender. Lets {@link ReceptionStats} reset its interval bookkeeping.
   */
  get restarts(): number {
    return this.#restarts;
  }
}
