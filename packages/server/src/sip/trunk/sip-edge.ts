/**
 * The SIP edge: Denwa's SIP user agent on UDP and TCP (one port), the trunks' calls in both
 * directions, and the screen in front of it all (scanners dropped, INVITE floods limited per source).
 * It implements the call engine's {@link LegDriver}.
 */
import type { IncomingPhoneCallHandle, IncomingPhoneCallRequest, LegDriver, MediaEventListener, MediaPort, MediaResult, PhoneDialRequest, PhoneLeg, PhoneLegEvent } from '../../calls/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import type { SipTrunkRecord, Store } from '../../store/ports.ts';
import type { SipTimers } from '../transaction/index.ts';
import { bindSipUdp, listenSipTcp, listenSipTls, resolveSipHost, type SipTransport } from '../transport/index.ts';
import { SipUserAgent, type ScreenVerdict } from '../ua/index.ts';
import { acceptInbound } from './inbound.ts';
import { dialOut, proxyUri, splitHostPort } from './outbound.ts';
import { TrunkRegistrations } from './registrations.ts';
import { toE164 } from './numbers.ts';
import { FloodGuard, isScanner } from './screen.ts';

export interface SipEdgeOptions {
  readonly bindAddress: string;
  /** UDP and TCP; 0 picks a free port (the same number for both when it can). */
  readonly port: number;
  /** The address carriers reach (Via, Contact, From host). */
  readonly advertisedAddress: string;
  readonly store: Pick<Store, 'phoneNumbers' | 'sipTrunks' | 'applications'>;
  readonly media: MediaPort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timers?: SipTimers;
  /** INVITEs a second per source, with bursts (default 10/s, burst 30). */
  readonly inviteRate?: { readonly rate: number; readonly burst: number };
  readonly resolve?: (host: string) => Promise<string | null>;
  /** SIP over TLS: the certificate Denwa presents and the port it listens on (0: any). Absent: no TLS. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly port: number; readonly ca?: string };
}

export interface SipEdgeStats {
  scannersDropped: number;
  floodDropped: number;
}

export class SipEdge implements LegDriver {
  readonly stats: SipEdgeStats = { scannersDropped: 0, floodDropped: 0 };
  readonly ua: SipUserAgent;
  readonly #o: SipEdgeOptions;
  readonly #transports: SipTransport[];
  readonly #flood: FloodGuard;
  readonly #resolve: (host: string) => Promise<string | null>;
  #calls: { incomingPhoneCall(req: IncomingPhoneCallRequest): IncomingPhoneCallHandle } | null = null;
  readonly #registrations: TrunkRegistrations;
  /** Resolved addresses back to the host names they came from (the TLS server name of a carrier). */
  readonly #names: Map<string, string>;

