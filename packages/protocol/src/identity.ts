/**
 * Client identities (`client:<identity>`), as Twilio accepts them in Access Tokens and
 * Capability Tokens: 1 to 121 ASCII letters, digits and underscores (twilio-signaling.md §9.2).
 * @public
 */
export const MAX_IDENTITY_LENGTH = 121;

const IDENTITY_CHARS = /^[A-Za-z0-9_]+$/;

/** True when `value` is a valid client identity. @public */
export function isClientIdentity(value: string): boolean {
  return value.length <= MAX_IDENTITY_LENGTH && IDENTITY_CHARS.test(value);
}
