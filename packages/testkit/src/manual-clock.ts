/**
 * A clock for tests: time moves only when `advance()` is called. Structurally compatible with the
 * server's `Clock` port (testkit does not import the server).
 */
interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class ManualClock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, ManualTimer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): { id: unknown } {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: { id: unknown }): void {
    if (typeof handle.id === 'number') this.#timers.delete(handle.id);
  }

  /** Moves time forward, running due timers in order; awaits microtasks after each. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers.delete(due.id);
      this.#now = due.at;
      due.fn();
      await Promise.resolve();
    }
    this.#now = target;
    await Promise.resolve();
  }

  /** Sets the wall time without running timers. */
  set(ms: number): void {
    this.#now = ms;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }
}
