// Compile-only check of the public surface (run by `npm run typecheck`): the calls a page written
// for the Twilio Voice SDK 2.x, or for Twilio Client 1.x, makes.
import { Device, VoiceError, errorDefinition, isVoiceError, version, type Call, type CallStatus, type DeviceState, type ErrorCode } from '../../src/index.ts';
import { Connection, Device as DeviceV1 } from '../../src/v1-entry.ts';

const code: ErrorCode = 31204;
const err: VoiceError = new VoiceError(code);
const same: boolean = isVoiceError(err, 31204);
const v: string = version;
const name: string = errorDefinition(31205).name;

export async function twoX(token: string): Promise<readonly unknown[]> {
  const device = new Device(token, { chunderw: 'localhost:3443', sounds: { incoming: '/ring.mp3', dtmf8: '/funny.mp3' }, codecPreferences: ['opus', 'pcmu'], maxCallSignalingTimeoutMs: 30_000, tokenRefreshMs: 20_000, closeProtection: true });
  device.on('registered', () => undefined).on('error', (e: VoiceError) => e.code);
  device.on('incoming', (call: Call) => { call.accept(); });
  device.on('tokenWillExpire', (d: Device) => { d.updateToken(token); });
  await device.register();
  const state: DeviceState = device.state;
  const call: Call = await device.connect({ params: { To: 'bob' } });
  call.on('accept', (c: Call) => c.status()).on('disconnect', () => undefined).on('messageReceived', (m) => m.content);
  call.sendDigits('1w2#');
  call.mute(true);
  const muted: boolean = call.isMuted();
  const status: CallStatus = call.status();
  const sid: string = call.sendMessage({ content: { a: 1 }, messageType: 'user-defined-message' });
  const params: Record<string, string> = call.parameters;
  const custom: ReadonlyMap<string, string> = call.customParameters;
  call.setOutputVolume(0.5);
  await call.postFeedback(5);
  await call.postFeedback(2, 'choppy-audio');
  const audio = device.audio;
  const inputs: Map<string, MediaDeviceInfo> = audio.availableInputDevices;
  const outputs: Map<string, MediaDeviceInfo> = audio.availableOutputDevices;
  await audio.setInputDevice('default');
  await audio.speakerDevices.set(['default']);
  await audio.ringtoneDevices.set('default');
  const speakers: Set<MediaDeviceInfo> = audio.speakerDevices.get();
  await audio.ringtoneDevices.test();
  audio.on('deviceChange', (lost: MediaDeviceInfo[]) => lost.length).on('inputVolume', (level: number) => level);
  audio.outputVolume = 0.8;
  const ringing: boolean = audio.incoming(false) && audio.outgoing() && audio.disconnect() && audio.isOutputSelectionSupported && audio.isVolumeSupported;
  await audio.unsetInputDevice();
  call.disconnect();
  device.disconnectAll();
  device.destroy();
  return [state, muted, status, sid, params, custom, inputs, outputs, speakers, ringing];
}

export function oneX(token: string): string {
  DeviceV1.setup(token, { chunderw: 'localhost:3443', enableRingingState: true });
  DeviceV1.ready(() => undefined);
  DeviceV1.error((e) => e.code);
  DeviceV1.connect((conn: Connection) => {
    conn.on('warning', (w: string) => w);
    conn.on('warning-cleared', (w: string) => w);
  });
  DeviceV1.incoming((conn: Connection) => { conn.accept(); });
  const conn = DeviceV1.connect({ To: '+15551234567' });
  if (conn instanceof Connection) conn.sendDigits('1');
  void DeviceV1.audio?.speakerDevices.set('default');
  DeviceV1.sounds.incoming(false);
  DeviceV1.disconnectAll();
  const s: string = DeviceV1.status();
  return s;
}

export const surface = [same, v, name] as const;
