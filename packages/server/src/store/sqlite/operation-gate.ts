/**
 * Tracks a store's in-flight operations so `close()` can wait for them, and turns every operation
 * started after `close()` into a rejection with a clear message.
 * @internal
 */
export class OperationGate {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #closedMessage: string;
  #closing: Promise<void> | undefined;

  constructor(closedMessage: string) {
    this.#closedMessage = closedMessage;
  }

  /** Starts `operation` unless closing has begun; the store's close waits for it to settle. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new Error(this.#closedMessage));
    const pending = operation();
    this.#pending.add(pending);
    const forget = (): void => {
      this.#pending.delete(pending);
    };
    pending.then(forget, forget);
    return pending;
  }

  /** Refuses new operations, waits for the pending ones, then runs `release` once. Idempotent. */
  close(release: () => Promise<void>): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      await release();
    })();
    return this.#closing;
  }
}
