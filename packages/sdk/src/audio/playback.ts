/**
 * The SDK's output stage: one source (a call's remote stream or a sound's URL) played on a set of
 * output devices, one audio element per device routed with `setSinkId`, at one volume. Failures
 * (an autoplay block, a device that refuses) go to `onError`, never nowhere.
 */

/** The part of `HTMLAudioElement` the output stage uses; tests substitute their own. @public */
export interface AudioOutputElement {
  srcObject: MediaProvider | null;
  src: string;
  loop: boolean;
  volume: number;
  setSinkId?: (sinkId: string) => Promise<void>;
  play(): Promise<void>;
  pause(): void;
  addEventListener(type: 'ended', listener: () => void): void;
}

/** The part of `navigator.mediaDevices` the SDK uses. @public */
export interface MediaDevicesLike {
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

/** Where audio goes in and out: the browser's, or a test's. @public */
export interface AudioEnvironment {
  /** A fresh audio element, or null where there is no DOM. */
  createElement(): AudioOutputElement | null;
  readonly mediaDevices: MediaDevicesLike | null;
  /** True when elements can be routed to a chosen output device. */
  readonly canSelectOutput: boolean;
}

export function browserAudioEnvironment(): AudioEnvironment {
  const hasDom = typeof document !== 'undefined';
  const mediaDevices = typeof navigator === 'undefined' ? null : ((navigator as { mediaDevices?: MediaDevices }).mediaDevices ?? null);
  return {
    createElement: () => (hasDom ? document.createElement('audio') : null),
    mediaDevices,
    canSelectOutput: typeof HTMLAudioElement !== 'undefined' && typeof HTMLAudioElement.prototype.setSinkId === 'function',
  };
}

export type PlaybackSource = { readonly stream: MediaStream } | { readonly url: string };

export interface PlaybackOptions {
  readonly loop?: boolean;
  readonly volume: number;
  readonly onError: (error: Error) => void;
  /** A one-shot sound finished on every device. */
  readonly onEnded?: () => void;
}

export class Playback {
  readonly #env: AudioEnvironment;
  readonly #source: PlaybackSource;
  readonly #options: PlaybackOptions;
  readonly #elements = new Map<string, AudioOutputElement>();
  #volume: number;
  #stopped = false;
  #playing = 0;

  constructor(env: AudioEnvironment, source: PlaybackSource, sinkIds: readonly string[], options: PlaybackOptions) {
    this.#env = env;
    this.#source = source;
    this.#options = options;
    this.#volume = options.volume;
    this.setSinks(sinkIds);
  }

  /** One of the elements playing (the first device's), or null without a DOM. */
  get element(): AudioOutputElement | null {
    for (const el of this.#elements.values()) return el;
    return null;
  }

  /** The device ids this source plays on now. */
  get sinkIds(): readonly string[] {
    return [...this.#elements.keys()];
  }

  /** Plays on exactly these devices (without output selection, on the default device once). */
  setSinks(sinkIds: readonly string[]): void {
    if (this.#stopped) return;
    const wanted = this.#env.canSelectOutput ? new Set(sinkIds.length === 0 ? ['default'] : sinkIds) : new Set(['default']);
    for (const [id, el] of this.#elements) {
      if (!wanted.has(id)) {
        release(el);
        this.#elements.delete(id);
      }
    }
    for (const id of wanted) if (!this.#elements.has(id)) this.#start(id);
  }

  setVolume(volume: number): void {
    this.#volume = clampVolume(volume);
    for (const el of this.#elements.values()) el.volume = this.#volume;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const el of this.#elements.values()) release(el);
    this.#elements.clear();
  }

  /** True while this element still plays for this device. */
  #current(sinkId: string, el: AudioOutputElement): boolean {
    return !this.#stopped && this.#elements.get(sinkId) === el;
  }

  #start(sinkId: string): void {
    const el = this.#env.createElement();
    if (el === null) return;
    this.#elements.set(sinkId, el);
    el.loop = this.#options.loop === true;
    el.volume = this.#volume;
    if ('stream' in this.#source) el.srcObject = this.#source.stream;
    else el.src = this.#source.url;
    this.#playing += 1;
    el.addEventListener('ended', () => {
      this.#playing -= 1;
      if (this.#playing === 0 && !this.#stopped) this.#options.onEnded?.();
    });
    const route = sinkId !== 'default' && typeof el.setSinkId === 'function' ? el.setSinkId(sinkId) : Promise.resolve();
    route
      .then(() => (this.#current(sinkId, el) ? el.play() : undefined))
      .catch((err: unknown) => {
        if (!this.#current(sinkId, el)) return;
        this.#options.onError(err instanceof Error ? err : new Error(String(err)));
      });
  }
}

function release(el: AudioOutputElement): void {
  el.pause();
  el.srcObject = null;
}

export function clampVolume(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 1;
}
