/**
 * `device.audio` (2.x `AudioHelper`): the browser's audio devices kept current on `devicechange`,
 * the microphone choice (hot-swapped into live calls), the speaker and ringtone collections, the
 * sound toggles, an output volume applied to everything the SDK plays, and `inputVolume` events.
 */
import { TwilioError } from '../errors.ts';
import { Emitter } from '../events.ts';
import { LevelMeter } from '../media/level-meter.ts';
import { OutputDeviceCollection } from './output-devices.ts';
import { Playback, clampVolume, type AudioEnvironment, type PlaybackSource } from './playback.ts';
import type { SoundName } from './sounds.ts';

/** @public */
export interface AudioHelperEvents {
  /** The device lists changed; the argument lists active devices that disappeared (each fell back to default). */
  deviceChange: [lostActiveDevices: MediaDeviceInfo[]];
  /** Every 50 ms while an input device is set: its level, 0–1. */
  inputVolume: [volume: number];
}

export interface AudioHelperHooks {
  readonly soundUrl: (name: SoundName) => string | null;
  /** Playback or routing failures (an autoplay block, a refused device). */
  readonly error: (error: TwilioError) => void;
  /** The microphone choice changed: switch live calls to it. */
  readonly inputChanged: (constraints: MediaTrackConstraints | boolean) => Promise<void>;
}

export type OutputKind = 'speaker' | 'ringtone';

interface Tracked {
  readonly playback: Playback;
  readonly kind: OutputKind;
  readonly scale: () => number;
}

type Toggle = 'incoming' | 'outgoing' | 'disconnect';

const INPUT_VOLUME_MS = 50;

export class AudioHelper extends Emitter<AudioHelperEvents> {
  /** Microphones by device id. */
  readonly availableInputDevices = new Map<string, MediaDeviceInfo>();
  /** Output devices by device id. */
  readonly availableOutputDevices = new Map<string, MediaDeviceInfo>();
  /** Where call audio, DTMF and the outgoing/disconnect sounds play. */
  readonly speakerDevices: OutputDeviceCollection;
  /** Where the incoming ring plays. */
  readonly ringtoneDevices: OutputDeviceCollection;
  readonly #env: AudioEnvironment;
  readonly #hooks: AudioHelperHooks;
  readonly #playing = new Set<Tracked>();
  readonly #toggles: Record<Toggle, boolean> = { incoming: true, outgoing: true, disconnect: true };
  readonly #onDeviceChange = (): void => { void this.refresh(); };
  #inputDevice: MediaDeviceInfo | null = null;
  #inputStream: MediaStream | null = null;
  #inputMeter: { readonly context: AudioContext; readonly meter: LevelMeter; readonly timer: ReturnType<typeof setInterval> } | null = null;
  #outputVolume = 1;
  #destroyed = false;

