import { VoiceError } from '@denwa/protocol';
import { MAX_IDENTITY_LENGTH } from './defaults.ts';

const IDENTITY_CHARS = /^[A-Za-z0-9_]+$/;

/**
 * True when `value` is a client identity Twilio accepts: 1 to 121 ASCII letters, digits and
 * underscores (twilio-signaling.md §9.2). The same rule applies to Capability Token `clientName`s.
 */
export function isClientIdentity(value: string): boolean {
  return value.length <= MAX_IDENTITY_LENGTH && IDENTITY_CHARS.test(value);
}

/**
 * Throws `VoiceError(31105)` unless `value` passes {@link isClientIdentity}. The identity itself is
 * not quoted in the message: it comes from an untrusted token.
 */
export function assertClientIdentity(value: string): void {
  if (value.length > MAX_IDENTITY_LENGTH) {
    throw new VoiceError(31105, `identity is longer than ${MAX_IDENTITY_LENGTH} characters`);
  }
  if (!IDENTITY_CHARS.test(value)) {
    throw new VoiceError(31105, 'identity must be letters, digits and underscores only');
  }
}
