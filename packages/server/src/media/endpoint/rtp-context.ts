/** What every SIP leg (`RtpEndpoint`) of one relay shares. */
import type { MediaEndpoint } from '../../calls/ports.ts';
import type { Clock, Logger } from '../../core/index.ts';
import type { MediaCounters } from './endpoint-context.ts';
import type { RtpPortPool } from './rtp-ports.ts';

export interface RtpContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** Relay-wide counters, updated alongside each endpoint's own. */
  readonly totals: MediaCounters;
  /** The address SIP peers send to, written into every `c=`. */
  readonly advertisedAddress: string;
  readonly ports: RtpPortPool;
  /** Silence from a sending peer after which the leg fails. */
  readonly rtpTimeoutMs: number;
  /** The endpoint closed: the relay forgets it. */
  forget(endpoint: MediaEndpoint): void;
}