  constructor(env: AudioEnvironment, hooks: AudioHelperHooks) {
    super();
    this.#env = env;
    this.#hooks = hooks;
    const host = (kind: OutputKind) => ({
      available: () => this.availableOutputDevices,
      supported: () => this.isOutputSelectionSupported,
      changed: () => { this.#reroute(kind); },
      test: (ids: readonly string[], url: string | null) => this.#test(ids, url),
    });
    this.speakerDevices = new OutputDeviceCollection(host('speaker'));
    this.ringtoneDevices = new OutputDeviceCollection(host('ringtone'));
    env.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
    void this.refresh();
  }

  get isOutputSelectionSupported(): boolean {
    return this.#env.canSelectOutput;
  }

  get isVolumeSupported(): boolean {
    return typeof AudioContext !== 'undefined';
  }

  /** The microphone set with {@link AudioHelper.setInputDevice}, or null for the browser's default. */
  get inputDevice(): MediaDeviceInfo | null {
    return this.#inputDevice;
  }

  get inputStream(): MediaStream | null {
    return this.#inputStream;
  }

  /** Denwa: the volume of everything the SDK plays, 0–1, on every output device. */
  get outputVolume(): number {
    return this.#outputVolume;
  }

  set outputVolume(volume: number) {
    this.#outputVolume = clampVolume(volume);
    for (const t of this.#playing) t.playback.setVolume(this.#outputVolume * t.scale());
  }

  /** Whether the incoming ring plays (get, or set with an argument). */
  incoming(enable?: boolean): boolean {
    return this.#toggle('incoming', enable);
  }

  /** Whether the sound for an answered outgoing call plays. */
  outgoing(enable?: boolean): boolean {
    return this.#toggle('outgoing', enable);
  }

  /** Whether the disconnect sound plays. */
  disconnect(enable?: boolean): boolean {
    return this.#toggle('disconnect', enable);
  }

  /** getUserMedia's audio constraints for new calls. */
  get audioConstraints(): MediaTrackConstraints | boolean {
    return this.#inputDevice === null ? true : { deviceId: { exact: this.#inputDevice.deviceId } };
  }

  /** Uses this microphone for new calls and switches live calls to it. Rejects for an unknown id. */
  async setInputDevice(deviceId: string): Promise<void> {
    if (typeof deviceId !== 'string' || deviceId === '') throw new TwilioError(31000, 'setInputDevice needs a device id');
    if (this.availableInputDevices.size === 0) await this.refresh();
    const info = this.availableInputDevices.get(deviceId);
    if (info === undefined) throw new TwilioError(31000, `device not found: ${deviceId}`);
    const media = this.#env.mediaDevices;
    if (media === null) throw new TwilioError(31402, 'this browser has no media devices');
    const stream = await media.getUserMedia({ audio: { deviceId: { exact: deviceId } } }).catch((err: unknown) => {
      throw new TwilioError(31401, err instanceof Error ? err.message : String(err));
    });
    this.#replaceInput(info, stream);
    await this.#hooks.inputChanged(this.audioConstraints);
  }

  /** Back to the browser's default microphone, for new and live calls. */
  async unsetInputDevice(): Promise<void> {
    if (this.#inputDevice === null) return;
    this.#replaceInput(null, null);
    await this.#hooks.inputChanged(true);
  }

  /** Re-reads the device lists; emits `deviceChange` and falls back to default for lost active devices. */
  async refresh(): Promise<void> {
    const media = this.#env.mediaDevices;
    if (media === null || this.#destroyed) return;
    let devices: MediaDeviceInfo[];
    try {
      devices = await media.enumerateDevices();
    } catch {
      return;
    }
    const previousOutputs = new Map(this.availableOutputDevices);
    const before = fingerprint(this.availableInputDevices, this.availableOutputDevices);
    this.availableInputDevices.clear();
    this.availableOutputDevices.clear();
    for (const d of devices) {
      if (d.kind === 'audioinput') this.availableInputDevices.set(d.deviceId, d);
      if (d.kind === 'audiooutput') this.availableOutputDevices.set(d.deviceId, d);
    }
    if (before === fingerprint(this.availableInputDevices, this.availableOutputDevices)) return;
    const lost = [...this.speakerDevices.prune(previousOutputs), ...this.ringtoneDevices.prune(previousOutputs)];
    const input = this.#inputDevice;
    if (input !== null && !this.availableInputDevices.has(input.deviceId)) {
      lost.push(input);
      await this.unsetInputDevice().catch(() => undefined);
    }
    this.emit('deviceChange', lost);
  }

  /** Plays a source on the speaker or ringtone devices, following later changes of that collection and of the volume. */
  play(kind: OutputKind, source: PlaybackSource, options: { readonly loop?: boolean; readonly scale?: () => number; readonly onError?: (e: TwilioError) => void } = {}): Playback {
    const scale = options.scale ?? (() => 1);
    const onError = options.onError ?? this.#hooks.error;
    let tracked: Tracked | null = null;
    const playback = new Playback(this.#env, source, this.#collection(kind).ids(), {
      loop: options.loop === true,
      volume: this.#outputVolume * scale(),
      onError: (err) => { onError(new TwilioError(31000, `the browser did not play audio: ${err.message}`)); },
      onEnded: () => { if (tracked !== null) this.#playing.delete(tracked); },
    });
    tracked = { playback, kind, scale };
    this.#playing.add(tracked);
    return playback;
  }

  /** Plays a named sound (when it has a URL); null when it has none. */
  playSound(name: SoundName, kind: OutputKind, loop = false): Playback | null {
    const url = this.#hooks.soundUrl(name);
    return url === null ? null : this.play(kind, { url }, { loop });
  }

  /** Stops a playback and forgets it. */
  stop(playback: Playback | null): void {
    if (playback === null) return;
    playback.stop();
    for (const t of this.#playing) if (t.playback === playback) this.#playing.delete(t);
  }

  /** Re-applies volumes after a per-call scale changed. */
  applyVolumes(): void {
    this.outputVolume = this.#outputVolume;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#env.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    for (const t of this.#playing) t.playback.stop();
    this.#playing.clear();
    this.#replaceInput(null, null);
  }

  #toggle(name: Toggle, enable: boolean | undefined): boolean {
    if (typeof enable === 'boolean') this.#toggles[name] = enable;
    return this.#toggles[name];
  }

  #collection(kind: OutputKind): OutputDeviceCollection {
    return kind === 'speaker' ? this.speakerDevices : this.ringtoneDevices;
  }

  #reroute(kind: OutputKind): void {
    const ids = this.#collection(kind).ids();
    for (const t of this.#playing) if (t.kind === kind) t.playback.setSinks(ids);
  }

  #test(ids: readonly string[], url: string | null): Promise<void> {
    const source = url ?? this.#hooks.soundUrl('outgoing');
    if (source === null) return Promise.reject(new TwilioError(31000, 'there is no sound to test with'));
    return new Promise((resolve, reject) => {
      const playback = new Playback(this.#env, { url: source }, ids, {
        volume: this.#outputVolume,
        onError: (err) => { playback.stop(); reject(new TwilioError(31000, `the browser did not play audio: ${err.message}`)); },
        onEnded: () => { playback.stop(); resolve(); },
      });
    });
  }

  #replaceInput(info: MediaDeviceInfo | null, stream: MediaStream | null): void {
    for (const track of this.#inputStream?.getTracks() ?? []) track.stop();
    if (this.#inputMeter !== null) {
      clearInterval(this.#inputMeter.timer);
      void this.#inputMeter.context.close().catch(() => undefined);
      this.#inputMeter = null;
    }
    this.#inputDevice = info;
    this.#inputStream = stream;
    if (stream === null || !this.isVolumeSupported) return;
    try {
      const context = new AudioContext();
      const meter = new LevelMeter(context, stream);
      const timer = setInterval(() => {
        if (context.state !== 'running') void context.resume().catch(() => undefined);
        else this.emit('inputVolume', meter.read());
      }, INPUT_VOLUME_MS);
      this.#inputMeter = { context, meter, timer };
    } catch {
      // No audio graph here: no inputVolume events.
    }
  }
}

function fingerprint(inputs: ReadonlyMap<string, MediaDeviceInfo>, outputs: ReadonlyMap<string, MediaDeviceInfo>): string {
  return `${[...inputs.keys()].join(',')}|${[...outputs.keys()].join(',')}|${[...inputs.values(), ...outputs.values()].map((d) => d.label).join(',')}`;
}
