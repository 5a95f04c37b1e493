/**
 * Session timers (RFC 4028): the `Session-Expires` / `Min-SE` negotiation for each INVITE or UPDATE
 * that sets up or refreshes a session, and the timer that follows it. The refresher sends a refresh
 * (re-INVITE or UPDATE) at half the interval; the other side ends the session with BYE when no
 * refresh came `interval − min(32, interval/3)` seconds after the last one (§10).
 */
import type { Clock, TimerHandle } from '../../core/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.ts';
import { responseTo } from '../transaction/index.ts';

/** Denwa's session-timer settings, in seconds. */
export interface SessionTimerConfig {
  /** What Denwa asks for in INVITEs it sends, and the most it grants (0: never ask). */
  readonly sessionExpires: number;
  /** The shortest interval Denwa accepts (`Min-SE`; RFC 4028 allows no less than 90 on the wire). */
  readonly minSessionExpires: number;
}

/** RFC 4028's recommended interval (30 minutes) and its floor for Min-SE (§4). */
export const DEFAULT_SESSION_TIMER: SessionTimerConfig = { sessionExpires: 1800, minSessionExpires: 90 };

/** A `Session-Expires` value: the interval in seconds and who refreshes, when said. */
export interface SessionExpires {
  readonly interval: number;
  readonly refresher: 'uac' | 'uas' | null;
}

/** The timer a live session runs, from Denwa's side. */
export interface SessionTimerTerms {
  /** Seconds. */
  readonly interval: number;
  /** `local`: Denwa sends the refreshes; `remote`: the peer does and Denwa watches for expiry. */
  readonly refresher: 'local' | 'remote';
  /** The Min-SE Denwa puts in its refreshes. */
  readonly minSE: number;
}

/** Reads `Session-Expires: 1800;refresher=uac` (also the compact `x:`); null when absent or unreadable. */
export function parseSessionExpires(value: string | undefined): SessionExpires | null {
  if (value === undefined) return null;
  const m = /^\s*(\d{1,9})\s*((?:;.*)?)$/.exec(value);
  if (m === null) return null;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\s*(?:;|$)/i.exec(m[2] ?? '')?.[1]?.toLowerCase();
  return { interval: Number(m[1]), refresher: refresher === 'uac' || refresher === 'uas' ? refresher : null };
}

/** Reads `Min-SE: 90`; null when absent or unreadable. */
export function parseMinSE(value: string | undefined): number | null {
  const m = value === undefined ? null : /^\s*(\d{1,9})\s*(?:;.*)?$/.exec(value);
  return m === null ? null : Number(m[1]);
}

/** Whether `Supported` or `Require` lists an option tag (`timer`, `100rel`). */
export function hasOptionTag(message: SipMessage, header: 'Supported' | 'Require', tag: string): boolean {
  return message.headers.getAll(header).some((v) => v.toLowerCase() === tag);
}

/** Whether the message's `Allow` lists `method`. */
export function allowsMethod(message: SipMessage, method: string): boolean {
  return message.headers.getAll('Allow').some((v) => v.toUpperCase() === method);
}

/** The headers of a refresh (or any re-INVITE/UPDATE) Denwa sends while a timer runs. */
export function refreshHeaders(terms: SessionTimerTerms | null): [string, string][] {
  if (terms === null) return [];
  return [['Session-Expires', `${String(terms.interval)};refresher=${terms.refresher === 'local' ? 'uac' : 'uas'}`], ['Min-SE', String(terms.minSE)]];
}

/** 422 Session Interval Too Small with Denwa's Min-SE (RFC 4028 §9). */
export function withMinSE(request: SipRequest, minSE: number): SipResponse {
  const r = responseTo(request, 422, 'Session Interval Too Small');
  r.headers.append('Min-SE', String(minSE));
  return r;
}

/** What Denwa answers a request carrying (or not) `Session-Expires` with. */
export type UasTimerDecision =
  | { readonly ok: true; readonly terms: SessionTimerTerms | null; readonly headers: readonly (readonly [string, string])[] }
  | { readonly ok: false; readonly minSE: number };

/**
 * §9: the terms for a 2xx Denwa sends to an INVITE or UPDATE. An interval below Denwa's minimum is
 * refused (422 with `Min-SE`) when the peer supports `timer`, and raised to the minimum when it
 * does not (a proxy put the header in; the peer would not understand a 422); a longer one than
 * Denwa's own is reduced (not below the request's Min-SE). The refresher is the peer only when it asked (`refresher=uac`) and supports `timer`;
 * otherwise Denwa refreshes. A request without `Session-Expires` inside a session with a timer keeps
 * the timer as it was.
 */
