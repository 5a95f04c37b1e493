/**
 * What the engine's parts (TwiML runner, `<Dial>`, ringing) share: the ports, the live calls and
 * ringing attempts by sid, and a few engine operations.
 */
import type { CallSid } from '@denwa/protocol';
import type { Clock, IdGenerator, Logger } from '../core/index.ts';
import type { Store } from '../store/ports.ts';
import type { LiveCall } from './live-call.ts';
import type { ClientDirectory, LegDriver, MediaEndpointEvent, MediaPort, WebhookClient } from './ports.ts';
import type { RingAttempt } from './ring.ts';

export type EngineStore = Pick<Store, 'calls' | 'applications'>;

export interface CallEngineDeps {
  readonly store: EngineStore;
  readonly webhooks: WebhookClient;
  readonly media: MediaPort;
  readonly clients: ClientDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly log: Logger;
  /** The phone network (SIP trunks); absent: `<Number>` and `<Sip>` fail with 13224. */
  readonly phone?: LegDriver | null;
}

export interface EngineContext extends CallEngineDeps {
  readonly calls: Map<CallSid, LiveCall>;
  readonly ringing: Map<CallSid, RingAttempt>;
  /** A new opaque reconnect token for a browser leg of `callSid`. */
  mintReconnect(callSid: CallSid): string;
  /** Answers the parent call towards its browser (no-op when already answered). */
  answer(call: LiveCall): void;
  /** A media event of a call's endpoint. */
  mediaEvent(call: LiveCall, event: MediaEndpointEvent): void;
  readonly onStoreError: (err: unknown) => void;
}
