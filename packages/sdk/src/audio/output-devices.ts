/**
 * `device.audio.speakerDevices` and `device.audio.ringtoneDevices` (2.x `OutputDeviceCollection`):
 * the output devices one kind of audio plays on, several at once.
 */
import { TwilioError } from '../errors.ts';

/** What a collection needs from its AudioHelper. */
export interface OutputDeviceHost {
  readonly available: () => ReadonlyMap<string, MediaDeviceInfo>;
  readonly supported: () => boolean;
  /** The collection changed: re-route what plays on it. */
  readonly changed: () => void;
  /** Plays a URL once on these device ids; resolves when it ended. */
  readonly test: (ids: readonly string[], url: string | null) => Promise<void>;
}

/** @public */
export class OutputDeviceCollection {
  readonly #host: OutputDeviceHost;
  readonly #ids = new Set<string>(['default']);

  constructor(host: OutputDeviceHost) {
    this.#host = host;
  }

  /** The devices in the collection (those the browser still lists). */
  get(): Set<MediaDeviceInfo> {
    const available = this.#host.available();
    const out = new Set<MediaDeviceInfo>();
    for (const id of this.#ids) {
      const info = available.get(id);
      if (info !== undefined) out.add(info);
    }
    return out;
  }

  /** The device ids audio is routed to (`default` when nothing else is set). */
  ids(): readonly string[] {
    return [...this.#ids];
  }

  /** Replaces the collection. Rejects when output selection is unsupported or an id is unknown. */
  set(deviceIds: string | readonly string[]): Promise<void> {
    const ids = typeof deviceIds === 'string' ? [deviceIds] : [...deviceIds];
    if (!this.#host.supported()) return Promise.reject(new TwilioError(31000, 'this browser does not support audio output selection'));
    if (ids.length === 0) return Promise.reject(new TwilioError(31000, 'set() needs at least one device id'));
    const available = this.#host.available();
    const missing = ids.filter((id) => !available.has(id));
    if (missing.length > 0) return Promise.reject(new TwilioError(31000, `devices not found: ${missing.join(', ')}`));
    this.#ids.clear();
    for (const id of ids) this.#ids.add(id);
    this.#host.changed();
    return Promise.resolve();
  }

  /** Removes one device; the collection falls back to `default` when it empties. True when it was there. */
  delete(device: MediaDeviceInfo | string): boolean {
    const id = typeof device === 'string' ? device : device.deviceId;
    const had = this.#ids.delete(id);
    if (this.#ids.size === 0) this.#ids.add('default');
    if (had) this.#host.changed();
    return had;
  }

  /** Plays a sound (the `outgoing` sound unless a URL is given) once on these devices. */
  test(soundUrl?: string): Promise<void> {
    return this.#host.test(this.ids(), soundUrl ?? null);
  }

  /** Drops ids the browser no longer lists; returns the lost devices' infos. */
  prune(previous: ReadonlyMap<string, MediaDeviceInfo>): MediaDeviceInfo[] {
    const available = this.#host.available();
    const lost: MediaDeviceInfo[] = [];
    for (const id of [...this.#ids]) {
      if (id === 'default' || available.has(id)) continue;
      this.#ids.delete(id);
      const info = previous.get(id);
      if (info !== undefined) lost.push(info);
    }
    if (this.#ids.size === 0) this.#ids.add('default');
    if (lost.length > 0) this.#host.changed();
    return lost;
  }
}
