/**
 * Why a protect or unprotect call refused a packet. Returned (never thrown) as a string constant, so
 * the failure path allocates nothing; callers count them by reason and drop the packet.
 */
export type SrtpFailure =
  /** `length` is not an integer in `[0, packet.length]`. */
  | 'bad-length'
  /** Shorter than the header plus the trailer (tag, SRTCP index) this suite needs. */
  | 'too-short'
  /** The version field is not 2. */
  | 'bad-version'
  /** The RTP CSRC list or header extension runs past the end. */
  | 'bad-header'
  /** The authentication tag does not match (wrong key, tampering, wrong ROC guess, garbage). */
  | 'auth-failed'
  /** This index was already received (RFC 3711 §3.3.2). */
  | 'replayed'
  /** The index is behind the replay window, or would need a negative ROC. */
  | 'too-old'
  /** A new SSRC while `maxStreams` streams are tracked. */
  | 'too-many-streams'
  /** Protect: `packet.length` lacks room for the tag (and SRTCP index) after `length`. */
  | 'no-room'
  /** Protect: the 2^31 SRTCP indices of this key are used up (RFC 3711 §9.2); re-key. */
  | 'index-exhausted';
