/**
 * The DTLS 1.2 record layer (RFC 6347 §4.1): records in and out of datagrams, AES-GCM protection
 * (RFC 5288, RFC 5246 §6.2.3.3) and the anti-replay window (RFC 6347 §4.1.2.6). Pure: no I/O.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import {
  GCM_EXPLICIT_NONCE_LENGTH,
  GCM_FIXED_IV_LENGTH,
  GCM_TAG_LENGTH,
  MAX_CIPHERTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
} from './constants.ts';

/** One `DTLSPlaintext`/`DTLSCiphertext` record. `fragment` is a view into the datagram. */
export interface DtlsRecord {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  /** The 48-bit record sequence number (exact in a JS number). */
  readonly sequence: number;
  readonly fragment: Buffer;
}

/** The records of one datagram, and whether bytes after them could not be parsed. */
export interface ParsedDatagram {
  readonly records: DtlsRecord[];
  /** The datagram ended inside a record header or body, or a length exceeded 2^14 + 2048. */
  readonly malformed: boolean;
}

/**
 * Splits a datagram into records. "Multiple DTLS records may be placed in a single datagram"
 * (RFC 6347 §4.1.1); a bad length ends parsing, keeping the records before it (§4.1.2.7: "invalid
 * records SHOULD be silently discarded"). Never throws.
 */
export function parseRecords(datagram: Buffer): ParsedDatagram {
  const records: DtlsRecord[] = [];
  let off = 0;
  while (off < datagram.length) {
    if (datagram.length - off < RECORD_HEADER_LENGTH) return { records, malformed: true };
    const length = datagram.readUInt16BE(off + 11);
    const end = off + RECORD_HEADER_LENGTH + length;
    if (length > MAX_CIPHERTEXT_LENGTH || end > datagram.length) return { records, malformed: true };
    records.push({
      type: datagram.readUInt8(off),
      version: datagram.readUInt16BE(off + 1),
      epoch: datagram.readUInt16BE(off + 3),
      sequence: datagram.readUIntBE(off + 5, 6),
      fragment: datagram.subarray(off + RECORD_HEADER_LENGTH, end),
    });
    off = end;
  }
  return { records, malformed: false };
}

/** One record's header fields, for {@link encodeRecord}. */
export interface RecordHeader {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  readonly sequence: number;
}

/** A record: 13-byte header then `fragment` (RFC 6347 §4.1). */
export function encodeRecord(header: RecordHeader, fragment: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + fragment.length);
  writeHeader(out, header, fragment.length);
  fragment.copy(out, RECORD_HEADER_LENGTH);
  return out;
}

function writeHeader(out: Buffer, h: RecordHeader, length: number): void {
  out.writeUInt8(h.type, 0);
  out.writeUInt16BE(h.version, 1);
  out.writeUInt16BE(h.epoch, 3);
  out.writeUIntBE(h.sequence, 5, 6);
  out.writeUInt16BE(length, 11);
}

/**
 * The additional data of an AEAD record (RFC 5246 §6.2.3.3): `seq_num + type + version + length`,
 * where DTLS's `seq_num` is "the 64-bit value formed by concatenating the epoch and the sequence
 * number" (RFC 6347 §4.1.2.1) and `length` is the plaintext's.
 */
function additionalData(h: RecordHeader, plaintextLength: number): Buffer {
  const aad = Buffer.allocUnsafe(13);
  aad.writeUInt16BE(h.epoch, 0);
  aad.writeUIntBE(h.sequence, 2, 6);
  aad.writeUInt8(h.type, 8);
  aad.writeUInt16BE(h.version, 9);
  aad.writeUInt16BE(plaintextLength, 11);
  return aad;
}

/**
 * AES-GCM protection of one direction (RFC 5288 §3): the nonce is the 4-byte `write_IV` from the key
 * block followed by an 8-byte explicit part sent in front of the ciphertext. We send the record's
 * epoch and sequence number as the explicit part, which never repeats under one key.
 */
