/**
 * `calls/`: the domain core. The call engine runs TwiML for every call and drives its legs through
 * ports: media (`MediaPort`), browser clients (`ClientDirectory`, `ClientConnection`) and webhooks.
 * @packageDocumentation
 */
export type * from './ports.ts';
export type * from './client-calls.ts';
