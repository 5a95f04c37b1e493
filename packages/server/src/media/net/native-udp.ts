/**
 * {@link DatagramSocket} over Denwa's batched UDP addon (`packages/server/native/udp`, Linux, IPv4):
 * datagrams are read with `recvmmsg` into shared slots and written with `sendmmsg` from shared slots,
 * so a batch of up to 64 datagrams costs one JavaScript call and two system calls. Built by
 * `npm ci` (postinstall) when a C compiler and Node's headers are present; `bindUdp` falls back to
 * `node:dgram` otherwise.
 *
 * Buffers handed to `onMessage`: RTP and RTCP (first byte 128–191) are views of a receive slot, valid
 * only until the handler returns (the relay rewrites and re-sends them in place, synchronously);
 * every other datagram (STUN, DTLS) is a copy the handler may keep. `send` copies at once.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BindOptions, DatagramSocket } from './datagram-socket.ts';

/** The addon's exports (see `denwa_udp.c`). */
interface UdpAddon {
  open(address: string, port: number, rx: ArrayBuffer, rxMeta: ArrayBuffer, tx: ArrayBuffer, txMeta: ArrayBuffer, onBatch: (count: number) => void, bufferBytes: number): { handle: unknown; port: number };
  send(handle: unknown, count: number): number;
  close(handle: unknown): void;
  readonly batch: number;
  readonly slot: number;
}

/** Where `native/build.ts` puts the addon. */
export const NATIVE_UDP_ADDON = fileURLToPath(new URL('../../../native/build/denwa_udp.node', import.meta.url));

const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * Queued sends go out once this many are waiting, and at the end of each received batch: the first
 * datagram of a full batch does not wait for the other 63 to be processed.
 */
const FLUSH_AT = 16;
/** Bounded caches of address strings ↔ IPv4 numbers (cleared when full). */
const ADDRESS_CACHE_LIMIT = 4096;

let addon: UdpAddon | null | undefined;
let loadError = '';

/** The addon, or null when it is not built or cannot load here (then {@link nativeUdpUnavailableReason} says why). */
export function nativeUdpAddon(): UdpAddon | null {
  if (addon !== undefined) return addon;
  if (process.platform !== 'linux') {
    loadError = `batched UDP needs Linux (this is ${process.platform})`;
    addon = null;
    return addon;
  }
  try {
    addon = createRequire(import.meta.url)(NATIVE_UDP_ADDON) as UdpAddon;
  } catch (err) {
    loadError = `${NATIVE_UDP_ADDON} did not load: ${err instanceof Error ? err.message : String(err)}`;
    addon = null;
  }
  return addon;
}

export function nativeUdpUnavailableReason(): string {
  nativeUdpAddon();
  return loadError;
}

/** `a.b.c.d` → its 32-bit value, or -1 when `address` is not a dotted-quad IPv4 address. */
export function parseIpv4(address: string): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46) {
      if (part < 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = -1;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part < 0 ? c - 48 : part * 10 + (c - 48);
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (part < 0 || dots !== 3) return -1;
  return value * 256 + part;
}

function formatIpv4(ip: number): string {
  return `${String(ip >>> 24)}.${String((ip >>> 16) & 0xff)}.${String((ip >>> 8) & 0xff)}.${String(ip & 0xff)}`;
}

/** `map`'s value for `key`, computed once; the map is emptied when it reaches its bound. */
function cached<K, V>(map: Map<K, V>, key: K, compute: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= ADDRESS_CACHE_LIMIT) map.clear();
    value = compute(key);
    map.set(key, value);
  }
  return value;
}

class NativeUdpSocket implements DatagramSocket {
  readonly io = 'native';
  readonly #addon: UdpAddon;
  readonly #handle: unknown;
  readonly #address: string;
  readonly #port: number;
  readonly #batch: number;
  readonly #slot: number;
  readonly #rx: Buffer;
  readonly #rxMeta: Uint32Array;
  readonly #tx: Buffer;
  readonly #txMeta: Uint32Array;
  readonly #onMessage: BindOptions['onMessage'];
  readonly #names = new Map<number, string>();
  readonly #numbers = new Map<string, number>();
  readonly #flushTask = (): void => { this.#flush(); };
  #txCount = 0;
  #inBatch = false;
  #flushQueued = false;
  #sendErrors = 0;
  #closed = false;

