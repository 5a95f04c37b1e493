/**
 * Registration with a carrier's registrar (RFC 3261 §10.2): REGISTER with Denwa's Contact for an
 * address of record, the digest challenge answered (401/407; later refreshes answer the last
 * challenge at once with the next nonce count, and a fresh challenge once more), 423 Interval Too
 * Brief retried with the registrar's Min-Expires, a refresh at half the time granted, a bounded
 * backoff after a failure (Retry-After respected), and removal with `Expires: 0`. One Call-ID for the
 * whole registration, the CSeq rising by one per REGISTER (§10.2.4).
 */
import type { TimerHandle } from '../../core/index.ts';
import { SipHeaders, parseNameAddr, parseSipUri, type SipResponse } from '../message/index.ts';
import type { SipAddress } from '../transport/index.ts';
import { newCallId, newTag, uriTarget, type UaCore, type UaLink } from './core.ts';
import { answerDigestChallenge, type DigestCredentials } from './digest.ts';

/** Where a registration stands: a REGISTER is out, the binding holds, the last attempt failed (a retry is scheduled), or it was removed. */
export type RegistrationState = 'registering' | 'registered' | 'failed' | 'unregistered';

/** What {@link SipUserAgent.register} needs. */
export interface RegistrationOptions {
  /** The registrar's URI, the Request-URI (e.g. `sip:203.0.113.5`, `sip:203.0.113.5;transport=tcp`). */
  readonly registrar: string;
  /** Where REGISTERs go when the registrar's URI names a host rather than an address (an IP URI); default the registrar. */
  readonly proxy?: string;
  /** The address of record, e.g. `sip:0312345678@carrier.example` (From and To). */
  readonly aor: string;
  /** Answers a 401/407 challenge. */
  readonly credentials?: DigestCredentials;
  /** Seconds asked for (default 3600); a 423 raises it to the registrar's Min-Expires. */
  readonly expires?: number;
  /** The user part of Denwa's Contact (default the AoR's user, else `denwa`). */
  readonly contactUser?: string;
  /** After a failure, retry in `min` seconds, doubling up to `max` (default 30 and 300). */
  readonly retry?: { readonly min: number; readonly max: number };
}

/** The outcome that changed a registration's state. */
export interface RegistrationInfo {
  /** The registrar's status (408 when it did not answer, 503 when its host is not an IP address). */
  readonly status: number;
  readonly reason: string;
  /** Seconds granted, once registered. */
  readonly expires: number | null;
  /** Milliseconds until the next attempt after a failure; null when none is scheduled. */
  readonly retryInMs: number | null;
}

/** A registration's events. */
export interface RegistrationEvents {
  /** The state changed (a refresh that keeps `registered` is no change). */
  changed?(state: RegistrationState, info: RegistrationInfo): void;
}

/** One address of record registered with one registrar; see the module comment. */
export class Registration {
  /** The same for every REGISTER of this registration. */
  readonly callId: string;
  readonly aor: string;
  events: RegistrationEvents;
  readonly #core: UaCore;
  readonly #o: RegistrationOptions;
  readonly #link: UaLink;
  readonly #to: SipAddress | null;
  readonly #contact: string;
  readonly #fromTag = newTag();
  readonly #onGone: () => void;
  #state: RegistrationState = 'registering';
  #expires: number;
  #granted: number | null = null;
  #seq = 0;
  /** REGISTERs sent so far; a response to an older one than the last is ignored. */
  #generation = 0;
  #challenge: { readonly status: 401 | 407; readonly value: string } | null = null;
  #nc = 0;
  #authTries = 0;
  #intervalTries = 0;
  #backoff: number;
  #timer: TimerHandle | null = null;
  #removal: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  /** Use {@link SipUserAgent.register}. */
  constructor(core: UaCore, options: RegistrationOptions, events: RegistrationEvents, onGone: () => void) {
    this.#core = core;
    this.#o = options;
    this.aor = options.aor;
    this.events = events;
    this.#onGone = onGone;
    this.callId = newCallId(core.host);
    this.#expires = options.expires ?? 3600;
    this.#backoff = options.retry?.min ?? 30;
    const target = uriTarget(options.proxy ?? options.registrar);
    this.#link = core.link(target?.protocol ?? 'UDP');
    this.#to = target?.address ?? null;
    const user = options.contactUser ?? parseSipUri(options.aor)?.user ?? 'denwa';
    this.#contact = core.contact(this.#link, user);
  }

  get state(): RegistrationState {
    return this.#state;
  }

  /** Seconds the registrar granted last; null before it did. */
  get expires(): number | null {
    return this.#granted;
  }

