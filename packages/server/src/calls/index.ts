/**
 * `calls/`: the domain core. The call engine runs TwiML for every call and drives its legs through
 * ports: media (`MediaPort`), browser clients (`ClientDirectory`, `ClientConnection`) and webhooks.
 * @packageDocumentation
 */
export type * from './ports.ts';
export type * from './client-calls.ts';
export { CallEngine, type CallEngineDeps, type CreateCallRequest, type IncomingPhoneCallHandle, type IncomingPhoneCallRequest } from './call-engine.ts';
export type { TwimlSource } from './twiml-runner.ts';
export { CALL_TRANSITIONS } from './call-status.ts';
export type { ProgressEvent } from './status-callbacks.ts';
export { SIMULATOR_IDENTITY_PREFIX, simulatorIdentity, simulatorNumber } from './simulators.ts';
export { compactNumber, isE164 } from './numbers.ts';
export { endOrphanedCalls } from './orphaned-calls.ts';
