/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  readonly id: unknown;
}

/**
 * Time and timers, injected so that protocol state machines and tests never read the wall clock
 * directly. `ManualClock` in `@denwa/testkit` implements it for tests.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref();
    return { id: t };
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle.id as NodeJS.Timeout);
  }
}
