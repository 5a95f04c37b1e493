/**
 * Symmetric RTP ("comedia") for SIP legs: the source of the first valid RTP packet is where media
 * goes from then on, whatever the SDP said (a carrier or phone behind NAT sends from an address its
 * SDP cannot know). A different source takes over only after {@link RELATCH_PACKETS} valid packets
 * in a row, so one stray or spoofed packet does not move the stream, while a peer that really moved
 * (a re-homed media server, a NAT rebinding) is followed within 60 ms.
 */

/** A new source replaces the latched one after this many valid RTP packets in a row from it. */
export const RELATCH_PACKETS = 3;

/** A transport address. */
export interface RtpAddress {
  readonly address: string;
  readonly port: number;
}

export class RtpLatch {
  #latched: RtpAddress | null = null;
  #candidate: RtpAddress | null = null;
  #count = 0;

  /** The latched source, or null before the first valid packet. */
  get latched(): RtpAddress | null {
    return this.#latched;
  }

  /**
   * One valid RTP packet from `address:port`. True when it comes from the latched source (latching
   * the first one, or a candidate that reached {@link RELATCH_PACKETS}); false for a source that is
   * not (yet) latched, whose packets are not used. `moved` is called when the latched source changes.
   * Allocates only when the source changes.
   */
  accept(address: string, port: number, moved: (to: RtpAddress, first: boolean) => void): boolean {
    const current = this.#latched;
    if (current !== null && current.address === address && current.port === port) {
      this.#count = 0;
      return true;
    }
    if (current === null) {
      this.#latched = { address, port };
      moved(this.#latched, true);
      return true;
    }
    const candidate = this.#candidate;
    if (this.#count > 0 && candidate?.address === address && candidate.port === port) this.#count++;
    else {
      this.#candidate = { address, port };
      this.#count = 1;
    }
    if (this.#count < RELATCH_PACKETS) return false;
    this.#latched = { address, port };
    this.reset(false);
    moved(this.#latched, false);
    return true;
  }

  /** Forgets the candidate, and with `all` the latched source too (the peer's SDP moved media). */
  reset(all: boolean): void {
    if (all) this.#latched = null;
    this.#candidate = null;
    this.#count = 0;
  }
}
