/**
 * `@denwa/sdk/v1`: the Twilio Client 1.x API. `Device` here is the 1.x singleton-capable class
 * (`Device.setup(token, options)`, `Device.connect(params)` → `Connection`).
 * @packageDocumentation
 */
export { TwilioDevice as Device } from './twilio-global.ts';
export { Connection, DeviceV1, type ConnectionEvents, type ConnectionStatus, type DeviceStatusV1, type DeviceV1Events, type ErrorV1, type SetupOptionsV1 } from './v1.ts';
export { VoiceError } from '@denwa/protocol';
