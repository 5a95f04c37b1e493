import { defineErrors } from '../definition.ts';

/** Phone network errors: dialing numbers and SIP URIs through trunks, and calls that arrive on them. */
export const PHONE_ERRORS = defineErrors([
  {
    code: 13224,
    name: 'DialInvalidNumber',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Dial: the number is invalid or cannot be reached',
    description:
      'The number is not E.164 (or a SIP URI for <Sip>), or no configured SIP trunk can deliver it. Denwa dials numbers only through trunks; with none configured every <Number> fails this way.',
  },
  {
    code: 13227,
    name: 'DialNoInternationalAuthorization',
    kind: 'permission-denied',
    httpStatus: 403,
    message: 'Dial: geo permissions do not allow calling this country',
    description:
      "The trunk's allowed countries (default: only the country of its own country code) do not include the called number's country. This guards against toll fraud.",
  },
  {
    code: 32200,
    name: 'SipInsufficientPermissions',
    kind: 'permission-denied',
    httpStatus: 403,
    message: 'SIP: insufficient permissions',
    description: "The carrier refused the call's credentials (401, 403 or 407 after Denwa answered the challenge). Check the trunk's username and password.",
  },
  {
    code: 32011,
    name: 'SipCallFailed',
    kind: 'unavailable',
    httpStatus: 502,
    message: 'SIP: the far end failed the call',
    description: 'The carrier or SIP endpoint answered the INVITE with a failure other than busy or no-answer. The message carries the SIP status and reason.',
  },
] as const);
