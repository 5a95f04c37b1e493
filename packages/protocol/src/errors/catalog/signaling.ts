import { defineErrors } from '../definition.ts';

/** Signaling and call errors sent to browser SDKs (twilio-signaling.md §5.1). */
export const SIGNALING_ERRORS = defineErrors([
  { code: 31000, name: 'UnknownError', kind: 'internal', httpStatus: 500, message: 'Unknown error', description: 'An error the server could not classify.' },
  { code: 31001, name: 'ApplicationNotFound', kind: 'not-found', httpStatus: 404, message: 'Application not found', description: 'The token names an outgoing application that does not exist.' },
  { code: 31002, name: 'ConnectionDeclined', kind: 'permission-denied', httpStatus: 403, message: 'Connection declined', description: 'The call was declined.' },
  { code: 31003, name: 'ConnectionTimeout', kind: 'timeout', httpStatus: 408, message: 'Connection timeout', description: 'The call was not set up in time.' },
  { code: 31005, name: 'ConnectionError', kind: 'unavailable', httpStatus: 502, message: 'Connection error', description: 'The call failed on the server side, for example a webhook or media failure.' },
  { code: 31008, name: 'CallCancelled', kind: 'conflict', httpStatus: 409, message: 'Call cancelled', description: 'The caller cancelled the call before it was answered.' },
  { code: 31100, name: 'MalformedRequest', kind: 'invalid-argument', httpStatus: 400, message: 'Malformed request', description: 'A signaling frame is not valid JSON or does not match the message schema.' },
  { code: 31101, name: 'MissingParameterArray', kind: 'invalid-argument', httpStatus: 400, message: 'Missing parameter array in request', description: 'A signaling frame lacks its payload.' },
  { code: 31103, name: 'MaxParameterLengthExceeded', kind: 'invalid-argument', httpStatus: 400, message: 'Parameter length exceeded', description: 'A custom parameter is longer than allowed.' },
  { code: 31104, name: 'InvalidBridgeToken', kind: 'invalid-argument', httpStatus: 400, message: 'Invalid bridge token', description: 'A reconnect token names no live call.' },
  { code: 31107, name: 'ReconnectParameterInvalid', kind: 'invalid-argument', httpStatus: 400, message: 'The reconnect parameter is invalid', description: 'A resume invite carries a malformed reconnect value.' },
  { code: 31206, name: 'RateExceeded', kind: 'unavailable', httpStatus: 429, message: 'Rate exceeded authorized limit', description: 'Too many signaling requests from one client.' },
  { code: 31209, name: 'ReconnectAttemptError', kind: 'conflict', httpStatus: 409, message: 'Reconnect attempt is not authorized', description: 'A resume invite came from a different identity.' },
  { code: 31210, name: 'CallMessageEventTypeInvalid', kind: 'invalid-argument', httpStatus: 400, message: 'Call Message Event Type is invalid', description: 'A call message has an unsupported message type.' },
  { code: 31212, name: 'PayloadSizeExceeded', kind: 'invalid-argument', httpStatus: 400, message: 'Call Message Event Payload size exceeded authorized limit', description: 'A call message content is too large.' },
  { code: 31400, name: 'BadRequest', kind: 'invalid-argument', httpStatus: 400, message: 'Bad Request', description: 'The far end refused the request as malformed.' },
  { code: 31404, name: 'CallNotFound', kind: 'not-found', httpStatus: 404, message: 'Not Found', description: 'The called client or number does not exist.' },
  { code: 31480, name: 'TemporarilyUnavailable', kind: 'unavailable', httpStatus: 480, message: 'Temporarily Unavailable', description: 'The called party is not registered or cannot be reached now.' },
  { code: 31486, name: 'BusyHere', kind: 'unavailable', httpStatus: 486, message: 'Busy Here', description: 'The called party is busy.' },
  { code: 31603, name: 'Decline', kind: 'permission-denied', httpStatus: 603, message: 'Decline', description: 'The called party declined the call.' },
  { code: 53000, name: 'SignalingConnectionError', kind: 'unavailable', httpStatus: 503, message: 'Signaling connection error', description: 'The signaling connection failed.' },
  { code: 53001, name: 'SignalingConnectionDisconnected', kind: 'unavailable', httpStatus: 503, message: 'Signaling connection disconnected', description: 'The signaling connection dropped; the call is reconnecting.' },
  { code: 53405, name: 'MediaConnectionFailed', kind: 'unavailable', httpStatus: 503, message: 'Media connection failed', description: 'ICE or DTLS failed, or consent freshness expired.' },
] as const);
