/**
 * Where a leg hands its received audio to a {@link MediaTap} (a recorder): the payload of each packet
 * of the leg's primary codec, after SRTP, before the packet is relayed (and rewritten in place) to the
 * other leg. Costs one branch per packet while no tap is set.
 */
import type { MediaCodec, MediaTap } from '../../calls/ports.ts';
import { createRtpHeaderInfo, rtpHeaderInfo } from '../rtp/index.ts';

export class MediaTapPoint {
  #tap: MediaTap | null = null;
  readonly #info = createRtpHeaderInfo();

  set(tap: MediaTap | null): void {
    this.#tap = tap;
  }

  /** `buf[0, len)` is a decrypted RTP packet of `leg`'s primary codec, received at `now`. */
  push(buf: Buffer, len: number, now: number, leg: { readonly codec: MediaCodec | null }): void {
    const tap = this.#tap;
    if (tap === null) return;
    const codec = leg.codec;
    if (codec === null) return;
    const info = rtpHeaderInfo(buf, len, this.#info);
    if (typeof info === 'string' || info.payloadLength === 0) return;
    try {
      tap.onAudio(buf.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength), codec, buf.readUInt32BE(4), buf.readUInt32BE(8), now);
    } catch {
      // A tap must not throw; if it does, the packet is still relayed.
    }
  }
}
