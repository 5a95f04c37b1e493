/**
 * Dialing one phone leg (`<Number>` or `<Sip>`) through the {@link LegDriver}, with the same outcome
 * shape as ringing a client. SIP final responses map to Twilio's call statuses: 486 and 600 busy,
 * 408/480/487 no-answer, the `<Dial timeout>` no-answer (the leg is canceled), anything else failed
 * with the SIP code kept on the error.
 */
import { VoiceError, type CallSid } from '@denwa/protocol';
import type { Clock, TimerHandle } from '../core/index.ts';
import type { PhoneSignal } from './live-call.ts';
import type { LegDriver, MediaEndpoint, MediaEndpointEvent, PhoneDialRequest, PhoneLeg, PhoneLegEnd, PhoneLegEvent } from './ports.ts';
import type { RingOutcome } from './ring.ts';

export interface PhoneAttemptOptions {
  readonly request: PhoneDialRequest;
  readonly timeoutMs: number;
  /** Media events of the leg once it is answered. */
  readonly onWinnerEvent: (event: MediaEndpointEvent) => void;
  /** 180/183 arrived; `early` is the leg's endpoint when the far end sent early media (ringback, announcements). */
  readonly onRinging: (early: MediaEndpoint | null) => void;
  /** The far end hung up after the answer. */
  readonly onHangup: (end: PhoneLegEnd) => void;
  /** Digits received in SIP INFO. */
  readonly onDigits: (digits: string) => void;
}

export class PhoneAttempt {
  readonly callSid: CallSid;
  readonly outcome: Promise<RingOutcome>;
  #settle: (outcome: RingOutcome) => void = () => undefined;
  #settled = false;
  #answered = false;
  #leg: PhoneLeg | null = null;
  #timer: TimerHandle | null;
  readonly #clock: Clock;
  readonly #o: PhoneAttemptOptions;
  /** The sip status of the last failure, for the call's error. */
  sipStatus: number | null = null;

  constructor(driver: LegDriver, clock: Clock, options: PhoneAttemptOptions) {
    this.callSid = options.request.callSid;
    this.#clock = clock;
    this.#o = options;
    this.outcome = new Promise((resolve) => { this.#settle = resolve; });
    this.#timer = clock.setTimeout(() => { this.#giveUp({ kind: 'no-answer' }); }, options.timeoutMs);
    void driver.dial(options.request, (e) => { this.#event(e); }, (e) => { if (this.#answered) options.onWinnerEvent(e); }).then(
      (result) => {
        if (!result.ok) {
          this.#finish({ kind: 'failed', error: result.error });
          return;
        }
        this.#leg = result.value;
        if (this.#settled) result.value.cancel();
      },
      (err: unknown) => { this.#finish({ kind: 'failed', error: new VoiceError(31000, `dialing failed: ${err instanceof Error ? err.message : String(err)}`) }); },
    );
  }

  get settled(): boolean {
    return this.#settled;
  }

  #event(e: PhoneLegEvent): void {
    switch (e.type) {
      case 'ringing':
        if (!this.#settled) this.#o.onRinging(e.earlyMedia ? (this.#leg?.endpoint ?? null) : null);
        return;
      case 'answered': {
        const leg = this.#leg;
        if (this.#settled || leg === null) {
          leg?.hangup();
          return;
        }
        this.#answered = true;
        const phone: PhoneSignal = { answer: () => undefined, end: (answered) => { if (answered) leg.hangup(); else leg.cancel(); } };
        this.#finish({ kind: 'answered', connection: null, endpoint: leg.endpoint, phone });
        return;
      }
      case 'dtmf':
        if (this.#answered) this.#o.onDigits(e.digits);
        return;
      case 'ended':
        if (this.#answered) {
          this.#o.onHangup(e.end);
          return;
        }
        this.#ended(e.end);
        return;
    }
  }

  #ended(end: PhoneLegEnd): void {
    switch (end.kind) {
      case 'busy':
        this.sipStatus = end.sipStatus;
        this.#finish({ kind: 'busy' });
        return;
      case 'no-answer':
        this.sipStatus = end.sipStatus;
        this.#finish({ kind: 'no-answer' });
        return;
      case 'failed':
        this.sipStatus = end.sipStatus;
        this.#finish({ kind: 'failed', error: end.error });
        return;
      case 'hangup':
        this.#finish({ kind: 'failed', error: end.error ?? new VoiceError(31000, 'the phone leg ended before it was answered') });
    }
  }

  /** The caller gave up, or `<Dial>` was answered elsewhere. */
  cancel(): void {
    this.#giveUp({ kind: 'canceled' });
  }

  #giveUp(outcome: RingOutcome): void {
    if (this.#settled) return;
    this.#leg?.cancel();
    this.#leg?.endpoint.close();
    this.#finish(outcome);
  }

  #finish(outcome: RingOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#settle(outcome);
  }
}
