/**
 * DTLS handshake message framing (RFC 6347 §4.2.2–4.2.3): the 12-byte header, fragmentation on send,
 * and reassembly of fragments that arrive out of order, duplicated or overlapping. Pure: no I/O.
 */
import { HANDSHAKE_HEADER_LENGTH } from './constants.ts';

/** One handshake fragment as read from a record (RFC 6347 §4.2.2). `body` views the record. */
export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  readonly body: Buffer;
}

/** The fragments in one handshake record, and whether trailing bytes were not a fragment. */
export interface ParsedFragments {
  readonly fragments: HandshakeFragment[];
  readonly malformed: boolean;
}

/**
 * Reads the fragments of a handshake record ("a record may contain multiple handshake messages or
 * fragments", RFC 6347 §4.2.3). A fragment whose `fragment_offset + fragment_length` exceeds its
 * `length` is malformed. Never throws.
 */
export function parseHandshakeFragments(record: Buffer): ParsedFragments {
  const fragments: HandshakeFragment[] = [];
  let off = 0;
  while (off < record.length) {
    if (record.length - off < HANDSHAKE_HEADER_LENGTH) return { fragments, malformed: true };
    const length = record.readUIntBE(off + 1, 3);
    const fragmentOffset = record.readUIntBE(off + 6, 3);
    const fragmentLength = record.readUIntBE(off + 9, 3);
    const end = off + HANDSHAKE_HEADER_LENGTH + fragmentLength;
    if (end > record.length || fragmentOffset + fragmentLength > length) return { fragments, malformed: true };
    fragments.push({
      msgType: record.readUInt8(off),
      length,
      messageSeq: record.readUInt16BE(off + 4),
      fragmentOffset,
      body: record.subarray(off + HANDSHAKE_HEADER_LENGTH, end),
    });
    off = end;
  }
  return { fragments, malformed: false };
}

/** A handshake header + body covering `body` at `offset` of a message of `length` bytes. */
export function encodeHandshakeFragment(msgType: number, length: number, messageSeq: number, offset: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HANDSHAKE_HEADER_LENGTH + body.length);
  out.writeUInt8(msgType, 0);
  out.writeUIntBE(length, 1, 3);
  out.writeUInt16BE(messageSeq, 4);
  out.writeUIntBE(offset, 6, 3);
  out.writeUIntBE(body.length, 9, 3);
  body.copy(out, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * A whole message as one fragment. This is also the form the transcript hashes: RFC 6347 §4.2.6,
 * "as if each handshake message had been sent as a single fragment".
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Buffer): Buffer {
  return encodeHandshakeFragment(msgType, body.length, messageSeq, 0, body);
}

/**
 * Splits a message into fragments whose encoded size (header included) is at most `maxFragment`
 * bytes, so each fits a record in one datagram (RFC 6347 §4.1.1.1). An empty body gives one fragment.
 * @throws RangeError when `maxFragment` leaves no room for a body byte (a programmer error).
 */
export function fragmentHandshakeMessage(msgType: number, messageSeq: number, body: Buffer, maxFragment: number): Buffer[] {
  const room = maxFragment - HANDSHAKE_HEADER_LENGTH;
  if (room < 1) throw new RangeError(`fragment size ${maxFragment} leaves no room for a body`);
  if (body.length <= room) return [encodeHandshakeMessage(msgType, messageSeq, body)];
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; off += room) {
    out.push(encodeHandshakeFragment(msgType, body.length, messageSeq, off, body.subarray(off, off + room)));
  }
  return out;
}

/** A reassembled message and the epoch its fragments came in. */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Buffer;
  readonly epoch: number;
}

/** What {@link HandshakeReassembler.add} did with a fragment. */
export type FragmentDisposition =
  /** Part of a message already delivered: the peer retransmitted. */
  | 'old'
  /** Stored (or a duplicate of stored bytes). */
  | 'accepted'
  /** Too far ahead of the next expected message, or over the memory bound: dropped. */
  | 'dropped'
  /** Inconsistent with earlier fragments of the same message (type, length, epoch) or too long: dropped. */
  | 'invalid';

