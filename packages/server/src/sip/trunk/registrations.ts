/**
 * Keeps one REGISTER per trunk that asks for it (`register: true`): started at start-up, restarted
 * when the trunk's settings change, removed (Expires: 0) when the trunk goes or stops asking. Checked
 * against the store every 30 s, so REST changes apply without a restart. Every 30 s each trunk also
 * gets an OPTIONS keep-alive (it keeps NAT bindings open and tells whether the carrier answers).
 * State changes are logged with the trunk's sid, never its password.
 */
import type { Clock, Logger, TimerHandle } from '../../core/index.ts';
import type { SipTrunkRecord } from '../../store/ports.ts';
import type { Registration, SipUserAgent } from '../ua/index.ts';
import { splitHostPort } from './outbound.ts';

const RECONCILE_MS = 30_000;

export interface TrunkRegistrationsDeps {
  readonly ua: SipUserAgent;
  readonly clock: Clock;
  readonly log: Logger;
  readonly trunks: () => Promise<readonly SipTrunkRecord[]>;
  /** `host[:port]` → `sip:<ip>[:port][;transport=…]`, or null when it does not resolve. */
  readonly proxyUri: (hostPort: string, transport: string) => Promise<string | null>;
}

/** What makes a registration different: any change restarts it. */
function fingerprint(t: SipTrunkRecord): string {
  return JSON.stringify([t.host, t.outboundProxy, t.transport, t.username, t.password, t.registerExpires]);
}

export class TrunkRegistrations {
  readonly #d: TrunkRegistrationsDeps;
  readonly #active = new Map<string, { readonly fingerprint: string; readonly registration: Registration }>();
  /** The last OPTIONS status of each trunk (408 when it did not answer). */
  readonly #reachability = new Map<string, number>();
  #timer: TimerHandle | null = null;
  #closed = false;
  #running: Promise<void> = Promise.resolve();

  constructor(deps: TrunkRegistrationsDeps) {
    this.#d = deps;
  }

  /** Reconciles now and every 30 s after. */
  start(): Promise<void> {
    const tick = (): void => {
      if (this.#closed) return;
      this.#running = this.reconcile().catch((err: unknown) => { this.#d.log.error({ err }, 'trunk registrations failed'); });
      void this.#running.then(() => { if (!this.#closed) this.#timer = this.#d.clock.setTimeout(tick, RECONCILE_MS); });
    };
    tick();
    return this.#running;
  }

  /** The state of each trunk's registration by trunk sid. */
  states(): ReadonlyMap<string, string> {
    return new Map([...this.#active].map(([sid, a]) => [sid, a.registration.state]));
  }

  /** The last keep-alive status of each trunk by sid (any final status means it answers; 408: silent). */
  reachability(): ReadonlyMap<string, number> {
    return this.#reachability;
  }

  /** Sends OPTIONS to every trunk and records who answers; state changes are logged. */
  async ping(): Promise<void> {
    const trunks = await this.#d.trunks();
    await Promise.all(trunks.map(async (t) => {
      const uri = await this.#d.proxyUri(t.outboundProxy ?? t.host, t.transport);
      if (uri === null || this.#closed) return;
      const status = await this.#d.ua.ping(uri);
      const before = this.#reachability.get(t.sid);
      this.#reachability.set(t.sid, status);
      if (before === undefined || (before === 408) !== (status === 408)) this.#d.log.info({ trunkSid: t.sid, status }, status === 408 ? 'trunk does not answer OPTIONS' : 'trunk answers OPTIONS');
    }));
    for (const sid of [...this.#reachability.keys()]) if (!trunks.some((t) => t.sid === sid)) this.#reachability.delete(sid);
  }

  async reconcile(): Promise<void> {
    void this.ping().catch((err: unknown) => { this.#d.log.error({ err }, 'trunk keep-alive failed'); });
    const wanted = (await this.#d.trunks()).filter((t) => t.register && t.username !== null);
    const seen = new Set<string>();
    for (const trunk of wanted) {
      seen.add(trunk.sid);
      const current = this.#active.get(trunk.sid);
      const print = fingerprint(trunk);
      if (current?.fingerprint === print) continue;
      if (current !== undefined) await current.registration.unregister();
      const proxy = await this.#d.proxyUri(trunk.outboundProxy ?? trunk.host, trunk.transport);
      if (this.#closed) return;
      const host = splitHostPort(trunk.host).host;
      const transport = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
      const log = this.#d.log;
      const registration = this.#d.ua.register(
        {
          registrar: `sip:${trunk.host}${transport}`,
          ...(proxy === null ? {} : { proxy }),
          aor: `sip:${trunk.username ?? ''}@${host}`,
          credentials: { username: trunk.username ?? '', password: trunk.password ?? '' },
          expires: trunk.registerExpires,
        },
        { changed: (state, info) => { log.info({ trunkSid: trunk.sid, state, status: info.status, expires: info.expires, retryInMs: info.retryInMs }, 'trunk registration'); } },
      );
      this.#active.set(trunk.sid, { fingerprint: print, registration });
    }
    for (const [sid, active] of [...this.#active]) {
      if (seen.has(sid)) continue;
      this.#active.delete(sid);
      await active.registration.unregister();
    }
  }

  /** Stops checking and removes every registration (best effort). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    await this.#running;
    await Promise.all([...this.#active.values()].map((a) => a.registration.unregister()));
    this.#active.clear();
  }
}
