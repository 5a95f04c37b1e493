/**
 * `Twilio.Device` as the browser bundle exposes it: the 2.x class (`new Twilio.Device(token, opts)`)
 * whose static members are the 1.x singleton (`Twilio.Device.setup(token, opts)`, `.ready(fn)`,
 * `.connect(params)`, …), so pages for either SDK run on this one file.
 */
import { Device } from './device.ts';
import type { AudioHelper } from './audio/audio-helper.ts';
import { DeviceV1, type Connection, type DeviceStatusV1, type DeviceV1Events, type ErrorV1, type SetupOptionsV1, type SoundTogglesV1 } from './v1.ts';

const v1 = new DeviceV1();

/** @public */
export class TwilioDevice extends Device {
  /** The 1.x singleton behind the static members. */
  static get v1(): DeviceV1 {
    return v1;
  }

  /** 1.x `Twilio.Device.audio` (null before setup). */
  static get audio(): AudioHelper | null {
    return v1.audio;
  }

  /** 1.x `Twilio.Device.sounds`. */
  static get sounds(): SoundTogglesV1 {
    return v1.sounds;
  }

  static setup(token: string, options?: SetupOptionsV1): typeof TwilioDevice {
    v1.setup(token, options);
    return TwilioDevice;
  }

  static ready(handler: (device: DeviceV1) => void): DeviceV1 {
    return v1.ready(handler);
  }

  static offline(handler: (device: DeviceV1) => void): DeviceV1 {
    return v1.offline(handler);
  }

  static incoming(handler: (conn: Connection) => void): DeviceV1 {
    return v1.incoming(handler);
  }

  static cancel(handler: (conn: Connection) => void): DeviceV1 {
    return v1.cancel(handler);
  }

  static error(handler: (error: ErrorV1) => void): DeviceV1 {
    return v1.error(handler);
  }

  static connect(arg?: Readonly<Record<string, string>> | ((conn: Connection) => void)): Connection | DeviceV1 {
    return v1.connect(arg);
  }

  static disconnect(handler: (conn: Connection) => void): DeviceV1 {
    return v1.disconnect(handler);
  }

  static activeConnection(): Connection | undefined {
    return v1.activeConnection();
  }

  static disconnectAll(): void {
    v1.disconnectAll();
  }

  static status(): DeviceStatusV1 {
    return v1.status();
  }

  static registerPresence(): DeviceV1 {
    return v1.registerPresence();
  }

  static unregisterPresence(): DeviceV1 {
    return v1.unregisterPresence();
  }

  static destroy(): void {
    v1.destroy();
  }

  static on<K extends keyof DeviceV1Events>(event: K, handler: (...args: DeviceV1Events[K]) => void): DeviceV1 {
    return v1.on(event, handler);
  }

  static off<K extends keyof DeviceV1Events>(event: K, handler: (...args: DeviceV1Events[K]) => void): DeviceV1 {
    return v1.off(event, handler);
  }
}
