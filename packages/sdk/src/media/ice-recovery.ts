/**
 * Media reconnection as the 2.x SDK does it (twilio-signaling.md §4.8): when ICE fails, or is
 * `disconnected` while no bytes arrive or leave (`low-bytes-*`), the call is `reconnecting`; an
 * ICE-restart offer goes out as `reinvite`, retried with backoff, and Denwa's answer is applied.
 * ICE `connected` again means `reconnected`; 30 s without it ends the call with 31003.
 */
import type { MediaSession } from './peer-session.ts';

export interface IceRecoveryHooks {
  readonly reinvite: (sdp: string) => void;
  readonly reconnecting: () => void;
  readonly reconnected: () => void;
  readonly gaveUp: () => void;
}

const GIVE_UP_MS = 30_000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5000;

export class IceRecovery {
  readonly #media: MediaSession;
  readonly #hooks: IceRecoveryHooks;
  #state = 'new';
  #lowBytes = false;
  #startedAt: number | null = null;
  #retryMs = FIRST_RETRY_MS;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(media: MediaSession, hooks: IceRecoveryHooks) {
    this.#media = media;
    this.#hooks = hooks;
  }

  /** True between `reconnecting` and `reconnected` (or giving up). */
  get active(): boolean {
    return this.#startedAt !== null;
  }

  iceState(state: string): void {
    this.#state = state;
    if (state === 'connected' || state === 'completed') {
      if (this.#startedAt === null) return;
      this.#clear();
      this.#startedAt = null;
      this.#hooks.reconnected();
      return;
    }
    if (state === 'failed' || (state === 'disconnected' && this.#lowBytes)) this.#begin();
  }

  /** A `low-bytes-received`/`low-bytes-sent` warning was raised (true) or cleared. */
  lowBytes(active: boolean): void {
    this.#lowBytes = active;
    if (active && this.#state === 'disconnected') this.#begin();
  }

  /** The answer to our restart offer; false when no restart is under way. */
  answer(sdp: string): boolean {
    if (this.#startedAt === null) return false;
    this.#media.applyAnswer(sdp).catch(() => undefined);
    return true;
  }

  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #begin(): void {
    if (this.#startedAt !== null || this.#stopped) return;
    this.#startedAt = Date.now();
    this.#retryMs = FIRST_RETRY_MS;
    this.#hooks.reconnecting();
    void this.#attempt();
  }

  async #attempt(): Promise<void> {
    if (this.#stopped || this.#startedAt === null) return;
    if (Date.now() - this.#startedAt >= GIVE_UP_MS) {
      this.#startedAt = null;
      this.#hooks.gaveUp();
      return;
    }
    try {
      const sdp = await this.#media.restartIce();
      if (this.#restarting()) this.#hooks.reinvite(sdp);
    } catch {
      // The next attempt tries again.
    }
    if (!this.#restarting()) return;
    this.#timer = setTimeout(() => { this.#timer = null; void this.#attempt(); }, this.#retryMs);
    this.#retryMs = Math.min(MAX_RETRY_MS, Math.round(this.#retryMs * 1.5));
  }

  /** Still restarting after an await (stop() or reconnection may have happened meanwhile). */
  #restarting(): boolean {
    return !this.#stopped && this.#startedAt !== null;
  }

  #clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
