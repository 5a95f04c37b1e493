/**
 * Bounds-checked reading of TLS presentation-language structures (RFC 5246 §4), and the error that
 * carries a fatal alert out of the handshake code.
 */
import { ALERT, type AlertDescription } from './constants.ts';

/**
 * A protocol failure that ends the handshake with a fatal alert (RFC 5246 §7.2.2). Thrown by the codecs
 * and the handshake steps, caught once in `DtlsServer`; never escapes `handleDatagram`.
 */
export class DtlsAlertError extends Error {
  override readonly name = 'DtlsAlertError';
  readonly alert: AlertDescription;

  constructor(alert: AlertDescription, message: string) {
    super(message);
    this.alert = alert;
  }
}

/** A `decode_error` (RFC 5246 §7.2.2: "A message could not be decoded because some field was out of the specified range or the length of the message was incorrect"). */
export function decodeError(what: string): DtlsAlertError {
  return new DtlsAlertError(ALERT.decodeError, `malformed ${what}`);
}

/** A cursor over a buffer; every read past the end throws a `decode_error` {@link DtlsAlertError}. */
export class ByteReader {
  readonly #buf: Buffer;
  readonly #what: string;
  #pos = 0;

  /** @param what names the structure in error messages. */
  constructor(buf: Buffer, what: string) {
    this.#buf = buf;
    this.#what = what;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #need(n: number): void {
    if (this.#buf.length - this.#pos < n) throw decodeError(this.#what);
  }

  u8(): number {
    this.#need(1);
    return this.#buf.readUInt8(this.#pos++);
  }

  u16(): number {
    this.#need(2);
    const v = this.#buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  u24(): number {
    this.#need(3);
    const v = this.#buf.readUIntBE(this.#pos, 3);
    this.#pos += 3;
    return v;
  }

  bytes(n: number): Buffer {
    this.#need(n);
    const v = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** `opaque x<min..2^8-1>`. */
  vector8(min = 0): Buffer {
    return this.#checked(this.bytes(this.u8()), min);
  }

  /** `opaque x<min..2^16-1>`. */
  vector16(min = 0): Buffer {
    return this.#checked(this.bytes(this.u16()), min);
  }

  /** `opaque x<min..2^24-1>`. */
  vector24(min = 0): Buffer {
    return this.#checked(this.bytes(this.u24()), min);
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.#pos !== this.#buf.length) throw decodeError(this.#what);
  }

  #checked(v: Buffer, min: number): Buffer {
    if (v.length < min) throw decodeError(this.#what);
    return v;
  }
}

/** A list of uint16 values (`uint16 x<2..2^16-2>` style), or a decode error on an odd length. */
export function readU16List(v: Buffer, what: string): number[] {
  if (v.length % 2 !== 0) throw decodeError(what);
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 2) out.push(v.readUInt16BE(i));
  return out;
}

/** `value` as a big-endian `uint{8,16,24}` length prefix followed by `value`. */
export function vector(lengthBytes: 1 | 2 | 3, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(lengthBytes + value.length);
  out.writeUIntBE(value.length, 0, lengthBytes);
  value.copy(out, lengthBytes);
  return out;
}

/** `values` as a `uint16` list behind a 2-byte length. */
export function u16Vector(values: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(2 + 2 * values.length);
  out.writeUInt16BE(2 * values.length, 0);
  values.forEach((v, i) => out.writeUInt16BE(v, 2 + 2 * i));
  return out;
}

/** A 2-byte big-endian value. */
export function u16(v: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(v, 0);
  return out;
}