  /** Sends the first REGISTER (an unroutable registrar fails with 503 at once, without retries). */
  start(): void {
    if (this.#to === null) {
      queueMicrotask(() => { this.#set('failed', { status: 503, reason: 'No route to the registrar (the host must be an IP address)', expires: null, retryInMs: null }); });
      return;
    }
    this.#send(this.#expires);
  }

  /** Removes the binding (`Expires: 0`); resolves once the registrar answered or gave up. Stops refreshes and retries. */
  unregister(): Promise<void> {
    if (this.#removal !== null) return this.#removal.promise;
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => { resolve = r; });
    this.#removal = { promise, resolve };
    this.#clearTimer();
    if (this.#to === null || this.#state === 'unregistered') this.#removed(0, 'Not registered');
    else {
      this.#authTries = 0;
      this.#send(0);
    }
    return promise;
  }

  #send(expires: number): void {
    const to = this.#to;
    if (to === null) return;
    const generation = ++this.#generation;
    const uri = this.#o.registrar;
    const h = new SipHeaders();
    h.append('Max-Forwards', '70').append('From', `<${this.aor}>;tag=${this.#fromTag}`).append('To', `<${this.aor}>`)
      .append('Call-ID', this.callId).append('CSeq', `${String(++this.#seq)} REGISTER`).append('Contact', this.#contact)
      .append('Expires', String(expires)).append('Allow', this.#core.allow).append('User-Agent', this.#core.userAgent);
    const challenge = this.#challenge;
    const credentials = this.#o.credentials;
    if (challenge !== null && credentials !== undefined) {
      const answer = answerDigestChallenge(challenge.value, { method: 'REGISTER', uri }, credentials, ++this.#nc);
      if (answer !== null) h.append(challenge.status === 401 ? 'Authorization' : 'Proxy-Authorization', answer);
    }
    this.#core.send(this.#link, { kind: 'request', method: 'REGISTER', uri, headers: h, body: new Uint8Array(0) }, to, {
      response: (r) => { if (generation === this.#generation) this.#response(r, expires); },
      timeout: () => { if (generation === this.#generation) this.#failure(408, 'Request Timeout', null); },
    });
  }

  #response(r: SipResponse, expires: number): void {
    if (r.status < 200) return;
    if (r.status < 300) {
      if (expires === 0) this.#removed(r.status, r.reason);
      else this.#registered(r, expires);
      return;
    }
    if ((r.status === 401 || r.status === 407) && this.#answerChallenge(r)) {
      this.#send(expires);
      return;
    }
    const minExpires = Number.parseInt(r.headers.get('Min-Expires') ?? '', 10);
    if (r.status === 423 && expires > 0 && Number.isFinite(minExpires) && minExpires > expires && this.#intervalTries++ < 2) {
      this.#expires = minExpires;
      this.#send(minExpires);
      return;
    }
    const retryAfter = Number.parseInt(r.headers.get('Retry-After') ?? '', 10);
    this.#failure(r.status, r.reason, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null);
  }

  /** One answer per attempt, and one more when the registrar says the nonce went stale (§22.4). */
  #answerChallenge(r: SipResponse): boolean {
    const credentials = this.#o.credentials;
    const challenge = r.headers.get(r.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    if (credentials === undefined || challenge === undefined || this.#authTries >= 2) return false;
    if (this.#authTries === 1 && !/stale\s*=\s*"?true/i.test(challenge)) return false;
    if (answerDigestChallenge(challenge, { method: 'REGISTER', uri: this.#o.registrar }, credentials) === null) return false;
    this.#authTries++;
    this.#challenge = { status: r.status === 401 ? 401 : 407, value: challenge };
    this.#nc = 0;
    return true;
  }

  #registered(r: SipResponse, asked: number): void {
    const granted = this.#grantedBy(r) ?? asked;
    this.#granted = granted > 0 ? granted : asked;
    this.#authTries = 0;
    this.#intervalTries = 0;
    this.#backoff = this.#o.retry?.min ?? 30;
    this.#schedule(this.#granted * 500, () => { this.#send(this.#expires); });
    this.#set('registered', { status: r.status, reason: r.reason, expires: this.#granted, retryInMs: null });
  }

  /** The `expires` of Denwa's own Contact in the 2xx (§10.2.4), else the `Expires` header. */
  #grantedBy(r: SipResponse): number | null {
    const mine = parseSipUri(parseNameAddr(this.#contact)?.uri ?? '');
    for (const value of r.headers.getAll('Contact')) {
      const contact = parseNameAddr(value);
      const uri = parseSipUri(contact?.uri ?? '');
      if (contact === null || uri === null || mine === null) continue;
      if (uri.user !== mine.user || uri.host !== mine.host || (uri.port ?? 5060) !== (mine.port ?? 5060)) continue;
      const e = Number.parseInt(contact.params.get('expires') ?? '', 10);
      if (Number.isFinite(e)) return e;
    }
    const header = Number.parseInt(r.headers.get('Expires') ?? '', 10);
    return Number.isFinite(header) ? header : null;
  }

  #failure(status: number, reason: string, retryAfter: number | null): void {
    if (this.#removal !== null) {
      this.#removed(status, reason);
      return;
    }
    this.#authTries = 0;
    this.#intervalTries = 0;
    const max = this.#o.retry?.max ?? 300;
    const delay = Math.max(this.#backoff, retryAfter ?? 0);
    this.#backoff = Math.min(this.#backoff * 2, max);
    this.#schedule(delay * 1000, () => {
      this.#set('registering', { status, reason, expires: null, retryInMs: null });
      this.#send(this.#expires);
    });
    this.#set('failed', { status, reason, expires: null, retryInMs: delay * 1000 });
  }

  #removed(status: number, reason: string): void {
    this.#clearTimer();
    this.#generation++;
    this.#set('unregistered', { status, reason, expires: null, retryInMs: null });
    this.#removal?.resolve();
    this.#onGone();
  }

  #schedule(ms: number, action: () => void): void {
    this.#clearTimer();
    this.#timer = this.#core.clock.setTimeout(() => { this.#timer = null; action(); }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#core.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(state: RegistrationState, info: RegistrationInfo): void {
    if (state === this.#state && state !== 'failed') return;
    this.#state = state;
    this.events.changed?.(state, info);
  }
}
