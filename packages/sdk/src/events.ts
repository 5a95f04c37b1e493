/**
 * A small typed event emitter for the browser (the SDK has no Node polyfills). A listener that throws
 * does not stop the others or the SDK: its exception is rethrown in a microtask, so it still reaches
 * the page's error handlers.
 */
export type Listener<A extends unknown[]> = (...args: A) => void;

type AnyListener = (...args: unknown[]) => void;

/** `Events` maps each event name to its argument tuple. @public */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, AnyListener[]>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as unknown as AnyListener);
    this.#listeners.set(event, list);
    return this;
  }

  /** Alias of {@link Emitter.on}. */
  addListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    return this.on(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const wrapper = (...args: Events[K]): void => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    const i = list.indexOf(listener as unknown as AnyListener);
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  /** Alias of {@link Emitter.off}. */
  removeListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` in order; true when there was one. */
  emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.#listeners.get(event);
    if (list === undefined || list.length === 0) return false;
    for (const listener of [...list]) {
      try {
        listener(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    return true;
  }
}
