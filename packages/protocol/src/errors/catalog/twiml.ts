import { defineErrors } from '../definition.ts';

/** TwiML document errors. The message carries the line and the reason. */
export const TWIML_ERRORS = defineErrors([
  {
    code: 12100,
    name: 'DocumentParseFailure',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Document parse failure',
    description: 'The TwiML is not well-formed XML, or its root element is not <Response>.',
  },
  {
    code: 12200,
    name: 'SchemaValidationWarning',
    kind: 'invalid-argument',
    httpStatus: 400,
    message: 'Schema validation warning',
    description:
      'The TwiML is well-formed XML but breaks the voice TwiML schema: an unknown verb or noun, a noun in the wrong verb, an unknown attribute, or an attribute value of the wrong type.',
  },
] as const);