  constructor(lib: UdpAddon, options: BindOptions) {
    this.#addon = lib;
    this.#batch = lib.batch;
    this.#slot = lib.slot;
    const rx = new ArrayBuffer(lib.batch * lib.slot);
    const rxMeta = new ArrayBuffer(lib.batch * 16);
    const tx = new ArrayBuffer(lib.batch * lib.slot);
    const txMeta = new ArrayBuffer(lib.batch * 16);
    this.#rx = Buffer.from(rx);
    this.#rxMeta = new Uint32Array(rxMeta);
    this.#tx = Buffer.from(tx);
    this.#txMeta = new Uint32Array(txMeta);
    this.#onMessage = options.onMessage;
    const opened = lib.open(options.address, options.port, rx, rxMeta, tx, txMeta, (count) => { this.#receive(count); }, options.bufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.#handle = opened.handle;
    this.#address = options.address;
    this.#port = opened.port;
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** One batch read by the addon: `count` datagrams in the receive slots. */
  #receive(count: number): void {
    const meta = this.#rxMeta;
    const rx = this.#rx;
    const slot = this.#slot;
    this.#inBatch = true;
    try {
      for (let i = 0; i < count; i++) {
        const m = 4 * i;
        const length = meta[m] ?? 0;
        if (meta[m + 3] !== 0) continue; // larger than a slot: no valid media datagram is
        const offset = i * slot;
        const b0 = length > 0 ? (rx[offset] ?? 0) : 0;
        const view = rx.subarray(offset, offset + length);
        const data = b0 >= 128 && b0 <= 191 ? view : Buffer.from(view);
        try {
          this.#onMessage(data, cached(this.#names, meta[m + 1] ?? 0, formatIpv4), meta[m + 2] ?? 0, 4);
        } catch {
          // The handler's contract is never to throw; one datagram must not cost the rest of the batch.
        }
      }
    } finally {
      this.#inBatch = false;
      this.#flush();
    }
  }

  send(data: Buffer, offset: number, length: number, port: number, address: string): void {
    if (this.#closed) return;
    const ip = cached(this.#numbers, address, parseIpv4);
    if (ip < 0 || !(port > 0 && port <= 65535) || !(length >= 0 && length <= this.#slot && offset >= 0 && offset + length <= data.length)) {
      this.#sendErrors++;
      return;
    }
    const i = this.#txCount;
    data.copy(this.#tx, i * this.#slot, offset, offset + length);
    const m = 4 * i;
    this.#txMeta[m] = length;
    this.#txMeta[m + 1] = ip;
    this.#txMeta[m + 2] = port;
    this.#txCount = i + 1;
    if (this.#txCount >= FLUSH_AT || this.#txCount === this.#batch) this.#flush();
    else if (!this.#inBatch && !this.#flushQueued) {
      // Sends outside a received batch (timers, DTLS retransmissions) go out together after this task.
      this.#flushQueued = true;
      queueMicrotask(this.#flushTask);
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    const count = this.#txCount;
    if (count === 0 || this.#closed) return;
    this.#txCount = 0;
    this.#sendErrors += this.#addon.send(this.#handle, count);
  }

  address(): { readonly address: string; readonly port: number } {
    return { address: this.#address, port: this.#port };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#flush();
    this.#closed = true;
    this.#addon.close(this.#handle);
    // The addon closes the descriptor in libuv's close phase, after this turn of the event loop: the
    // port can be bound again once a timer of the next turn runs (SIP legs reuse their ports).
    return new Promise((resolve) => { setTimeout(resolve, 0); });
  }
}

/** Binds with the addon; throws (EADDRINUSE, …) like `bind` does, or when the addon is missing. */
export function bindNativeUdp(options: BindOptions): DatagramSocket {
  const lib = nativeUdpAddon();
  if (lib === null) throw new Error(`batched UDP is not available: ${loadError}`);
  return new NativeUdpSocket(lib, options);
}
