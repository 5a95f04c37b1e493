/** Fakes of the call engine's ports, shared by the engine's tests. */
import { VoiceError, type AccountSid, type ApplicationSid, type CallSid } from '@denwa/protocol';
import { RandomIdGenerator } from '../../src/core/index.ts';
import type {
  CallMessage, ClientConnection, IncomingCallParameters, LegDriver, MediaBridge, MediaCodec, MediaEndpoint, MediaEndpointOptions,
  MediaEventListener, MediaOfferOptions, MediaTap, MediaPort, MediaResult, PhoneDialRequest, PhoneLeg, PhoneLegEvent, TwimlFetchResult, TwimlRequest,
  WebhookClient, WebhookRequest,
} from '../../src/calls/index.ts';

export const T0 = 1_795_000_000_000;
export const ids = new RandomIdGenerator();
export const ACCOUNT: AccountSid = ids.sid('account');
export const APP: ApplicationSid = ids.sid('application');

export class FakeEndpoint implements MediaEndpoint {
  readonly id: string;
  codec: MediaCodec | null = { name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 };
  localSdp: string;
  closed = false;
  sendDigits?: (digits: string) => boolean;
  readonly onEvent: MediaEndpointOptions['onEvent'];
  constructor(id: string, onEvent: MediaEndpointOptions['onEvent']) { this.id = id; this.onEvent = onEvent; this.localSdp = `sdp ${id}`; }
  applyAnswer(sdp: string): MediaResult<undefined> {
    return sdp === 'bad' ? { ok: false, error: new VoiceError(31400, 'bad answer') } : { ok: true, value: undefined };
  }
  reoffer(): MediaResult<string> { return { ok: true, value: 'restart answer' }; }
  /** The recorder tapping this endpoint, if any: a test plays audio into it with `tap.onAudio`. */
  tap: MediaTap | null = null;
  setTap(tap: MediaTap | null): void { this.tap = tap; }
  close(): void { this.closed = true; this.tap = null; }
}

export class FakeMedia implements MediaPort {
  readonly endpoints: FakeEndpoint[] = [];
  readonly bridges: [string, string][] = [];
  offeredCodecs: (readonly string[])[] = [];
  answer(offer: string, opts: MediaEndpointOptions): MediaResult<{ endpoint: MediaEndpoint; sdp: string }> {
    if (offer === 'garbage') return { ok: false, error: new VoiceError(31400, 'not SDP') };
    const e = new FakeEndpoint(`E${String(this.endpoints.length)}`, opts.onEvent);
    this.endpoints.push(e);
    return { ok: true, value: { endpoint: e, sdp: e.localSdp } };
  }
  offer(opts: MediaOfferOptions): { endpoint: MediaEndpoint; sdp: string } {
    this.offeredCodecs.push(opts.codecs);
    const e = new FakeEndpoint(`E${String(this.endpoints.length)}`, opts.onEvent);
    this.endpoints.push(e);
    return { endpoint: e, sdp: e.localSdp };
  }
  rtpOffer(opts: MediaOfferOptions): Promise<{ endpoint: MediaEndpoint; sdp: string }> {
    return Promise.resolve(this.offer(opts));
  }
  rtpAnswer(offer: string, opts: MediaEndpointOptions): Promise<MediaResult<{ endpoint: MediaEndpoint; sdp: string }>> {
    return Promise.resolve(this.answer(offer, opts));
  }
  bridge(a: MediaEndpoint, b: MediaEndpoint): MediaBridge {
    this.bridges.push([a.id, b.id]);
    return { close: () => undefined };
  }
}

export class FakeConnection implements ClientConnection {
  readonly frames: string[] = [];
  lastReconnect = '';
  readonly id: string;
  readonly identity: string;
  readonly accountSid: AccountSid;
  constructor(id: string, identity: string, accountSid: AccountSid = ACCOUNT) { this.id = id; this.identity = identity; this.accountSid = accountSid; }
  sendRinging(sid: CallSid): void { this.frames.push(`ringing ${sid}`); }
  sendAnswer(sid: CallSid, sdp: string | null, reconnect: string): void { this.lastReconnect = reconnect; this.frames.push(`answer ${sid} ${String(sdp)}`); }
  sendInvite(sid: CallSid, _sdp: string, p: IncomingCallParameters, reconnect: string): void { this.lastReconnect = reconnect; this.frames.push(`invite ${sid} ${p['From'] ?? ''} ${p['Params'] ?? ''}`); }
  sendCancel(sid: CallSid): void { this.frames.push(`cancel ${sid}`); }
  sendHangup(sid: CallSid, error?: VoiceError): void { this.frames.push(`hangup ${sid}${error === undefined ? '' : ` ${String(error.code)}`}`); }
  sendCallMessage(sid: CallSid, m: CallMessage): void { this.frames.push(`message ${sid} ${m.messageType}`); }
  sendFarEndSpeech(sid: CallSid, speaking: boolean): void { this.frames.push(`farend ${sid} ${String(speaking)}`); }
  types(): string[] { return this.frames.map((f) => f.split(' ')[0] ?? ''); }
}

export class FakeWebhooks implements WebhookClient {
  readonly twiml = new Map<string, string>();
  readonly requests: TwimlRequest[] = [];
  readonly callbacks: WebhookRequest[] = [];
  fetchTwiml(req: TwimlRequest): Promise<TwimlFetchResult> {
    this.requests.push(req);
    const body = this.twiml.get(req.url);
    return Promise.resolve(body === undefined
      ? { ok: false, error: new VoiceError(11200, 'HTTP retrieval failure') }
      : { ok: true, body, url: req.url, method: req.method, usedFallback: false });
  }
  sendCallback(req: WebhookRequest): Promise<{ ok: true; status: number }> {
    this.callbacks.push(req);
    return Promise.resolve({ ok: true, status: 200 });
  }
}


/** A fake phone network: records each dial, hands the test the leg's event emitter, refuses on demand. */
export class FakeDriver implements LegDriver {
  readonly requests: PhoneDialRequest[] = [];
  readonly legs: { leg: PhoneLeg & { digits: string[]; canceled: boolean; hungUp: boolean }; emit: (e: PhoneLegEvent) => void; media: MediaEventListener }[] = [];
  refuse: VoiceError | null = null;
  dial(req: PhoneDialRequest, onEvent: (e: PhoneLegEvent) => void, onMedia: MediaEventListener): Promise<{ ok: true; value: PhoneLeg } | { ok: false; error: VoiceError }> {
    this.requests.push(req);
    if (this.refuse !== null) return Promise.resolve({ ok: false, error: this.refuse });
    const endpoint = new FakeEndpoint(`P${String(this.legs.length)}`, onMedia);
    const digits: string[] = [];
    const leg = { endpoint, digits, canceled: false, hungUp: false, cancel() { leg.canceled = true; }, hangup() { leg.hungUp = true; } };
    endpoint.sendDigits = (d: string): boolean => { digits.push(d); return true; };
    this.legs.push({ leg, emit: onEvent, media: onMedia });
    return Promise.resolve({ ok: true, value: leg });
  }
}
