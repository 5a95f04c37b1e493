/**
 * The ICE-lite agent's state machine (house style: state union, TRANSITIONS table, one
 * `#transition`).
 *
 * ```
 *            nominated            consent expired (30 s)
 *   new ─────────────────▶ connected ─────────────────▶ disconnected
 *    │                      ▲   │                          │
 *    │                      │   └──── valid check from ◀───┘
 *    │                      │         the selected pair, or a nomination
 *    └──────────────────────┴──────────── close() ─────────▶ closed (from any state)
 * ```
 */
import { assertTransition, type TransitionTable } from '../../core/index.ts';

/**
 * - `new`: no pair nominated yet; checks are answered, media must not be sent.
 * - `connected`: a pair is selected (USE-CANDIDATE) and its consent is fresh; media goes there.
 * - `disconnected`: no valid check from the selected pair for 30 s (RFC 7675 §5.1); stop sending.
 * - `closed`: terminal; every packet is ignored.
 */
export type IceLiteState = 'new' | 'connected' | 'disconnected' | 'closed';

/** The legal moves. Anything else is a programmer error. */
export const ICE_LITE_TRANSITIONS: TransitionTable<IceLiteState> = {
  new: ['connected', 'closed'],
  connected: ['disconnected', 'closed'],
  disconnected: ['connected', 'closed'],
  closed: [],
};

/**
 * Throws `InvalidStateError` (from core) unless `from → to` is in {@link ICE_LITE_TRANSITIONS}.
 * @throws InvalidStateError
 */
export function assertIceLiteTransition(from: IceLiteState, to: IceLiteState): void {
  assertTransition('ICE-lite agent', ICE_LITE_TRANSITIONS, from, to);
}
