export type { ErrorDefinition, ErrorKind } from './definition.ts';
export {
  ERROR_SECTIONS,
  allErrorDefinitions,
  errorDefinition,
  isErrorCode,
  moreInfoUrl,
  type ErrorCode,
} from './catalog.ts';
export { VoiceError, isVoiceError, type VoiceErrorOptions } from './voice-error.ts';
