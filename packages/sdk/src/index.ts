/**
 * `@denwa/sdk`: the Denwa browser SDK, with the API of the Twilio Voice JavaScript SDK 2.x (`Device`,
 * `Call`) over the same signaling protocol, so it works against Denwa and against Twilio.
 * @packageDocumentation
 */
export { VoiceError, isVoiceError, errorDefinition, type ErrorCode } from '@denwa/protocol';
export { TwilioError, TwilioErrors, type TwilioErrorClass } from './errors.ts';
export { AudioHelper, type AudioHelperEvents } from './audio/audio-helper.ts';
export { OutputDeviceCollection } from './audio/output-devices.ts';
export type { AudioEnvironment, AudioOutputElement, MediaDevicesLike } from './audio/playback.ts';
export type { SoundName, SoundOverrides } from './audio/sounds.ts';
export { Call, type FeedbackIssue, type FeedbackScore, type CallDirection, type CallEvents, type CallMessage, type CallStatus } from './call.ts';
export { Device, type ConnectOptions, type DeviceEvents, type DeviceOptions, type DeviceState } from './device.ts';
export type { MediaSession } from './media/peer-session.ts';
export type { SocketFactory, SocketLike } from './signaling/transport.ts';
export type { LogLevel } from './log.ts';
export { version } from './version.ts';