interface PendingMessage {
  readonly msgType: number;
  readonly epoch: number;
  readonly body: Buffer;
  /** Received byte ranges `[start, end)`, sorted and merged. */
  ranges: [number, number][];
}

/** Limits of a {@link HandshakeReassembler}. */
export interface ReassemblerLimits {
  /** Longest message body accepted (bytes). */
  readonly maxMessageLength: number;
  /** How many messages past the next expected one may be buffered. */
  readonly maxAhead: number;
  /** Bound on the bytes held for buffered messages. */
  readonly maxBufferedBytes: number;
}

const DEFAULT_LIMITS: ReassemblerLimits = { maxMessageLength: 65_536, maxAhead: 8, maxBufferedBytes: 262_144 };

/**
 * Puts fragments back into messages delivered in `message_seq` order (RFC 6347 §4.2.2: "DTLS
 * implementations maintain (at least notionally) a next_receive_seq counter … Messages with a greater
 * sequence number are buffered; messages with a lesser one are discarded"). Overlapping and duplicated
 * fragments are merged (§4.2.3: "it MUST be able to handle overlapping fragment ranges").
 */
export class HandshakeReassembler {
  readonly #limits: ReassemblerLimits;
  readonly #pending = new Map<number, PendingMessage>();
  #next: number;
  #bufferedBytes = 0;

  constructor(nextSeq = 0, limits: Partial<ReassemblerLimits> = {}) {
    this.#next = nextSeq;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** The `message_seq` of the next message to deliver. */
  get nextSeq(): number {
    return this.#next;
  }

  /** Forgets every buffered fragment and expects `nextSeq` next. */
  reset(nextSeq: number): void {
    this.#pending.clear();
    this.#bufferedBytes = 0;
    this.#next = nextSeq;
  }

  /** Adds one fragment received in `epoch`. */
  add(f: HandshakeFragment, epoch: number): FragmentDisposition {
    if (f.messageSeq < this.#next) return 'old';
    if (f.messageSeq > this.#next + this.#limits.maxAhead) return 'dropped';
    if (f.length > this.#limits.maxMessageLength || f.fragmentOffset + f.body.length > f.length) return 'invalid';
    let pending = this.#pending.get(f.messageSeq);
    if (pending === undefined) {
      if (this.#bufferedBytes + f.length > this.#limits.maxBufferedBytes) return 'dropped';
      pending = { msgType: f.msgType, epoch, body: Buffer.alloc(f.length), ranges: [] };
      this.#pending.set(f.messageSeq, pending);
      this.#bufferedBytes += f.length;
    } else if (pending.msgType !== f.msgType || pending.body.length !== f.length || pending.epoch !== epoch) {
      return 'invalid';
    }
    f.body.copy(pending.body, f.fragmentOffset);
    pending.ranges = mergeRange(pending.ranges, f.fragmentOffset, f.fragmentOffset + f.body.length);
    return 'accepted';
  }

  /** The next message if all its bytes arrived, without consuming it. */
  peek(): HandshakeMessage | undefined {
    const p = this.#pending.get(this.#next);
    if (p === undefined || !isComplete(p)) return undefined;
    return { msgType: p.msgType, messageSeq: this.#next, body: p.body, epoch: p.epoch };
  }

  /** Consumes and returns the next complete message, if any. */
  take(): HandshakeMessage | undefined {
    const m = this.peek();
    if (m === undefined) return undefined;
    this.#pending.delete(this.#next);
    this.#bufferedBytes -= m.body.length;
    this.#next++;
    return m;
  }
}

function isComplete(p: PendingMessage): boolean {
  if (p.body.length === 0) return true;
  const first = p.ranges[0];
  return p.ranges.length === 1 && first !== undefined && first[0] === 0 && first[1] === p.body.length;
}

/** `ranges` with `[start, end)` added, sorted and with touching or overlapping ranges merged. */
export function mergeRange(ranges: readonly (readonly [number, number])[], start: number, end: number): [number, number][] {
  if (end <= start) return ranges.map(([a, b]) => [a, b]);
  const all = [...ranges.map(([a, b]): [number, number] => [a, b]), [start, end] as [number, number]].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}
