import { defineErrors } from '../definition.ts';

/** Errors fetching a voice URL or delivering a callback. They are recorded as notifications. */
export const WEBHOOK_ERRORS = defineErrors([
  {
    code: 11100,
    name: 'InvalidUrlFormat',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Invalid URL format',
    description: 'The webhook URL is not an absolute http or https URL.',
  },
  {
    code: 11200,
    name: 'HttpRetrievalFailure',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'HTTP retrieval failure',
    description: 'The webhook answered with a status other than 2xx.',
  },
  {
    code: 11205,
    name: 'HttpConnectionFailure',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'HTTP connection failure',
    description: 'The webhook could not be reached: connection refused, reset, or no answer before the timeout.',
  },
  {
    code: 11206,
    name: 'HttpProtocolViolation',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'HTTP protocol violation',
    description: 'The webhook answered with something that is not valid HTTP.',
  },
  {
    code: 11210,
    name: 'HttpBadHostName',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'HTTP bad host name',
    description: 'The webhook host name does not resolve.',
  },
  {
    code: 11215,
    name: 'HttpTooManyRedirects',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'HTTP too many redirects',
    description: 'The webhook redirected more times than allowed.',
  },
  {
    code: 11220,
    name: 'SslTlsHandshakeError',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'SSL/TLS Handshake Error',
    description: 'The TLS handshake with the webhook failed, for example on an untrusted certificate.',
  },
  {
    code: 11750,
    name: 'TwimlResponseBodyTooLarge',
    kind: 'invalid-argument',
    httpStatus: 502,
    message: 'TwiML response body too large',
    description: 'The webhook answered with a body larger than 64 kB.',
  },
  {
    code: 12300,
    name: 'InvalidContentType',
    kind: 'invalid-argument',
    httpStatus: 502,
    message: 'Invalid Content-Type',
    description:
      'The voice URL answered with a Content-Type that is not TwiML (text/xml, application/xml or text/html).',
  },
] as const);