export function uasTimerTerms(request: SipRequest, config: SessionTimerConfig, current: SessionTimerTerms | null): UasTimerDecision {
  const se = parseSessionExpires(request.headers.get('Session-Expires'));
  const peerTimer = hasOptionTag(request, 'Supported', 'timer') || hasOptionTag(request, 'Require', 'timer');
  const peerMin = parseMinSE(request.headers.get('Min-SE')) ?? 0;
  let interval: number;
  let local: boolean;
  if (se === null) {
    if (current === null) return { ok: true, terms: null, headers: [] };
    interval = current.interval;
    local = current.refresher === 'local' || !peerTimer;
  } else {
    if (se.interval < config.minSessionExpires && peerTimer) return { ok: false, minSE: config.minSessionExpires };
    interval = config.sessionExpires > 0 && se.interval > config.sessionExpires ? Math.max(config.sessionExpires, peerMin, config.minSessionExpires) : Math.max(se.interval, config.minSessionExpires);
    local = !peerTimer || se.refresher !== 'uac';
  }
  const headers: [string, string][] = [['Session-Expires', `${String(interval)};refresher=${local ? 'uas' : 'uac'}`]];
  if (peerTimer) headers.push(['Require', 'timer']);
  return { ok: true, terms: { interval, refresher: local ? 'local' : 'remote', minSE: Math.max(config.minSessionExpires, peerMin) }, headers };
}

/**
 * §7.2: the terms after a 2xx to a request Denwa sent. Without `Session-Expires` the session has no
 * timer when it was set up (`current` null), and keeps its timer on a refresh. `refresher=uas` makes
 * the peer the refresher; `uac` (or none, which a compliant UAS never sends) makes it Denwa.
 */
export function uacTimerTerms(response: SipResponse, minSE: number, current: SessionTimerTerms | null): SessionTimerTerms | null {
  const se = parseSessionExpires(response.headers.get('Session-Expires'));
  if (se === null) return current;
  return { interval: se.interval, refresher: se.refresher === 'uas' ? 'remote' : 'local', minSE: current?.minSE ?? minSE };
}

/**
 * The timer of one session: `refresh` at half the interval when Denwa refreshes, `expired` when no
 * refresh succeeded in time (the interval for the refresher, §10's earlier point for the other side).
 */
export class SessionTimer {
  readonly #clock: Clock;
  readonly #refresh: () => void;
  readonly #expired: () => void;
  #terms: SessionTimerTerms | null = null;
  #refreshTimer: TimerHandle | null = null;
  #expiryTimer: TimerHandle | null = null;

  constructor(clock: Clock, handlers: { readonly refresh: () => void; readonly expired: () => void }) {
    this.#clock = clock;
    this.#refresh = handlers.refresh;
    this.#expired = handlers.expired;
  }

  get terms(): SessionTimerTerms | null {
    return this.#terms;
  }

  /** (Re)starts the timer after a successful setup or refresh; null turns it off. */
  set(terms: SessionTimerTerms | null): void {
    this.stop();
    this.#terms = terms;
    if (terms === null || terms.interval <= 0) return;
    const ms = terms.interval * 1000;
    if (terms.refresher === 'local') this.#refreshTimer = this.#clock.setTimeout(() => { this.#refreshTimer = null; this.#refresh(); }, ms / 2);
    const expiry = terms.refresher === 'local' ? ms : ms - Math.min(32_000, ms / 3);
    this.#expiryTimer = this.#clock.setTimeout(() => { this.#expiryTimer = null; this.#expired(); }, expiry);
  }

  /** Tries the refresh again in `ms` (after a 491), keeping the expiry as it is. */
  retryRefresh(ms: number): void {
    if (this.#terms?.refresher !== 'local' || this.#refreshTimer !== null) return;
    this.#refreshTimer = this.#clock.setTimeout(() => { this.#refreshTimer = null; this.#refresh(); }, ms);
  }

  stop(): void {
    if (this.#refreshTimer !== null) this.#clock.clearTimeout(this.#refreshTimer);
    if (this.#expiryTimer !== null) this.#clock.clearTimeout(this.#expiryTimer);
    this.#refreshTimer = null;
    this.#expiryTimer = null;
  }
}
