import { defineErrors } from '../definition.ts';

/** REST API errors (Twilio 2010-04-01 and v1 APIs). */
export const REST_ERRORS = defineErrors([
  {
    code: 20001,
    name: 'InvalidParameter',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Invalid parameter',
    description: 'A request parameter is missing, malformed or out of range. The message names the parameter.',
  },
  {
    code: 20003,
    name: 'AuthenticationFailed',
    kind: 'unauthenticated',
    httpStatus: 401,
    message: 'Authenticate',
    description:
      'The request carried no HTTP Basic credentials, or they match neither the account SID and auth token nor an API key SID and secret.',
  },
  {
    code: 20403,
    name: 'Forbidden',
    kind: 'permission-denied',
    httpStatus: 403,
    message: 'Forbidden',
    description: 'The credentials are valid but may not access this resource (for example another account).',
  },
  {
    code: 20404,
    name: 'NotFound',
    kind: 'not-found',
    httpStatus: 404,
    message: 'The requested resource was not found',
    description: 'No resource exists at this URL for this account.',
  },
  {
    code: 20429,
    name: 'TooManyRequests',
    kind: 'unavailable',
    httpStatus: 429,
    message: 'Too Many Requests',
    description: 'The client sent requests faster than the server accepts them.',
  },
  {
    code: 20500,
    name: 'InternalServerError',
    kind: 'internal',
    httpStatus: 500,
    message: 'Internal Server Error',
    description: 'An unexpected server error. The server log has the details under the request id.',
  },
  {
    code: 21205,
    name: 'InvalidUrl',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Url is not a valid URL',
    description: 'A URL parameter (VoiceUrl, StatusCallback, Url, …) is not an absolute http or https URL.',
  },
  {
    code: 21218,
    name: 'InvalidApplicationSid',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Invalid ApplicationSid',
    description: 'The ApplicationSid is malformed or names no application of this account.',
  },
] as const);
