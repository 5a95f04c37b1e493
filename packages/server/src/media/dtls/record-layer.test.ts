import { describe, expect, it } from 'vitest';
import { CONTENT_ALERT, CONTENT_HANDSHAKE, DTLS_1_2 } from './constants.ts';
import { GcmRecordCipher, ReplayWindow, encodeRecord, parseRecords } from './record-layer.ts';

describe('record codec (RFC 6347 §4.1)', () => {
  it('encodes the 13-byte header byte-exactly', () => {
    const r = encodeRecord({ type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 1, sequence: 0x0102_0304_0506 }, Buffer.from([0xaa, 0xbb]));
    expect(r.toString('hex')).toBe('16fefd0001010203040506' + '0002' + 'aabb');
  });

  it('reads several records from one datagram', () => {
    const a = encodeRecord({ type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 0, sequence: 7 }, Buffer.from('abc'));
    const b = encodeRecord({ type: CONTENT_ALERT, version: DTLS_1_2, epoch: 1, sequence: 2 ** 48 - 1 }, Buffer.from([1, 0]));
    const { records, malformed } = parseRecords(Buffer.concat([a, b]));
    expect(malformed).toBe(false);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 0, sequence: 7 });
    expect(records[0]!.fragment.toString()).toBe('abc');
    expect(records[1]).toMatchObject({ type: CONTENT_ALERT, epoch: 1, sequence: 2 ** 48 - 1 });
  });

  it('keeps the records before a truncated one and flags it', () => {
    const a = encodeRecord({ type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 0, sequence: 1 }, Buffer.from('abc'));
    for (let cut = 1; cut < a.length; cut++) {
      const { records, malformed } = parseRecords(Buffer.concat([a, a.subarray(0, cut)]));
      expect(records).toHaveLength(1);
      expect(malformed).toBe(true);
    }
    expect(parseRecords(Buffer.alloc(0))).toEqual({ records: [], malformed: false });
  });
});

describe('AES-GCM record protection (RFC 5288, RFC 5246 §6.2.3.3)', () => {
  const key = Buffer.alloc(16, 7);
  const iv = Buffer.from([1, 2, 3, 4]);
  const header = { type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 1, sequence: 42 };

  it('round-trips, with an 8-byte explicit nonce and a 16-byte tag', () => {
    const c = new GcmRecordCipher('aes-128-gcm', key, iv);
    const sealed = c.seal(header, Buffer.from('finished!!!!'));
    expect(sealed.length).toBe(13 + 8 + 12 + 16);
    expect(sealed.readUInt16BE(11)).toBe(8 + 12 + 16);
    expect(sealed.subarray(13, 21).toString('hex')).toBe('000100000000002a'); // epoch ‖ sequence
    const record = parseRecords(sealed).records[0]!;
    expect(new GcmRecordCipher('aes-128-gcm', key, iv).open(record)?.toString()).toBe('finished!!!!');
  });

  it('authenticates the header: another sequence number, type or key fails', () => {
    const c = new GcmRecordCipher('aes-128-gcm', key, iv);
    const sealed = c.seal(header, Buffer.from('data'));
    const moved = Buffer.from(sealed);
    moved.writeUIntBE(43, 5, 6);
    expect(c.open(parseRecords(moved).records[0]!)).toBeUndefined();
    const retyped = Buffer.from(sealed);
    retyped[0] = CONTENT_ALERT;
    expect(c.open(parseRecords(retyped).records[0]!)).toBeUndefined();
    expect(new GcmRecordCipher('aes-128-gcm', Buffer.alloc(16, 8), iv).open(parseRecords(sealed).records[0]!)).toBeUndefined();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(c.open(parseRecords(flipped).records[0]!)).toBeUndefined();
  });

  it('rejects a record too short to hold nonce and tag', () => {
    const c = new GcmRecordCipher('aes-256-gcm', Buffer.alloc(32), iv);
    expect(c.open({ ...header, fragment: Buffer.alloc(23) })).toBeUndefined();
    expect(c.open(parseRecords(c.seal(header, Buffer.alloc(0))).records[0]!)).toEqual(Buffer.alloc(0));
  });
});

describe('replay window (RFC 6347 §4.1.2.6)', () => {
  it('accepts new numbers, refuses duplicates and numbers left of a 64-wide window', () => {
    const w = new ReplayWindow();
    expect(w.check(0)).toBe(true);
    w.accept(0);
    expect(w.check(0)).toBe(false);
    w.accept(100);
    expect(w.check(36)).toBe(false); // 100 − 36 = 64: outside
    expect(w.check(37)).toBe(true);
    w.accept(37);
    expect(w.check(37)).toBe(false);
    expect(w.check(99)).toBe(true);
    w.accept(2 ** 48 - 1);
    expect(w.check(100)).toBe(false);
    expect(w.check(2 ** 48 - 2)).toBe(true);
  });

  it('tracks out-of-order arrivals within the window', () => {
    const w = new ReplayWindow();
    const accepted = [5, 3, 9, 4, 70, 8, 7, 71, 69].filter((s) => {
      const ok = w.check(s);
      if (ok) w.accept(s);
      return ok;
    });
    expect(accepted).toEqual([5, 3, 9, 4, 70, 8, 7, 71, 69]);
    for (const s of [3, 4, 5, 7, 8, 9, 69, 70, 71]) expect(w.check(s)).toBe(false);
    for (const s of [10, 68, 72]) expect(w.check(s)).toBe(true);
    expect(w.check(6)).toBe(false); // 71 − 6 ≥ 64: left of the window, never seen or not
    w.accept(72);
    expect(w.check(8)).toBe(false);
    expect(w.check(9)).toBe(false);
    expect(w.check(10)).toBe(true);
  });
});
