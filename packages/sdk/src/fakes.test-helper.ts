/** A scripted signaling socket and fake media for the SDK's unit tests. */
import type { AudioEnvironment, AudioOutputElement, MediaDevicesLike } from './audio/playback.ts';
import type { MediaSession } from './media/peer-session.ts';
import type { RawStats } from './quality/monitor.ts';
import type { SocketLike } from './signaling/transport.ts';

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { readonly code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null = null;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  receive(type: string, payload: object = {}): void {
    this.onmessage?.({ data: JSON.stringify({ type, version: '1.6', payload }) });
  }

  raw(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** Parsed JSON frames sent by the SDK. */
  frames(type?: string): { type: string; payload: Record<string, unknown> }[] {
    return this.sent.filter((f) => f !== '\n').map((f) => JSON.parse(f) as { type: string; payload: Record<string, unknown> }).filter((f) => type === undefined || f.type === type);
  }
}

export class FakeMedia implements MediaSession {
  readonly answers: string[] = [];
  dtmfSupported = true;
  readonly digits: string[] = [];
  muted = false;
  closed = false;
  onIceState: ((state: string) => void) | null = null;
  readonly localSdp = 'v=0 local';
  readonly codec = 'pcmu';
  readonly localStream = undefined;
  readonly remoteStream = undefined;
  createOffer(): Promise<string> { return Promise.resolve('offer-sdp'); }
  restarts = 0;
  restartIce(): Promise<string> { this.restarts++; return Promise.resolve(`restart-offer-${String(this.restarts)}`); }
  applyAnswer(sdp: string): Promise<void> { this.answers.push(sdp); return Promise.resolve(); }
  answerOffer(): Promise<string> { return Promise.resolve('answer-sdp'); }
  setMuted(muted: boolean): void { this.muted = muted; }
  readonly inputs: (MediaTrackConstraints | boolean)[] = [];
  setInput(constraints: MediaTrackConstraints | boolean): Promise<void> { this.inputs.push(constraints); return Promise.resolve(); }
  insertDtmf(digits: string): boolean {
    if (!this.dtmfSupported) return false;
    this.digits.push(digits);
    return true;
  }
  stats: RawStats | null = null;
  levelValues: { input: number; output: number } | null = null;
  getStats(): Promise<RawStats | null> { return Promise.resolve(this.stats); }
  levels(): { input: number; output: number } | null { return this.levelValues; }
  close(): void { this.closed = true; }
}


/** An audio element that records what the SDK did with it. */
export class FakeAudioElement implements AudioOutputElement {
  srcObject: MediaProvider | null = null;
  src = '';
  loop = false;
  volume = 1;
  sinkId = '';
  playing = false;
  refusePlay: Error | null = null;
  readonly #ended: (() => void)[] = [];
  setSinkId(id: string): Promise<void> { this.sinkId = id; return Promise.resolve(); }
  play(): Promise<void> {
    if (this.refusePlay !== null) return Promise.reject(this.refusePlay);
    this.playing = true;
    return Promise.resolve();
  }
  pause(): void { this.playing = false; }
  addEventListener(_type: 'ended', listener: () => void): void { this.#ended.push(listener); }
  end(): void { this.playing = false; for (const l of this.#ended) l(); }
}

function info(kind: MediaDeviceKind, deviceId: string, label: string): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: 'g', toJSON: () => ({}) };
}

/** Two microphones and three outputs (as Chromium's fake devices), with a scriptable `devicechange`. */
export class FakeAudioEnvironment implements AudioEnvironment {
  readonly elements: FakeAudioElement[] = [];
  canSelectOutput = true;
  refusePlay: Error | null = null;
  devices: MediaDeviceInfo[] = [
    info('audioinput', 'default', 'Default Input'), info('audioinput', 'mic-2', 'Headset Mic'),
    info('audiooutput', 'default', 'Default Output'), info('audiooutput', 'spk-1', 'Speakers'), info('audiooutput', 'hs-2', 'Headset'),
  ];
  readonly gum: MediaStreamConstraints[] = [];
  readonly #changed: (() => void)[] = [];
  readonly mediaDevices: MediaDevicesLike = {
    enumerateDevices: () => Promise.resolve([...this.devices]),
    getUserMedia: (constraints) => {
      this.gum.push(constraints);
      const track = { stop: () => undefined, kind: 'audio' };
      return Promise.resolve({ getTracks: () => [track], getAudioTracks: () => [track] } as unknown as MediaStream);
    },
    addEventListener: (_t, l) => { this.#changed.push(l); },
    removeEventListener: (_t, l) => { const i = this.#changed.indexOf(l); if (i >= 0) this.#changed.splice(i, 1); },
  };

  createElement(): FakeAudioElement {
    const el = new FakeAudioElement();
    el.refusePlay = this.refusePlay;
    this.elements.push(el);
    return el;
  }

  /** Elements currently playing this URL (or stream), with their sinks. */
  playing(source: string | object): FakeAudioElement[] {
    return this.elements.filter((e) => e.playing && (typeof source === 'string' ? e.src === source : e.srcObject === source));
  }

  unplug(deviceId: string): void {
    this.devices = this.devices.filter((d) => d.deviceId !== deviceId);
    for (const l of this.#changed) l();
  }
}
