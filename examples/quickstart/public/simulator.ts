/**
 * The console's phone simulator (`/simulator/`): a mobile phone on Denwa's virtual carrier, on
 * Denwa's SDK (the Voice SDK 2.x API). Its token registers the simulator's number (`sim_<digits>`);
 * the number it dials goes to the phone network (the account's numbers and their TwiML), and calls
 * to its number ring here. Keys dial before a call and send DTMF during one.
 */

interface SimCall {
  on(event: string, fn: (...args: never[]) => void): SimCall;
  accept(): void;
  reject(): void;
  disconnect(): void;
  sendDigits(digits: string): void;
  status(): string;
  readonly parameters: Record<string, string>;
}

interface SimDevice {
  on(event: string, fn: (...args: never[]) => void): SimDevice;
  register(): Promise<void>;
  connect(options: { params: Record<string, string> }): Promise<SimCall>;
  updateToken(token: string): void;
}

declare const Denwa: { Device: new (token: string, options: object) => SimDevice };

interface SimulatorToken {
  readonly number: string;
  readonly identity: string;
  readonly token: string;
  readonly device: object;
}

function el(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing`);
  return found;
}

function buttonEl(id: string): HTMLButtonElement {
  return el(id) as HTMLButtonElement;
}

function logLine(message: string, kind = ''): void {
  const line = document.createElement('div');
  line.className = kind;
  line.textContent = `${new Date().toLocaleTimeString()}  ${message}`;
  const box = el('log');
  box.appendChild(line);
  box.scrollTop = box.scrollHeight;
}

function setStatus(text: string): void {
  el('status').textContent = text;
}

async function simulatorToken(): Promise<SimulatorToken> {
  const res = await fetch(`token${location.search}`);
  if (!res.ok) throw new Error(`the token URL answered ${String(res.status)}: ${await res.text()}`);
  return (await res.json()) as SimulatorToken;
}

const phone: { device: SimDevice | null; call: SimCall | null; pending: SimCall | null; number: string } = { device: null, call: null, pending: null, number: '' };
(window as unknown as { simulator: typeof phone }).simulator = phone;

function inCall(active: boolean): void {
  buttonEl('call').disabled = active;
  buttonEl('hangup').disabled = !active;
}

function levels(input: number, output: number): void {
  el('input-meter').style.width = `${String(Math.min(100, Math.round(input * 100)))}%`;
  el('output-meter').style.width = `${String(Math.min(100, Math.round(output * 100)))}%`;
}

function ended(message: string): void {
  logLine(message);
  phone.call = null;
  inCall(false);
  levels(0, 0);
  setStatus(`Ready: ${phone.number}`);
}

function follow(call: SimCall): void {
  phone.call = call;
  inCall(true);
  call.on('ringing', () => { logLine('Ringing…'); setStatus('Ringing…'); });
  call.on('accept', () => { logLine('Call connected.'); setStatus('In call'); });
  call.on('disconnect', () => { ended('Call ended.'); });
  call.on('cancel', () => { ended('The caller hung up.'); });
  call.on('reject', () => { ended('Call rejected.'); });
  call.on('error', (e: { code: number; message: string }) => { logLine(`Call error ${String(e.code)}: ${e.message}`, 'warning'); });
  call.on('volume', (input: number, output: number) => { levels(input, output); });
}

function dial(device: SimDevice): void {
  const to = (el('to') as HTMLInputElement).value.trim();
  if (to === '' || phone.call !== null) return;
  logLine(`Calling ${to}…`);
  setStatus(`Calling ${to}…`);
  device.connect({ params: { To: to } }).then(follow, (e: unknown) => { logLine(`Could not call: ${e instanceof Error ? e.message : String(e)}`, 'warning'); });
}

function wireKeys(device: SimDevice): void {
  const to = el('to') as HTMLInputElement;
  for (const key of Array.from(el('pad').querySelectorAll('button'))) {
    key.addEventListener('click', () => {
      const digit = key.textContent;
      if (phone.call?.status() === 'open') {
        if (digit !== '+') phone.call.sendDigits(digit);
        return;
      }
      to.value += digit;
    });
  }
  to.addEventListener('keydown', (e) => { if (e.key === 'Enter') dial(device); });
  buttonEl('backspace').addEventListener('click', () => { to.value = to.value.slice(0, -1); });
  buttonEl('call').addEventListener('click', () => { dial(device); });
  buttonEl('hangup').addEventListener('click', () => { phone.call?.disconnect(); });
  buttonEl('accept').addEventListener('click', () => { phone.pending?.accept(); });
  buttonEl('reject').addEventListener('click', () => { phone.pending?.reject(); });
}

async function start(): Promise<void> {
  const { number, token, device: options } = await simulatorToken();
  phone.number = number;
  el('number').textContent = number;
  document.title = `${number} · Denwa phone simulator`;
  const device = new Denwa.Device(token, { ...options, closeProtection: true });
  phone.device = device;
  device.on('registered', () => { logLine(`On the network as ${number}.`); setStatus(`Ready: ${number}`); inCall(phone.call !== null); });
  device.on('unregistered', () => { logLine('Off the network.'); setStatus('Offline'); });
  device.on('error', (e: { code: number; message: string }) => { logLine(`Error ${String(e.code)}: ${e.message}`, 'warning'); });
  device.on('tokenWillExpire', () => { void simulatorToken().then((t) => { device.updateToken(t.token); }); });
  device.on('incoming', (call: SimCall) => {
    const from = call.parameters['From'] ?? 'unknown';
    logLine(`Incoming call from ${from}`);
    setStatus(`Incoming call from ${from}`);
    phone.pending = call;
    el('incoming-from').textContent = from;
    el('incoming').style.display = 'block';
    const hide = (): void => { el('incoming').style.display = 'none'; phone.pending = null; };
    call.on('cancel', hide);
    call.on('accept', hide);
    call.on('reject', hide);
    follow(call);
    buttonEl('call').disabled = true;
  });
  wireKeys(device);
  inCall(false);
  buttonEl('call').disabled = true;
  await device.register();
}

start().catch((err: unknown) => {
  setStatus('Not started');
  logLine(`Could not start: ${err instanceof Error ? err.message : String(err)}`, 'warning');
});
