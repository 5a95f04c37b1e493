/**
 * The softphone page of the hands-on guide, on Denwa's SDK (the Voice SDK 2.x API): register as the
 * identity the token URL gives, call a client or a number, answer or refuse incoming calls, hear
 * both levels, send digits, pick the microphone, speakers and ringtone devices, set the output
 * volume, and log quality warnings as the guide's `quickstart.js` did.
 */

/** What this page uses of the SDK (the bundle's `Denwa` global). */
interface SdkCall {
  on(event: string, fn: (...args: never[]) => void): SdkCall;
  accept(): void;
  reject(): void;
  disconnect(): void;
  sendDigits(digits: string): void;
  status(): string;
  readonly parameters: Record<string, string>;
}

interface SdkOutputDevices {
  get(): Set<MediaDeviceInfo>;
  set(ids: string[]): Promise<void>;
}

interface SdkAudio {
  on(event: string, fn: (...args: never[]) => void): SdkAudio;
  readonly availableInputDevices: Map<string, MediaDeviceInfo>;
  readonly availableOutputDevices: Map<string, MediaDeviceInfo>;
  readonly inputDevice: MediaDeviceInfo | null;
  readonly speakerDevices: SdkOutputDevices;
  readonly ringtoneDevices: SdkOutputDevices;
  readonly isOutputSelectionSupported: boolean;
  outputVolume: number;
  setInputDevice(id: string): Promise<void>;
  refresh(): Promise<void>;
}

interface SdkDevice {
  on(event: string, fn: (...args: never[]) => void): SdkDevice;
  readonly audio: SdkAudio;
  register(): Promise<void>;
  connect(options: { params: Record<string, string> }): Promise<SdkCall>;
  updateToken(token: string): void;
}

declare const Denwa: { Device: new (token: string, options: object) => SdkDevice };

