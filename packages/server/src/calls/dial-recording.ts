/**
 * `<Dial record>`: records the dialed part of a call. `record-from-answer[-dual]` starts when the
 * dialed party answers and is bridged, `record-from-ringing[-dual]` when dialing starts (the parent
 * leg is recorded from then; the dialed leg once it has media: early media, then the answer). The
 * `-dual` modes are stereo with channel 1 the parent (caller) leg and channel 2 the child (dialed) leg;
 * the others a mono mix. The recording ends with the `<Dial>`; its sid, URL and duration go to
 * the `<Dial action>` (`RecordingSid`, `RecordingUrl`, `RecordingDuration`).
 */
import type { DialVerb } from '../twiml/index.ts';
import type { EngineContext } from './engine-context.ts';
import type { LiveCall } from './live-call.ts';
import type { ActiveRecording, MediaEndpoint, RecordingOptions } from './ports.ts';

/** What `<Dial action>` learns of the recording. */
export interface DialRecordingResult {
  readonly sid: string;
  readonly url: string;
  readonly durationS: number;
}

export class DialRecording {
  readonly #ctx: EngineContext;
  readonly #parent: LiveCall;
  readonly #options: RecordingOptions | null;
  readonly #fromRinging: boolean;
  #active: Promise<ActiveRecording | null> | null = null;
  #child: MediaEndpoint | null = null;

  constructor(ctx: EngineContext, parent: LiveCall, verb: DialVerb, resolve: (url: string) => string | null) {
    this.#ctx = ctx;
    this.#parent = parent;
    const mode = verb.record ?? 'do-not-record';
    this.#fromRinging = mode === 'record-from-ringing' || mode === 'record-from-ringing-dual';
    const callback = verb.recordingStatusCallback === undefined ? null : resolve(verb.recordingStatusCallback);
    this.#options = mode === 'do-not-record' || ctx.recorder === undefined || ctx.recorder === null ? null : {
      accountSid: parent.state.accountSid,
      callSid: parent.sid,
      source: 'DialVerb',
      channels: mode.endsWith('-dual') ? 2 : 1,
      track: verb.recordingTrack ?? 'both',
      trim: verb.trim === 'trim-silence',
      statusCallback: callback,
      statusCallbackMethod: verb.recordingStatusCallbackMethod ?? 'POST',
      statusCallbackEvents: verb.recordingStatusCallbackEvent ?? ['completed'],
    };
  }

  /** Dialing started: `record-from-ringing` begins with the parent leg. */
  ringing(): void {
    if (this.#fromRinging) this.#start();
  }

  /** The dialed leg has media (early media or the answer): recorded on channel 2 from now. */
  childMedia(endpoint: MediaEndpoint): void {
    this.#child = endpoint;
    void this.#active?.then((a) => { a?.setLegs(this.#parent.leg.endpoint, endpoint); });
  }

  /** The dialed party answered and is bridged: `record-from-answer` begins. */
  answered(child: MediaEndpoint | null): void {
    if (child !== null) this.childMedia(child);
    this.#start();
  }

  #start(): void {
    const options = this.#options;
    const recorder = this.#ctx.recorder;
    if (options === null || recorder === undefined || recorder === null || this.#active !== null) return;
    this.#active = recorder.start(options, this.#parent.leg.endpoint, this.#child).then(
      (r) => {
        if (r.ok) return r.value;
        this.#ctx.log.warn({ err: r.error, callSid: this.#parent.sid }, 'the <Dial> recording could not start');
        return null;
      },
      (err: unknown) => {
        this.#ctx.log.error({ err, callSid: this.#parent.sid }, 'the <Dial> recording could not start');
        return null;
      },
    );
  }

  /** Ends the recording (if one started): what `<Dial action>` reports of it. */
  async end(): Promise<DialRecordingResult | null> {
    const active = await this.#active;
    const recorder = this.#ctx.recorder;
    if (active === null || recorder === undefined || recorder === null) return null;
    const record = await active.stop();
    return { sid: record.sid, url: recorder.recordingUrl(record.accountSid, record.sid), durationS: Math.round((record.durationMs ?? 0) / 1000) };
  }
}
