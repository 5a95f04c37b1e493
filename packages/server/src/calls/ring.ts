/**
 * Ringing one client identity: an `invite` with Denwa's offer to every registered connection of
 * that identity (one media endpoint each). The first `answer` wins and every other connection gets
 * `cancel`; a `reject` makes the call busy; the timeout makes it no-answer.
 */
import { VoiceError, type CallSid } from '@denwa/protocol';
import type { Clock, TimerHandle } from '../core/index.ts';
import type { PhoneSignal } from './live-call.ts';
import type { ClientConnection, IncomingCallParameters, MediaEndpoint, MediaEndpointEvent, MediaPort, MediaResult } from './ports.ts';

/** At most this many connections of one identity ring at once. */
export const MAX_RINGING_CONNECTIONS = 10;

export type RingOutcome =
  | { readonly kind: 'answered'; readonly connection: ClientConnection | null; readonly endpoint: MediaEndpoint; readonly phone?: PhoneSignal }
  | { readonly kind: 'busy' }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'failed'; readonly error: VoiceError }
  | { readonly kind: 'canceled' };

interface Invite {
  readonly connection: ClientConnection;
  readonly endpoint: MediaEndpoint;
}

export interface RingOptions {
  readonly callSid: CallSid;
  readonly connections: readonly ClientConnection[];
  readonly codecs: readonly string[];
  readonly parameters: IncomingCallParameters;
  readonly reconnect: string;
  readonly timeoutMs: number;
  /** Media events of the endpoint that wins (earlier events of ringing endpoints are ignored). */
  readonly onWinnerEvent: (event: MediaEndpointEvent) => void;
}

export class RingAttempt {
  readonly callSid: CallSid;
  readonly outcome: Promise<RingOutcome>;
  readonly #invites = new Map<string, Invite>();
  readonly #clock: Clock;
  readonly #media: MediaPort;
  readonly #onWinnerEvent: (event: MediaEndpointEvent) => void;
  #winner: MediaEndpoint | null = null;
  #settle: (outcome: RingOutcome) => void = () => undefined;
  #settled = false;
  #timer: TimerHandle | null = null;

  constructor(media: MediaPort, clock: Clock, options: RingOptions) {
    this.callSid = options.callSid;
    this.#clock = clock;
    this.#media = media;
    this.#onWinnerEvent = options.onWinnerEvent;
    this.outcome = new Promise((resolve) => { this.#settle = resolve; });
    const connections = options.connections.slice(0, MAX_RINGING_CONNECTIONS);
    if (connections.length === 0) {
      this.#finish({ kind: 'failed', error: new VoiceError(31480, 'the client is not registered') });
      return;
    }
    for (const connection of connections) {
      const { endpoint, sdp } = media.offer({
        label: `${options.callSid} ${connection.id}`,
        codecs: options.codecs,
        onEvent: (event) => { if (this.#winner === endpoint) this.#onWinnerEvent(event); },
      });
      this.#invites.set(connection.id, { connection, endpoint });
      connection.sendInvite(options.callSid, sdp, options.parameters, options.reconnect);
    }
    this.#timer = clock.setTimeout(() => { this.#finish({ kind: 'no-answer' }); }, options.timeoutMs);
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** `answer {sdp}` from one ringing connection. */
  answer(connection: ClientConnection, sdp: string): VoiceError | null {
    const invite = this.#invites.get(connection.id);
    if (this.#settled || invite === undefined) return new VoiceError(31404, 'this call is not ringing on this connection');
    const applied = invite.endpoint.applyAnswer(sdp);
    if (!applied.ok) {
      this.#invites.delete(connection.id);
      invite.endpoint.close();
      connection.sendHangup(this.callSid, applied.error);
      if (this.#invites.size === 0) this.#finish({ kind: 'failed', error: applied.error });
      return applied.error;
    }
    this.#invites.delete(connection.id);
    this.#win(connection, invite.endpoint);
    return null;
  }

  /** A `connectToken` pick-up: another connection answers with its own offer. */
  pickup(connection: ClientConnection, offerSdp: string): MediaResult<string> {
    if (this.#settled) return { ok: false, error: new VoiceError(31209, 'the call is no longer ringing') };
    let winner: MediaEndpoint | null = null;
    const answered = this.#media.answer(offerSdp, {
      label: `${this.callSid} ${connection.id}`,
      onEvent: (event) => { if (winner !== null && this.#winner === winner) this.#onWinnerEvent(event); },
    });
    if (!answered.ok) return answered;
    winner = answered.value.endpoint;
    this.#win(connection, winner);
    return { ok: true, value: answered.value.sdp };
  }

  /** `reject {callsid}`: the callee declines; every other device stops ringing. */
  reject(connection: ClientConnection): void {
    if (this.#settled || !this.#invites.has(connection.id)) return;
    const invite = this.#invites.get(connection.id);
    this.#invites.delete(connection.id);
    invite?.endpoint.close();
    this.#finish({ kind: 'busy' });
  }

  /** The connection is gone: it stops ringing (the others keep ringing until the timeout). */
  drop(connection: ClientConnection): void {
    const invite = this.#invites.get(connection.id);
    if (invite === undefined || this.#settled) return;
    this.#invites.delete(connection.id);
    invite.endpoint.close();
  }

  /** The caller gave up. */
  cancel(): void {
    this.#finish({ kind: 'canceled' });
  }

  #win(connection: ClientConnection, endpoint: MediaEndpoint): void {
    this.#winner = endpoint;
    this.#finish({ kind: 'answered', connection, endpoint });
  }

  #finish(outcome: RingOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    for (const invite of this.#invites.values()) {
      invite.connection.sendCancel(this.callSid);
      invite.endpoint.close();
    }
    this.#invites.clear();
    this.#settle(outcome);
  }
}
