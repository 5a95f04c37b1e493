/**
 * The 20 ms silence frames a connected leg gets while no media is relayed to it (see
 * `WebRtcEndpoint.fill`): G.711 silence bytes or Opus's 3-byte silence frame, with their own
 * sequence and timestamp, which the leg's rewriter then makes continuous with relayed media.
 */

/** The SSRC filler frames carry before rewriting (the rewriter turns it into the leg's own SSRC). */
const FILLER_SSRC = 0x64656e77;
/** One 20 ms frame of silence per codec: G.711 silence bytes, and Opus's 3-byte silence frame. */
export const SILENCE: Readonly<Record<string, { readonly payload: Buffer; readonly ticks: number }>> = {
  PCMU: { payload: Buffer.alloc(160, 0xff), ticks: 160 },
  PCMA: { payload: Buffer.alloc(160, 0xd5), ticks: 160 },
  opus: { payload: Buffer.from([0xf8, 0xff, 0xfe]), ticks: 960 },
};

export class SilenceFiller {
  #seq = 0;
  #ts = 0;

  /** The next frame for this codec with `room` spare bytes after it (for the SRTP tag); null for a codec without one. */
  next(codec: string, payloadType: number, room: number): { readonly packet: Buffer; readonly length: number } | null {
    const silence = SILENCE[codec];
    if (silence === undefined) return null;
    const length = 12 + silence.payload.length;
    const packet = Buffer.allocUnsafe(length + room);
    packet[0] = 0x80;
    packet[1] = payloadType;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + silence.ticks) >>> 0;
    packet.writeUInt16BE(this.#seq, 2);
    packet.writeUInt32BE(this.#ts, 4);
    packet.writeUInt32BE(FILLER_SSRC, 8);
    silence.payload.copy(packet, 12);
    return { packet, length };
  }
}
