/**
 * The one state-machine shape (docs/ARCHITECTURE.md): a string-literal state union, a
 * `TRANSITIONS` table of legal moves, and a single transition method that checks the table.
 */

/** An illegal state transition: a programmer error, never caught in domain code. */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
}

/** A table of the legal moves out of each state. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * Throws {@link InvalidStateError} unless `from → to` is in `table`.
 * @param machine names the state machine in the message (e.g. `ICE-lite agent`).
 */
export function assertTransition<S extends string>(machine: string, table: TransitionTable<S>, from: S, to: S): void {
  if (!table[from].includes(to)) throw new InvalidStateError(`${machine}: illegal transition ${from} → ${to}`);
}
