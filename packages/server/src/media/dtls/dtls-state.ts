/**
 * The DTLS server's state machine (house style: state union, TRANSITIONS table, one `#transition`).
 *
 * ```
 *          ClientHello with a valid cookie        client Finished verified
 *   new ──────────────────────────────────▶ handshaking ─────────────────────▶ connected
 *    │  ▲                                      │                                   │
 *    │  └─ ClientHello without one:            │ fatal alert sent or received,     │ close_notify or fatal
 *    │     HelloVerifyRequest, no state        │ retransmissions exhausted         │ alert from the peer,
 *    │                                         ▼                                   │ close()
 *    └── negotiation fails ──────────────▶ failed                                  ▼
 *    └── close() (from new or handshaking) ──────────────────────────────────▶ closed
 * ```
 */
import { assertTransition, type TransitionTable } from '../../core/index.ts';

/**
 * - `new`: no handshake yet; ClientHellos without a valid cookie get a HelloVerifyRequest and leave
 *   no state behind (RFC 6347 §4.2.1).
 * - `handshaking`: flight 4 sent and retransmitted on a timer; reading the client's flight 5.
 * - `connected`: Finished exchanged; SRTP keys exported. Retransmits flight 6 when the client repeats
 *   flight 5.
 * - `failed`: terminal; the handshake failed (reason given to `onFailed`).
 * - `closed`: terminal; closed locally or by the peer after connecting.
 */
export type DtlsState = 'new' | 'handshaking' | 'connected' | 'failed' | 'closed';

/** The legal moves. Anything else is a programmer error. */
export const DTLS_TRANSITIONS: TransitionTable<DtlsState> = {
  new: ['handshaking', 'failed', 'closed'],
  handshaking: ['connected', 'failed', 'closed'],
  connected: ['closed'],
  failed: [],
  closed: [],
};

/**
 * Throws `InvalidStateError` (from core) unless `from → to` is in {@link DTLS_TRANSITIONS}.
 * @throws InvalidStateError
 */
export function assertDtlsTransition(from: DtlsState, to: DtlsState): void {
  assertTransition('DTLS server', DTLS_TRANSITIONS, from, to);
}

/** True for `failed` and `closed`. */
export function isTerminal(state: DtlsState): boolean {
  return state === 'failed' || state === 'closed';
}
