/**
 * Insights publishing as the 2.x SDK does it (twilio-signaling.md §7): one POST per event to
 * `https://<host>/v4/EndpointEvents`, quality samples batched ten at a time (and at call end) to
 * `/v4/EndpointMetrics`, each with the token in `X-Twilio-Token`. The host is `eventgw.<home>.twilio.com`
 * for the `home` the server announced in `connected` (Denwa announces one that lands on itself).
 * Failures are logged, never thrown, and never disturb a call.
 */
import { version } from '../version.ts';

export type InsightsLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface InsightsEnvelope {
  readonly group: string;
  readonly level: InsightsLevel;
  readonly name: string;
  readonly payload: unknown;
  readonly payload_type: 'application/json';
  readonly private: false;
  readonly publisher: 'twilio-js-sdk';
  readonly timestamp: string;
  readonly publisher_metadata?: Readonly<Record<string, string>>;
}

export type Poster = (url: string, token: string, body: InsightsEnvelope) => Promise<void>;

export interface PublisherOptions {
  readonly token: () => string;
  /** False disables publishing (the 2.x `publishEvents` option). */
  readonly enabled: boolean;
  /** `publisher_metadata` (the `appName`/`appVersion` options); omitted when empty. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Tests: where envelopes go instead of `fetch`. */
  readonly post?: Poster;
  readonly warn?: (message: string) => void;
}

const DEFAULT_HOST = 'eventgw.twilio.com';

const fetchPoster: Poster = async (url, token, body) => {
  await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Twilio-Token': token }, body: JSON.stringify(body) });
};

export class InsightsPublisher {
  readonly #options: PublisherOptions;
  #host = DEFAULT_HOST;

  constructor(options: PublisherOptions) {
    this.#options = options;
  }

  /** The `home` of a `connected` message (absent: Twilio's default host). */
  setHome(home: unknown): void {
    this.#host = typeof home === 'string' && home !== '' ? `eventgw.${home}.twilio.com` : DEFAULT_HOST;
  }

  get eventsUrl(): string {
    return `https://${this.#host}/v4/EndpointEvents`;
  }

  event(group: string, name: string, level: InsightsLevel, payload: Readonly<Record<string, unknown>>): void {
    this.#post('/v4/EndpointEvents', { group, level, name, payload: { sdk_version: version, platform: 'WebRTC', ...payload } });
  }

  metrics(samples: readonly Readonly<Record<string, unknown>>[]): void {
    if (samples.length === 0) return;
    this.#post('/v4/EndpointMetrics', { group: 'quality-metrics-samples', level: 'INFO', name: 'metrics-sample', payload: samples });
  }

  #post(path: string, body: Pick<InsightsEnvelope, 'group' | 'level' | 'name' | 'payload'>): void {
    if (!this.#options.enabled) return;
    const metadata = this.#options.metadata ?? {};
    const envelope: InsightsEnvelope = {
      ...body,
      payload_type: 'application/json',
      private: false,
      publisher: 'twilio-js-sdk',
      timestamp: new Date().toISOString(),
      ...(Object.keys(metadata).length === 0 ? {} : { publisher_metadata: metadata }),
    };
    const post = this.#options.post ?? fetchPoster;
    let pending: Promise<void>;
    try {
      pending = post(`https://${this.#host}${path}`, this.#options.token(), envelope);
    } catch (err) {
      pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    pending.catch((err: unknown) => {
      this.#options.warn?.(`insights post failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
