/**
 * `@denwa/sdk`: the Denwa browser SDK. It will expose the Twilio Voice JavaScript SDK API (`Device`,
 * `Call`, `AudioHelper`, errors) and the 1.x `Twilio.Device.setup` API. This release carries the
 * package's build and the shared error catalog only.
 * @packageDocumentation
 */
export { VoiceError, isVoiceError, errorDefinition, type ErrorCode } from '@denwa/protocol';

/** The SDK version. @public */
export const version = '0.1.0';
