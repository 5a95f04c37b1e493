/** SIP messages: the pure parser, serializer, stream framer and header-value readers. */
export { SipHeaders, canonicalHeaderName, splitHeaderList } from './headers.ts';
export { MAX_SIP_MESSAGE_BYTES, parseSipMessage } from './parse.ts';
export { serializeSipMessage } from './serialize.ts';
export { SipStreamFramer, type FramerOutput } from './framer.ts';
export type { SipMessage, SipParseError, SipParseResult, SipRequest, SipResponse } from './types.ts';
export {
  formatNameAddr, formatParams, formatSipUri, formatVia, parseCSeq, parseNameAddr, parseSipUri, parseVia, quote, unquote,
  type NameAddr, type SipUri, type Via,
} from './values.ts';
