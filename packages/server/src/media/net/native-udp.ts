/**
 * {@link DatagramSocket} over Denwa's batched UDP addon (`packages/server/native/udp`, Linux, IPv4).
 * Every socket of the process (the WebRTC port, one port per SIP leg) belongs to one {@link UdpGroup}:
 * what is readable on any of them is read with `recvmmsg` into shared slots and handed over in one
 * call, and what they send is queued in shared slots and written with `sendmmsg` in one call. A relay
 * bridging its WebRTC port to hundreds of SIP-leg ports pays one call into JavaScript and one out per
 * batch of up to 64 datagrams, not one per datagram. Built by `npm ci` (postinstall) when a C compiler
 * and Node's headers are present; `bindUdp` falls back to `node:dgram` otherwise.
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
  attach(rx: ArrayBuffer, rxMeta: ArrayBuffer, tx: ArrayBuffer, txMeta: ArrayBuffer, onBatch: (count: number) => void): void;
  open(address: string, port: number, bufferBytes: number): { handle: unknown; port: number; id: number };
  sendQueue(count: number): number;
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
const FLUSH_AT = 32;
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

/** A socket as its group sees it. */
interface Member {
  readonly onMessage: BindOptions['onMessage'];
  countSendError(): void;
}

/**
 * The addon's shared slots and the process's sockets by id. Outgoing datagrams of all sockets wait in
 * the send slots until {@link FLUSH_AT} are queued, the end of the received batch being handled, or
 * the end of the current task (timers, DTLS retransmissions), whichever comes first.
 */
class UdpGroup {
  readonly addon: UdpAddon;
  readonly #slot: number;
  readonly #batch: number;
  readonly #rx: Buffer;
  readonly #rxMeta: Uint32Array;
  readonly #tx: Buffer;
  readonly #txMeta: Uint32Array;
  readonly #members = new Map<number, Member>();
  readonly #names = new Map<number, string>();
  readonly #flushTask = (): void => { this.flush(); };
  #count = 0;
  #flushQueued = false;
  #receiving = false;

  constructor(lib: UdpAddon) {
    this.addon = lib;
    this.#slot = lib.slot;
    this.#batch = lib.batch;
    const rx = new ArrayBuffer(lib.batch * lib.slot);
    const rxMeta = new ArrayBuffer(lib.batch * 16);
    const tx = new ArrayBuffer(lib.batch * lib.slot);
    const txMeta = new ArrayBuffer(lib.batch * 16);
    this.#rx = Buffer.from(rx);
    this.#rxMeta = new Uint32Array(rxMeta);
    this.#tx = Buffer.from(tx);
    this.#txMeta = new Uint32Array(txMeta);
    lib.attach(rx, rxMeta, tx, txMeta, (count) => { this.#receive(count); });
  }

  open(options: BindOptions, member: Member): { handle: unknown; port: number; id: number } {
    const opened = this.addon.open(options.address, options.port, options.bufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.#members.set(opened.id, member);
    return opened;
  }

  /** Sends what `id` queued, then forgets it; the caller closes the socket. */
  leave(id: number): void {
    this.flush();
    this.#members.delete(id);
  }

  /** One batch read by the addon: `count` datagrams, of any of the sockets, in the receive slots. */
  #receive(count: number): void {
    const meta = this.#rxMeta;
    const rx = this.#rx;
    const slot = this.#slot;
    this.#receiving = true;
    try {
      for (let i = 0; i < count; i++) {
        const m = 4 * i;
        const tag = meta[m + 3] ?? 1;
        if ((tag & 1) !== 0) continue; // larger than a slot: no valid media datagram is
        const member = this.#members.get(tag >>> 1);
        if (member === undefined) continue; // closed while the batch was read
        const length = meta[m] ?? 0;
        const offset = i * slot;
        const b0 = length > 0 ? (rx[offset] ?? 0) : 0;
        const view = rx.subarray(offset, offset + length);
        const data = b0 >= 128 && b0 <= 191 ? view : Buffer.from(view);
        try {
          member.onMessage(data, cached(this.#names, meta[m + 1] ?? 0, formatIpv4), meta[m + 2] ?? 0, 4);
        } catch {
          // The handler's contract is never to throw; one datagram must not cost the rest of the batch.
        }
      }
    } finally {
      this.#receiving = false;
      this.flush();
    }
  }

  push(id: number, data: Buffer, offset: number, length: number, ip: number, port: number): void {
    const i = this.#count;
    data.copy(this.#tx, i * this.#slot, offset, offset + length);
    const m = 4 * i;
    this.#txMeta[m] = length;
    this.#txMeta[m + 1] = ip;
    this.#txMeta[m + 2] = port;
    this.#txMeta[m + 3] = id;
    this.#count = i + 1;
    if (this.#count >= FLUSH_AT || this.#count === this.#batch) this.flush();
    else if (!this.#receiving && !this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushTask);
    }
  }

  flush(): void {
    this.#flushQueued = false;
    const count = this.#count;
    if (count === 0) return;
    this.#count = 0;
    const refused = this.addon.sendQueue(count);
    if (refused === 0) return;
    const meta = this.#txMeta;
    for (let i = 0; i < count; i++) {
      if (meta[4 * i] === 0xffffffff) this.#members.get(meta[4 * i + 3] ?? 0)?.countSendError();
    }
  }
}

let group: UdpGroup | undefined;

class NativeUdpSocket implements DatagramSocket, Member {
  readonly io = 'native';
  readonly onMessage: BindOptions['onMessage'];
  readonly #group: UdpGroup;
  readonly #handle: unknown;
  readonly #id: number;
  readonly #address: string;
  readonly #port: number;
  readonly #slot: number;
  readonly #numbers = new Map<string, number>();
  #sendErrors = 0;
  #closed = false;

  constructor(lib: UdpAddon, options: BindOptions) {
    group ??= new UdpGroup(lib);
    this.#group = group;
    this.#slot = lib.slot;
    this.onMessage = options.onMessage;
    const opened = group.open(options, this);
    this.#handle = opened.handle;
    this.#id = opened.id;
    this.#address = options.address;
    this.#port = opened.port;
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** One of this socket's datagrams was refused (by the kernel, or because the socket closed). */
  countSendError(): void {
    this.#sendErrors++;
  }

  send(data: Buffer, offset: number, length: number, port: number, address: string): void {
    if (this.#closed) return;
    const ip = cached(this.#numbers, address, parseIpv4);
    if (ip < 0 || !(port > 0 && port <= 65535) || !(length >= 0 && length <= this.#slot && offset >= 0 && offset + length <= data.length)) {
      this.#sendErrors++;
      return;
    }
    this.#group.push(this.#id, data, offset, length, ip, port);
  }

  address(): { readonly address: string; readonly port: number } {
    return { address: this.#address, port: this.#port };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#group.leave(this.#id);
    this.#closed = true;
    this.#group.addon.close(this.#handle);
    return Promise.resolve();
  }
}

/** Binds with the addon; throws (EADDRINUSE, …) like `bind` does, or when the addon is missing. */
export function bindNativeUdp(options: BindOptions): DatagramSocket {
  const lib = nativeUdpAddon();
  if (lib === null) throw new Error(`batched UDP is not available: ${loadError}`);
  return new NativeUdpSocket(lib, options);
}
