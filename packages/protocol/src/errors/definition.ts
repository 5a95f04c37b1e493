/**
 * Transport-neutral error kinds. Each edge (REST, signaling, SIP) maps a kind to its own status.
 * @public
 */
export type ErrorKind =
  | 'invalid-argument'
  | 'not-found'
  | 'conflict'
  | 'unauthenticated'
  | 'permission-denied'
  | 'unavailable'
  | 'timeout'
  | 'internal';

/**
 * One entry of the error catalog. `code` and `name` match Twilio's where Twilio has the error;
 * `message` is the short text sent on the wire and `description` is the longer text for the docs.
 * @public
 */
export interface ErrorDefinition {
  readonly code: number;
  readonly name: string;
  readonly kind: ErrorKind;
  readonly httpStatus: number;
  readonly message: string;
  readonly description: string;
}

/** Declares a catalog section while keeping its literal codes for the `ErrorCode` union. @internal */
export function defineErrors<const T extends readonly ErrorDefinition[]>(section: T): T {
  return section;
}
