/**
 * A call while it runs: its record ({@link CallState}), the browser leg that carries it (signaling
 * connection, media endpoint, reconnect token), the bridge to its peer call, and how it ended.
 */
import { VoiceError, type CallStatus } from '@denwa/protocol';
import type { Clock } from '../core/index.ts';
import type { HangupSource } from '../store/ports.ts';
import type { CallEnding, CallState } from './call-status.ts';
import type { ClientConnection, MediaBridge, MediaEndpoint } from './ports.ts';

/**
 * The SIP side of a call on the phone network: how the engine answers it and ends it. `end` is told
 * whether the call was answered (BYE) or not (CANCEL for a dialed leg, a failure response for an
 * incoming one).
 */
export interface PhoneSignal {
  answer(): void;
  /** Early media goes to the caller before the answer (183 with SDP); absent for dialed legs. */
  early?(): void;
  end(answered: boolean, status: CallStatus): void;
}

/** The far side of one call: a browser (connection) or the phone network (phone), and its media endpoint. */
export interface BrowserLeg {
  connection: ClientConnection | null;
  endpoint: MediaEndpoint | null;
  reconnect: string;
  /** Set for a call on the phone network. */
  phone?: PhoneSignal | null;
}

export type DtmfListener = (digits: string) => void;

export class LiveCall {
  readonly state: CallState;
  readonly leg: BrowserLeg;
  readonly isParent: boolean;
  /** The other call of a bridge (parent ↔ child), while bridged. */
  peer: LiveCall | null = null;
  bridge: MediaBridge | null = null;
  /** Answered towards the browser (`answer` sent, or the browser answered). */
  answered = false;
  readonly #clock: Clock;
  #ending: CallEnding | null = null;
  readonly #endWaiters: ((ending: CallEnding) => void)[] = [];
  readonly #dtmfListeners = new Set<DtmfListener>();

  constructor(state: CallState, leg: BrowserLeg, isParent: boolean, clock: Clock) {
    this.state = state;
    this.leg = leg;
    this.isParent = isParent;
    this.#clock = clock;
  }

  get sid(): CallState['sid'] {
    return this.state.sid;
  }

  /** A method, not a getter: it changes across awaits, and callers must not narrow it. */
  hasEnded(): boolean {
    return this.#ending !== null;
  }

  /** Resolves when the call ends (at once when it has). */
  whenEnded(): Promise<CallEnding> {
    const ending = this.#ending;
    if (ending !== null) return Promise.resolve(ending);
    return new Promise((resolve) => { this.#endWaiters.push(resolve); });
  }

  onDtmf(listener: DtmfListener): () => void {
    this.#dtmfListeners.add(listener);
    return () => { this.#dtmfListeners.delete(listener); };
  }

  /** Digits received on this leg (RFC 4733 or the signaling fallback). */
  dtmf(digits: string, source: 'rtp' | 'signaling'): void {
    this.state.event(this.#clock.now(), { event: 'dtmf', digits, source });
    for (const listener of [...this.#dtmfListeners]) listener(digits);
  }

  /**
   * Ends the call once: records the final status, stops media, and tells the browser with
   * `hangup` (or `cancel` for an incoming call never answered), or the phone network with BYE, CANCEL
   * or a failure response, unless that side itself ended it (`notifyBrowser: false`).
   */
  end(status: CallStatus, source: HangupSource, options: { readonly error?: VoiceError; readonly notifyBrowser?: boolean } = {}): void {
    if (this.#ending !== null) return;
    const ending: CallEnding = { status, source, errorCode: options.error?.code ?? null };
    this.#ending = ending;
    const finalStatus = status === 'completed' && this.state.record.answerTime === null ? 'canceled' : status;
    this.state.transition(finalStatus, this.#clock.now(), { hangupSource: source, ...(options.error === undefined ? {} : { errorCode: options.error.code }) }, { ...ending, status: finalStatus });
    this.bridge?.close();
    this.bridge = null;
    this.leg.endpoint?.close();
    const connection = this.leg.connection;
    if (options.notifyBrowser !== false) this.leg.phone?.end(this.answered, finalStatus);
    if (options.notifyBrowser !== false && connection !== null) {
      if (!this.isParent && !this.answered) connection.sendCancel(this.sid);
      else connection.sendHangup(this.sid, options.error);
    }
    for (const waiter of this.#endWaiters.splice(0)) waiter({ ...ending, status: finalStatus });
  }
}

/** The error a browser sees when its call fails for `status`. */
export function errorForStatus(status: CallStatus): VoiceError | undefined {
  switch (status) {
    case 'busy':
      return new VoiceError(31486, 'the called party is busy');
    case 'no-answer':
      return new VoiceError(31480, 'the called party did not answer');
    case 'queued':
    case 'initiated':
    case 'ringing':
    case 'in-progress':
    case 'completed':
    case 'failed':
    case 'canceled':
      return undefined;
  }
}
