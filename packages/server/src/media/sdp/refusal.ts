/**
 * Why an SDP is refused. Every refusal is a `VoiceError` 31400 (BadRequest) whose message says the
 * reason in words and whose `details.reason` carries a {@link SdpRefusalReason} for code.
 */
import { VoiceError } from '@denwa/protocol';

/** Machine-readable refusal reasons, in `VoiceError.details.reason`. */
export type SdpRefusalReason =
  | 'too-large'
  | 'not-sdp'
  | 'bad-media-line'
  | 'no-audio'
  | 'audio-rejected'
  | 'bad-protocol'
  | 'bad-mid'
  | 'no-ice-credentials'
  | 'bad-ice-credentials'
  | 'no-fingerprint'
  | 'no-sha256-fingerprint'
  | 'bad-fingerprint'
  | 'no-rtcp-mux'
  | 'bad-setup'
  | 'no-common-codec'
  | 'no-connection'
  | 'unparseable';

/** The 488-style reason used for {@link SdpRefusalReason} `no-common-codec`. */
export const NO_COMMON_CODEC = 'Not Acceptable Here: no common audio codec';

/** A 31400 refusal with a precise reason. */
export function sdpRefusal(reason: SdpRefusalReason, detail: string, cause?: unknown): VoiceError {
  return new VoiceError(31400, detail, cause === undefined ? { details: { reason } } : { details: { reason }, cause });
}

/** The refusal reason of an error made by {@link sdpRefusal}, else undefined. */
export function sdpRefusalReason(err: unknown): SdpRefusalReason | undefined {
  if (!(err instanceof VoiceError)) return undefined;
  const reason = err.details['reason'];
  return typeof reason === 'string' ? (reason as SdpRefusalReason) : undefined;
}
