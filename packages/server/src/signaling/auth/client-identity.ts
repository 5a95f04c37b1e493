import { MAX_IDENTITY_LENGTH, VoiceError, isClientIdentity } from '@denwa/protocol';

export { isClientIdentity };

/**
 * Throws `VoiceError(31105)` unless `value` passes {@link isClientIdentity}. The identity itself is
 * not quoted in the message: it comes from an untrusted token.
 */
export function assertClientIdentity(value: string): void {
  if (value.length > MAX_IDENTITY_LENGTH) {
    throw new VoiceError(31105, `identity is longer than ${MAX_IDENTITY_LENGTH} characters`);
  }
  if (!isClientIdentity(value)) {
    throw new VoiceError(31105, 'identity must be letters, digits and underscores only');
  }
}
