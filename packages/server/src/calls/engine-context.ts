/**
 * What the engine's parts (TwiML runner, `<Dial>`, ringing) share: the ports, the live calls and
 * ringing attempts by sid, and a few engine operations.
 */
import type { CallSid } from '@denwa/protocol';
import type { Clock, IdGenerator, Logger } from '../core/index.ts';
import type { CallRecord, Store } from '../store/ports.ts';
import type { CallState } from './call-status.ts';
import type { LiveCall } from './live-call.ts';
import type { ClientDirectory, LegDriver, MediaEndpointEvent, MediaPort, RecorderPort, WebhookClient } from './ports.ts';
import type { RingAttempt } from './ring.ts';

export type EngineStore = Pick<Store, 'calls' | 'applications' | 'phoneNumbers'>;

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
  /** Records calls (`<Dial record>`, `Calls/{Sid}/Recordings`); absent: nothing is recorded. */
  readonly recorder?: RecorderPort | null;
}

/** A new call's record: what the engine fills in itself (times, outcome, phone fields) left out. */
export type NewCallRecord = Omit<
  CallRecord,
  'dateCreated' | 'dateUpdated' | 'answeredBy' | 'answerTime' | 'endTime' | 'duration' | 'hangupSource' | 'errorCode' | 'phoneNumberSid' | 'trunkSid' | 'callerName' | 'forwardedFrom'
>;

export type PhoneFields = Pick<CallRecord, 'phoneNumberSid' | 'trunkSid' | 'callerName'>;

export interface EngineContext extends CallEngineDeps {
  readonly calls: Map<CallSid, LiveCall>;
  readonly ringing: Map<CallSid, RingAttempt>;
  /**
   * Calls a browser placed whose record does not exist yet (a simulator's call while its number is
   * looked up), by sid → the placing connection's id. A hangup removes the entry: the call is dropped.
   */
  readonly placing: Map<CallSid, string>;
  /** A new call record, written to the store, with its status machine. */
  newState(record: NewCallRecord, phone?: PhoneFields): CallState;
  /** Keeps a live call by sid until it ends. */
  track(call: LiveCall): void;
  /** Runs `work`; an unexpected failure ends the call instead of escaping. */
  guard(call: LiveCall, work: Promise<void>): void;
  /** A new opaque reconnect token for a browser leg of `callSid`. */
  mintReconnect(callSid: CallSid): string;
  /** Answers the parent call towards its browser (no-op when already answered). */
  answer(call: LiveCall): void;
  /** A media event of a call's endpoint. */
  mediaEvent(call: LiveCall, event: MediaEndpointEvent): void;
  readonly onStoreError: (err: unknown) => void;
}
