import { defineErrors } from '../definition.ts';

/**
 * Token errors, as the signaling server sends them (twilio-signaling.md §5 and §9). The official SDKs
 * map 31204 to 20101 and 31205 to 20104 for the application.
 */
export const TOKEN_ERRORS = defineErrors([
  {
    code: 20101,
    name: 'AccessTokenInvalid',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Invalid Access Token',
    description: 'The SDK-side name for a token the server refused as invalid (31204).',
  },
  {
    code: 20104,
    name: 'AccessTokenExpired',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Access Token expired or expiration date invalid',
    description: 'The SDK-side name for an expired token (31205).',
  },
  {
    code: 20151,
    name: 'AuthenticationFailed',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Authentication Failed',
    description: 'The SDK-side name for an authorization failure (31201).',
  },
  {
    code: 31102,
    name: 'AuthorizationTokenMissing',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Authorization token missing in request',
    description: 'A signaling `listen` arrived without a token.',
  },
  {
    code: 31105,
    name: 'InvalidClientName',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Invalid client name',
    description:
      'The identity is empty, longer than 121 characters, or has characters other than letters, digits and underscore.',
  },
  {
    code: 31201,
    name: 'AuthorizationError',
    kind: 'permission-denied',
    httpStatus: 403,
    message: 'Authorization error',
    description:
      'The token is valid but does not allow the action: no incoming grant for a registration, or no outgoing application for a call.',
  },
  {
    code: 31202,
    name: 'JwtSignatureValidationFailed',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'JWT signature validation failed',
    description:
      'The token signature does not verify with the secret of the API key it names (Access Token) or with the auth token (Capability Token), or it names an unknown key.',
  },
  {
    code: 31203,
    name: 'NoValidAccount',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'No valid account',
    description: 'The token names an account that does not exist on this server.',
  },
  {
    code: 31204,
    name: 'InvalidJwtToken',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Invalid JWT token',
    description:
      'The token is not a well-formed JWT, uses an unsupported algorithm, lacks required claims, is not yet valid, or carries no voice grant.',
  },
  {
    code: 31205,
    name: 'JwtTokenExpired',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'JWT token expired',
    description: 'The token `exp` is in the past.',
  },
  {
    code: 31207,
    name: 'JwtTokenExpirationTooLong',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'JWT token expiration too long',
    description: 'The token is valid for more than 24 hours after it was issued.',
  },
] as const);
