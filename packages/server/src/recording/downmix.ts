/**
 * Channel-count conversion for serving a recording in the channel count a client asks for
 * (`?RequestedChannels=1` on a dual-channel recording, `=2` on a mono one). Averaging, rather than
 * summing, cannot clip and keeps a single talker's level within 6 dB of the original; the two
 * legs of a call rarely talk at once, so the mix sounds like the mono recording would have.
 */

/**
 * Interleaved stereo → mono, each frame the mean of its left and right samples (rounded toward
 * −∞). A trailing half frame is ignored.
 */
export function downmixStereo(interleaved: Int16Array): Int16Array {
  const frames = interleaved.length >> 1;
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) out[i] = ((interleaved[2 * i] ?? 0) + (interleaved[2 * i + 1] ?? 0)) >> 1;
  return out;
}

/** Mono → interleaved stereo, each sample in both channels. */
export function upmixMono(mono: Int16Array): Int16Array {
  const out = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) {
    const s = mono[i] ?? 0;
    out[2 * i] = s;
    out[2 * i + 1] = s;
  }
  return out;
}
