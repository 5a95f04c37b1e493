/**
 * Reliable provisional responses (RFC 3262). The UAS side ({@link ReliableProvisionals}) numbers its
 * 18x with `RSeq`, re-sends the one in flight at T1 doubling until its PRACK, holds the next
 * provisional (and the 2xx) until then, and gives up after 64·T1. The UAC side ({@link RSeqTracker})
 * decides which reliable 18x get a PRACK: the first of each early dialog, then only the next RSeq.
 */
import { randomInt } from 'node:crypto';
import type { TimerHandle } from '../../core/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import { tagOf } from '../dialog/index.ts';
import type { UaCore, UaLink } from './core.ts';
import { hasOptionTag } from './session-timer.ts';

/** Reads `RSeq: 1234`; null when absent or out of range (1 to 2³¹−1). */
export function parseRSeq(value: string | undefined): number | null {
  const m = value === undefined ? null : /^\s*(\d{1,10})\s*$/.exec(value);
  const n = m === null ? NaN : Number(m[1]);
  return Number.isInteger(n) && n >= 1 && n <= 2 ** 31 - 1 ? n : null;
}

/** Reads `RAck: <rseq> <cseq> <method>`; null when unreadable. */
export function parseRAck(value: string | undefined): { readonly rseq: number; readonly seq: number; readonly method: string } | null {
  const m = value === undefined ? null : /^\s*(\d{1,10})\s+(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value);
  if (m === null) return null;
  return { rseq: Number(m[1]), seq: Number(m[2]), method: (m[3] ?? '').toUpperCase() };
}

/** Whether a provisional response asks for a PRACK (`Require: 100rel` and an `RSeq`). */
export function isReliable(response: SipResponse): boolean {
  return response.status > 100 && response.status < 200 && hasOptionTag(response, 'Require', '100rel') && parseRSeq(response.headers.get('RSeq')) !== null;
}

/**
 * UAC side: the last RSeq acknowledged per early dialog (To tag). `accept` says whether a reliable
 * provisional is new and in order (PRACK it and pass it on) or a retransmission or out of order
 * (drop it, §4).
 */
export class RSeqTracker {
  readonly #last = new Map<string, number>();

  /** True for the first reliable 18x of an early dialog and for the next RSeq after it; records it. */
  accept(response: SipResponse): boolean {
    const tag = tagOf(response.headers.get('To'));
    const rseq = parseRSeq(response.headers.get('RSeq'));
    if (tag === null || rseq === null) return false;
    const last = this.#last.get(tag);
    if (last !== undefined && rseq !== last + 1) return false;
    this.#last.set(tag, rseq);
    return true;
  }

  /** A new INVITE transaction (after a challenge or a 422): its early dialogs start afresh. */
  clear(): void {
    this.#last.clear();
  }
}

/**
 * UAS side: the reliable provisionals of one INVITE. `send` stamps `Require: 100rel` and the next
 * `RSeq`, or queues the response while an earlier one waits for its PRACK; `whenAcknowledged` runs
 * an action (sending the 2xx) once nothing is in flight; `acknowledge` matches a PRACK's RAck.
 */
export class ReliableProvisionals {
  readonly #core: UaCore;
  readonly #reliableTransport: boolean;
  readonly #respond: (response: SipResponse) => void;
  readonly #failed: () => void;
  readonly #inviteSeq: number;
  readonly #queue: (() => void)[] = [];
  #rseq = randomInt(1, 2 ** 30);
  #inFlight: { readonly rseq: number; readonly response: SipResponse; timer: TimerHandle | null; deadline: TimerHandle | null } | null = null;
  #stopped = false;

  /** `respond` sends through the INVITE's server transaction; `failed` runs when no PRACK came in 64·T1. */
  constructor(core: UaCore, link: UaLink, invite: SipRequest, respond: (response: SipResponse) => void, failed: () => void) {
    this.#core = core;
    this.#reliableTransport = link.transport.reliable;
    this.#respond = respond;
    this.#failed = failed;
    this.#inviteSeq = Number.parseInt(invite.headers.get('CSeq') ?? '0', 10);
  }

  /** Whether a reliable provisional waits for its PRACK. */
  get pending(): boolean {
    return this.#inFlight !== null;
  }

  /** Sends `response` reliably now, or once the one in flight is acknowledged. */
  send(response: SipResponse): void {
    if (this.#stopped) return;
    if (this.#inFlight !== null) {
      this.#queue.push(() => { this.send(response); });
      return;
    }
    const rseq = this.#rseq++;
    response.headers.set('Require', '100rel');
    response.headers.set('RSeq', String(rseq));
    const flight: { readonly rseq: number; readonly response: SipResponse; timer: TimerHandle | null; deadline: TimerHandle | null } = { rseq, response, timer: null, deadline: null };
    this.#inFlight = flight;
    this.#respond(response);
    const t1 = this.#core.timers.t1;
    flight.deadline = this.#core.clock.setTimeout(() => {
      if (this.#inFlight !== flight) return;
      this.stop();
      this.#failed();
    }, 64 * t1);
    if (this.#reliableTransport) return;
    let interval = t1;
    const again = (): void => {
      if (this.#inFlight !== flight) return;
      this.#respond(response);
      interval *= 2;
      flight.timer = this.#core.clock.setTimeout(again, interval);
    };
    flight.timer = this.#core.clock.setTimeout(again, interval);
  }

  /** Runs `action` now when nothing waits for a PRACK, else after the queued responses went out and were acknowledged. */
  whenAcknowledged(action: () => void): void {
    if (this.#stopped) return;
    if (this.#inFlight === null && this.#queue.length === 0) action();
    else this.#queue.push(action);
  }

  /**
   * A PRACK: true when its RAck acknowledges the provisional in flight (§3), which stops its
   * retransmissions; `drain` then sends what waited. False for any other RAck (answer 481).
   */
  acknowledge(prack: SipRequest): boolean {
    const rack = parseRAck(prack.headers.get('RAck'));
    const flight = this.#inFlight;
    if (rack === null || flight === null || rack.rseq !== flight.rseq || rack.seq !== this.#inviteSeq || rack.method !== 'INVITE') return false;
    this.#clear(flight);
    this.#inFlight = null;
    return true;
  }

  /** Sends what waited for the last PRACK, up to the next reliable provisional. */
  drain(): void {
    while (!this.#stopped && this.#inFlight === null) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      next();
    }
  }

  /** A final response went out (or the INVITE is gone): no more retransmissions or queued sends. */
  stop(): void {
    this.#stopped = true;
    if (this.#inFlight !== null) this.#clear(this.#inFlight);
    this.#inFlight = null;
    this.#queue.length = 0;
  }

  #clear(flight: { timer: TimerHandle | null; deadline: TimerHandle | null }): void {
    if (flight.timer !== null) this.#core.clock.clearTimeout(flight.timer);
    if (flight.deadline !== null) this.#core.clock.clearTimeout(flight.deadline);
    flight.timer = null;
    flight.deadline = null;
  }
}