  private constructor(options: SipEdgeOptions, transports: SipTransport[], names: Map<string, string>) {
    this.#o = options;
    this.#names = names;
    this.#transports = transports;
    const resolve = options.resolve ?? resolveSipHost;
    // Host names are looked up at most once a minute (every INVITE checks the trunks' addresses).
    const cache = new Map<string, { readonly address: string | null; readonly at: number }>();
    this.#resolve = async (host) => {
      const now = options.clock.now();
      const hit = cache.get(host);
      if (hit !== undefined && now - hit.at < 60_000) return hit.address;
      const address = await resolve(host);
      if (cache.size > 1000) cache.clear();
      if (address !== null && address !== host) this.#names.set(address, host);
      cache.set(host, { address, at: now });
      return address;
    };
    this.#flood = new FloodGuard(options.inviteRate ?? { rate: 10, burst: 30 });
    const log = options.log;
    this.ua = new SipUserAgent({
      clock: options.clock,
      transports,
      host: options.advertisedAddress,
      userAgent: 'Denwa',
      log,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
      handler: {
        screen: (request, source) => this.#screen(request.method, request.headers.get('User-Agent'), source.address),
        invite: (invite) => {
          void acceptInbound({ store: options.store, media: options.media, log, calls: () => this.#calls, trunks: () => this.#trunks() }, invite).catch((err: unknown) => {
            log.error({ err }, 'inbound SIP call failed');
            invite.reject(500, 'Server Internal Error');
          });
        },
      },
    });
    this.#registrations = new TrunkRegistrations({
      ua: this.ua,
      clock: options.clock,
      log,
      trunks: () => options.store.sipTrunks.listAll(),
      proxyUri: (hostPort, transport) => proxyUri({ resolve: this.#resolve }, hostPort, transport),
    });
  }

  /** Binds UDP and TCP on the port (and TLS when asked), starts the user agent and the trunks' registrations. */
  static async start(options: SipEdgeOptions): Promise<SipEdge> {
    const udp = await bindSipUdp({ address: options.bindAddress, port: options.port });
    const transports: SipTransport[] = [udp];
    const names = new Map<string, string>();
    try {
      transports.push(await listenSipTcp({ address: options.bindAddress, port: udp.local.port }));
      const tls = options.tls;
      if (tls !== undefined) {
        transports.push(await listenSipTls({ address: options.bindAddress, port: tls.port }, {
          cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }), servername: (to) => names.get(to.address),
        }));
      }
    } catch (err) {
      await Promise.all(transports.map((t) => t.close()));
      throw err;
    }
    const edge = new SipEdge(options, transports, names);
    void edge.#registrations.start();
    return edge;
  }

  /** The TLS port, or null without TLS. */
  get tlsPort(): number | null {
    return this.#transports.find((t) => t.protocol === 'TLS')?.local.port ?? null;
  }

  /** Applies trunk changes to the registrations now (they are also checked every 30 s). */
  refreshTrunks(): Promise<void> {
    return this.#registrations.reconcile();
  }

  /** Each trunk's last OPTIONS keep-alive status by trunk sid (408: no answer). */
  trunkReachability(): ReadonlyMap<string, number> {
    return this.#registrations.reachability();
  }

  /** Each registering trunk's registration state by trunk sid. */
  registrationStates(): ReadonlyMap<string, string> {
    return this.#registrations.states();
  }

  /** The engine that runs incoming calls (set once it exists). */
  attach(calls: { incomingPhoneCall(req: IncomingPhoneCallRequest): IncomingPhoneCallHandle }): void {
    this.#calls = calls;
  }

  /** The bound SIP port (UDP and TCP). */
  get port(): number {
    return this.#transports[0]?.local.port ?? 0;
  }

  #screen(method: string, userAgent: string | undefined, source: string): ScreenVerdict {
    if (isScanner(userAgent)) {
      this.stats.scannersDropped++;
      return 'drop';
    }
    if (method === 'INVITE' && !this.#flood.allow(source, this.#o.clock.now())) {
      this.stats.floodDropped++;
      return 'drop';
    }
    return 'accept';
  }

  async #trunks(): Promise<{ readonly trunk: SipTrunkRecord; readonly address: string | null }[]> {
    const trunks = await this.#o.store.sipTrunks.listAll();
    return Promise.all(trunks.map(async (trunk) => ({ trunk, address: await this.#resolve(splitHostPort(trunk.host).host) })));
  }

  /** The trunk for an outbound call: the caller ID number's own trunk, else the account's first. */
  async #trunkFor(req: PhoneDialRequest): Promise<SipTrunkRecord | null> {
    const trunks = (await this.#o.store.sipTrunks.list(req.accountSid, { offset: 0, limit: 50 })).items;
    const caller = toE164(req.from, trunks[0]?.countryCode ?? '1');
    const number = caller === null ? null : await this.#o.store.phoneNumbers.getByNumber(caller);
    return trunks.find((t) => t.sid === number?.trunkSid) ?? trunks[0] ?? null;
  }

  async dial(req: PhoneDialRequest, onEvent: (event: PhoneLegEvent) => void, onMedia: MediaEventListener): Promise<MediaResult<PhoneLeg>> {
    const trunk = /^sips?:/i.test(req.to) ? null : await this.#trunkFor(req);
    return dialOut({ ua: this.ua, media: this.#o.media, host: this.#o.advertisedAddress, resolve: this.#resolve, log: this.#o.log }, trunk, req, onEvent, onMedia);
  }

  /** Removes the registrations, ends every SIP call and closes the sockets. */
  async close(): Promise<void> {
    await this.#registrations.close();
    this.ua.close();
    await Promise.all(this.#transports.map((t) => t.close()));
  }
}