interface TokenResponse {
  readonly identity: string;
  readonly token: string;
  readonly device: object;
}

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing`);
  return el;
}

function button(id: string): HTMLButtonElement {
  return $(id) as HTMLButtonElement;
}

function log(message: string, kind = ''): void {
  const line = document.createElement('div');
  line.className = kind;
  line.textContent = `${new Date().toLocaleTimeString()}  ${message}`;
  const box = $('log');
  box.appendChild(line);
  box.scrollTop = box.scrollHeight;
}

async function fetchToken(): Promise<TokenResponse> {
  const res = await fetch(`token${location.search}`);
  if (!res.ok) throw new Error(`the token URL answered ${String(res.status)}`);
  return (await res.json()) as TokenResponse;
}

const state: { device: SdkDevice | null; call: SdkCall | null; pending: SdkCall | null } = { device: null, call: null, pending: null };
(window as unknown as { quickstart: typeof state }).quickstart = state;

function setCallButtons(inCall: boolean): void {
  button('call').disabled = inCall;
  button('hangup').disabled = !inCall;
}

function watch(call: SdkCall): void {
  state.call = call;
  setCallButtons(true);
  call.on('accept', () => { log('Successfully established call!'); });
  call.on('ringing', () => { log('Ringing…'); });
  call.on('disconnect', () => { log('Call ended.'); state.call = null; setCallButtons(false); meters(0, 0); });
  call.on('cancel', () => { log('The caller hung up.'); state.call = null; setCallButtons(false); });
  call.on('reject', () => { log('Call rejected.'); state.call = null; setCallButtons(false); });
  call.on('error', (e: { code: number; message: string }) => { log(`Call error ${String(e.code)}: ${e.message}`, 'warning'); });
  call.on('warning', (name: string) => { log(`${name} is occurred.`, 'warning'); });
  call.on('warning-cleared', (name: string) => { log(`${name} is cleared.`, 'warning'); });
  call.on('volume', (input: number, output: number) => { meters(input, output); });
}

function meters(input: number, output: number): void {
  $('input-meter').style.width = `${String(Math.min(100, Math.round(input * 100)))}%`;
  $('output-meter').style.width = `${String(Math.min(100, Math.round(output * 100)))}%`;
}

/** Fills a device picker, keeping what is selected in the SDK selected. */
function fillPicker(id: string, devices: Map<string, MediaDeviceInfo>, selected: ReadonlySet<string>): void {
  const select = $(id) as HTMLSelectElement;
  select.replaceChildren(...[...devices.values()].map((d) => {
    const option = document.createElement('option');
    option.value = d.deviceId;
    option.textContent = d.label === '' ? d.deviceId : d.label;
    option.selected = selected.has(d.deviceId);
    return option;
  }));
}

function selectedIds(id: string): string[] {
  return Array.from(($(id) as HTMLSelectElement).selectedOptions, (o) => o.value);
}

function wireAudio(device: SdkDevice): void {
  const audio = device.audio;
  const ids = (set: Set<MediaDeviceInfo>): Set<string> => new Set([...set].map((d) => d.deviceId));
  const refill = (): void => {
    fillPicker('mic', audio.availableInputDevices, new Set([audio.inputDevice?.deviceId ?? 'default']));
    fillPicker('speaker', audio.availableOutputDevices, ids(audio.speakerDevices.get()));
    fillPicker('ringtone', audio.availableOutputDevices, ids(audio.ringtoneDevices.get()));
  };
  audio.on('deviceChange', (lost: MediaDeviceInfo[]) => {
    if (lost.length > 0) log(`Lost ${lost.map((d) => d.label || d.deviceId).join(', ')}; using the default instead.`, 'warning');
    refill();
  });
  refill();
  if (!audio.isOutputSelectionSupported) for (const id of ['speaker', 'ringtone']) ($(id) as HTMLSelectElement).disabled = true;
  const report = (what: string) => (e: unknown) => { log(`Could not set the ${what}: ${e instanceof Error ? e.message : String(e)}`, 'warning'); };
  $('mic').addEventListener('change', () => { void audio.setInputDevice(selectedIds('mic')[0] ?? 'default').catch(report('microphone')); });
  $('speaker').addEventListener('change', () => { void audio.speakerDevices.set(selectedIds('speaker')).then(() => { log(`Speakers: ${selectedIds('speaker').join(', ')}`); }, report('speakers')); });
  $('ringtone').addEventListener('change', () => { void audio.ringtoneDevices.set(selectedIds('ringtone')).then(() => { log(`Ringtone devices: ${selectedIds('ringtone').join(', ')}`); }, report('ringtone devices')); });
  const volume = $('volume') as HTMLInputElement;
  volume.addEventListener('input', () => {
    audio.outputVolume = Number(volume.value) / 100;
    $('volume-value').textContent = `${volume.value}%`;
  });
}

async function main(): Promise<void> {
  const { identity, token, device: options } = await fetchToken();
  $('identity').textContent = identity;
  const device = new Denwa.Device(token, { ...options, closeProtection: true });
  state.device = device;
  wireAudio(device);
  device.on('registered', () => { log('Twilio.Device Ready!'); setCallButtons(state.call !== null); });
  device.on('unregistered', () => { log('Offline.'); });
  device.on('error', (e: { code: number; message: string }) => { log(`Error ${String(e.code)}: ${e.message}`, 'warning'); });
  device.on('tokenWillExpire', () => { void fetchToken().then((t) => { device.updateToken(t.token); }); });
  device.on('incoming', (call: SdkCall) => {
    log(`Incoming call from ${call.parameters['From'] ?? 'unknown'}`);
    state.pending = call;
    $('incoming-from').textContent = call.parameters['From'] ?? '';
    $('incoming').style.display = 'block';
    const hide = (): void => { $('incoming').style.display = 'none'; state.pending = null; };
    call.on('cancel', hide);
    call.on('accept', hide);
    call.on('reject', hide);
    watch(call);
    setCallButtons(false);
  });

  $('call').addEventListener('click', () => {
    const to = ($('to') as HTMLInputElement).value.trim();
    if (to === '') return;
    log(`Calling ${to}…`);
    void device.connect({ params: { To: to } }).then(watch);
  });
  $('hangup').addEventListener('click', () => { state.call?.disconnect(); });
  $('accept').addEventListener('click', () => { state.pending?.accept(); });
  $('reject').addEventListener('click', () => { state.pending?.reject(); });
  for (const b of Array.from($('pad').querySelectorAll('button'))) {
    b.addEventListener('click', () => { if (state.call?.status() === 'open') state.call.sendDigits(b.textContent); });
  }
  setCallButtons(false);
  button('call').disabled = true;
  await device.register();
}

main().catch((err: unknown) => { log(`Could not start: ${err instanceof Error ? err.message : String(err)}`, 'warning'); });