export class GcmRecordCipher {
  readonly #algorithm: 'aes-128-gcm' | 'aes-256-gcm';
  readonly #key: KeyObject;
  readonly #fixedIv: Buffer;

  constructor(algorithm: 'aes-128-gcm' | 'aes-256-gcm', key: Buffer, fixedIv: Buffer) {
    if (fixedIv.length !== GCM_FIXED_IV_LENGTH) throw new RangeError('GCM fixed IV must be 4 bytes');
    this.#algorithm = algorithm;
    this.#key = createSecretKey(key); // a KeyObject makes each createCipheriv cheaper than a Buffer key
    this.#fixedIv = fixedIv;
  }

  /** The whole protected record: header, explicit nonce, ciphertext, tag. */
  seal(h: RecordHeader, plaintext: Buffer): Buffer {
    const explicit = Buffer.allocUnsafe(GCM_EXPLICIT_NONCE_LENGTH);
    explicit.writeUInt16BE(h.epoch, 0);
    explicit.writeUIntBE(h.sequence, 2, 6);
    const cipher = createCipheriv(this.#algorithm, this.#key, Buffer.concat([this.#fixedIv, explicit]), {
      authTagLength: GCM_TAG_LENGTH,
    });
    cipher.setAAD(additionalData(h, plaintext.length));
    const body = Buffer.concat([explicit, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return encodeRecord(h, body);
  }

  /** The plaintext of `record`, or `undefined` when it is too short or fails authentication. Never throws. */
  open(record: DtlsRecord): Buffer | undefined {
    const f = record.fragment;
    const plaintextLength = f.length - GCM_EXPLICIT_NONCE_LENGTH - GCM_TAG_LENGTH;
    if (plaintextLength < 0) return undefined;
    const nonce = Buffer.concat([this.#fixedIv, f.subarray(0, GCM_EXPLICIT_NONCE_LENGTH)]);
    try {
      const decipher = createDecipheriv(this.#algorithm, this.#key, nonce, { authTagLength: GCM_TAG_LENGTH });
      decipher.setAAD(additionalData(record, plaintextLength));
      decipher.setAuthTag(f.subarray(f.length - GCM_TAG_LENGTH));
      const out = decipher.update(f.subarray(GCM_EXPLICIT_NONCE_LENGTH, f.length - GCM_TAG_LENGTH));
      return Buffer.concat([out, decipher.final()]);
    } catch {
      return undefined;
    }
  }
}

/** Size of the anti-replay bitmap ("a window size of 64 is preferred", RFC 6347 §4.1.2.6 via RFC 4303 §3.4.3). */
export const REPLAY_WINDOW_SIZE = 64;

/**
 * The sliding receive window of one epoch (RFC 6347 §4.1.2.6). `check` before decrypting; `accept`
 * only after the record authenticated ("the receive window is updated only if the MAC verification
 * succeeds").
 */
export class ReplayWindow {
  /** Highest accepted sequence number, −1 before the first. */
  #top = -1;
  /** Bit i set: `top − i` was accepted. */
  #bits = 0n;

  /** False for a duplicate or a number left of the window. */
  check(sequence: number): boolean {
    if (sequence > this.#top) return true;
    const offset = this.#top - sequence;
    if (offset >= REPLAY_WINDOW_SIZE) return false;
    return ((this.#bits >> BigInt(offset)) & 1n) === 0n;
  }

  /** Marks `sequence` as received, sliding the window when it is the newest. */
  accept(sequence: number): void {
    if (sequence > this.#top) {
      const shift = sequence - this.#top;
      this.#bits = shift >= REPLAY_WINDOW_SIZE ? 1n : ((this.#bits << BigInt(shift)) | 1n) & 0xffff_ffff_ffff_ffffn;
      this.#top = sequence;
    } else {
      this.#bits |= 1n << BigInt(this.#top - sequence);
    }
  }
}
