/**
 * The codec against the RFC 5769 test vectors (decode, verify, re-encode byte-exact) and attribute
 * round trips. The three vectors were checked self-consistently: their MESSAGE-INTEGRITY verifies with
 * the RFC's password and their FINGERPRINT with zlib's CRC-32.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeStun,
  encodeStun,
  findAttribute,
  isStunDecodeError,
  isStunPacket,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type StunAttribute,
  type StunDecodeError,
  type StunMessage,
} from './index.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';
const KEY = shortTermKey(PASSWORD);
const TRANSACTION_ID = hex('b7e7a701 bc34d686 fa87dfae');

/** RFC 5769 §2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MI, FINGERPRINT). */
const SAMPLE_REQUEST = hex(`
  00010058 2112a442 b7e7a701 bc34d686 fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);

/** RFC 5769 §2.2: sample IPv4 response (SOFTWARE, XOR-MAPPED-ADDRESS 192.0.2.1:32853, MI, FINGERPRINT). */
const SAMPLE_IPV4_RESPONSE = hex(`
  0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);

/** RFC 5769 §2.3: sample IPv6 response (XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853). */
const SAMPLE_IPV6_RESPONSE = hex(`
  01010048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);

function decoded(buf: Buffer): StunMessage {
  const message = decodeStun(buf);
  if (isStunDecodeError(message)) throw new Error(`decode failed: ${message.error} at ${message.offset}`);
  return message;
}

/** Re-encodes a decoded vector: MI and FINGERPRINT are recomputed; RFC 5769 pads with spaces. */
function reencode(message: StunMessage): Buffer {
  return encodeStun(message, { integrityKey: KEY, fingerprint: true, paddingByte: 0x20 });
}

describe('RFC 5769 test vectors', () => {
  it('§2.1 sample request: decodes, verifies and re-encodes byte-exact', () => {
    expect(isStunPacket(SAMPLE_REQUEST)).toBe(true);
    expect(verifyMessageIntegrity(SAMPLE_REQUEST, KEY)).toBe(true);
    expect(verifyFingerprint(SAMPLE_REQUEST)).toBe(true);
    const message = decoded(SAMPLE_REQUEST);
    expect(message.method).toBe(0x001);
    expect(message.class).toBe('request');
    expect(message.transactionId).toEqual(TRANSACTION_ID);
    expect(message.attributes.map((a) => a.type)).toEqual([
      'software',
      'priority',
      'ice-controlled',
      'username',
      'message-integrity',
      'fingerprint',
    ]);
    expect(findAttribute(message, 'software')?.value).toBe('STUN test client');
    expect(findAttribute(message, 'priority')?.value).toBe(0x6e0001ff);
    expect(findAttribute(message, 'ice-controlled')?.tieBreaker).toBe(0x932ff9b151263b36n);
    expect(findAttribute(message, 'username')?.value).toBe('evtj:h6vY');
    expect(findAttribute(message, 'fingerprint')?.value).toBe(0xe57a3bcf);
    expect(reencode(message)).toEqual(SAMPLE_REQUEST);
  });

  it('§2.2 IPv4 response: decodes the XOR-mapped address and re-encodes byte-exact', () => {
    expect(verifyMessageIntegrity(SAMPLE_IPV4_RESPONSE, KEY)).toBe(true);
    expect(verifyFingerprint(SAMPLE_IPV4_RESPONSE)).toBe(true);
    const message = decoded(SAMPLE_IPV4_RESPONSE);
    expect(message.class).toBe('success-response');
    expect(findAttribute(message, 'software')?.value).toBe('test vector');
    expect(findAttribute(message, 'xor-mapped-address')?.value).toEqual({ family: 4, address: '192.0.2.1', port: 32853 });
    expect(reencode(message)).toEqual(SAMPLE_IPV4_RESPONSE);
  });

  it('§2.3 IPv6 response: decodes the XOR-mapped address and re-encodes byte-exact', () => {
    expect(verifyMessageIntegrity(SAMPLE_IPV6_RESPONSE, KEY)).toBe(true);
    expect(verifyFingerprint(SAMPLE_IPV6_RESPONSE)).toBe(true);
    const message = decoded(SAMPLE_IPV6_RESPONSE);
    expect(findAttribute(message, 'xor-mapped-address')?.value).toEqual({
      family: 6,
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    expect(reencode(message)).toEqual(SAMPLE_IPV6_RESPONSE);
  });

  it('rejects a wrong password, a flipped bit and a missing attribute', () => {
    expect(verifyMessageIntegrity(SAMPLE_REQUEST, shortTermKey('VOkJxbRl1RmTxUk/WvJxBT'))).toBe(false);
    for (const offset of [0x01, 0x15, 0x30, 0x4a, 0x55, 0x68]) {
      const tampered = Buffer.from(SAMPLE_REQUEST);
      tampered[offset] = (tampered[offset] ?? 0) ^ 0x01;
      expect(verifyFingerprint(tampered)).toBe(false);
    }
    // A changed USERNAME byte breaks the HMAC too.
    const tampered = Buffer.from(SAMPLE_REQUEST);
    tampered[0x48] = 0x21;
    expect(verifyMessageIntegrity(tampered, KEY)).toBe(false);
    const plain = encodeStun(decoded(SAMPLE_REQUEST));
    expect(verifyMessageIntegrity(plain, KEY)).toBe(false);
    expect(verifyFingerprint(plain)).toBe(false);
  });

  it('verifies MESSAGE-INTEGRITY without a FINGERPRINT after it', () => {
    const buf = encodeStun(decoded(SAMPLE_REQUEST), { integrityKey: KEY });
    expect(verifyMessageIntegrity(buf, KEY)).toBe(true);
    expect(verifyFingerprint(buf)).toBe(false);
  });
});

describe('encodeStun / decodeStun', () => {
  const id = Buffer.from('0123456789ab');
  const roundTrip = (attributes: StunAttribute[], cls: StunMessage['class'] = 'request', method = 1): StunMessage =>
    decoded(encodeStun({ method, class: cls, transactionId: id, attributes }));

  it('round-trips every attribute it knows, and unknown ones raw', () => {
    const attributes: StunAttribute[] = [
      { type: 'mapped-address', value: { family: 4, address: '10.1.2.3', port: 5 } },
      { type: 'mapped-address', value: { family: 6, address: 'fe80::1', port: 65535 } },
      { type: 'xor-mapped-address', value: { family: 4, address: '203.0.113.9', port: 50000 } },
      { type: 'xor-mapped-address', value: { family: 6, address: '2001:db8::ff00:42:8329', port: 1 } },
      { type: 'username', value: 'ab:cd' },
      { type: 'error-code', code: 487, reason: 'Role Conflict' },
      { type: 'unknown-attributes', value: [0x0023, 0x7fff, 0x0001] },
      { type: 'software', value: 'Denwa ☎' },
      { type: 'priority', value: 0xffffffff },
      { type: 'use-candidate' },
      { type: 'ice-controlled', tieBreaker: 0xffffffffffffffffn },
      { type: 'ice-controlling', tieBreaker: 1n },
      { type: 'raw', attributeType: 0xc057, value: Buffer.from('000a0001', 'hex') },
      { type: 'raw', attributeType: 0x0030, value: Buffer.from('abc') },
    ];
    expect(roundTrip(attributes).attributes).toEqual(attributes);
  });

  it('interleaves method and class bits (RFC 8489 §5)', () => {
    const cases: [StunMessage['class'], number, number][] = [
      ['request', 0x001, 0x0001],
      ['indication', 0x001, 0x0011],
      ['success-response', 0x001, 0x0101],
      ['error-response', 0x001, 0x0111],
      ['request', 0xfff, 0x3eef],
      ['error-response', 0xfff, 0x3fff],
      ['success-response', 0x0a5, 0x0345],
    ];
    for (const [cls, method, type] of cases) {
      const buf = encodeStun({ method, class: cls, transactionId: id, attributes: [] });
      expect(buf.readUInt16BE(0)).toBe(type);
      const back = decoded(buf);
      expect([back.class, back.method]).toEqual([cls, method]);
    }
  });

  it('pads values with zeros by default and counts the padding in lengths', () => {
    const buf = encodeStun({ method: 1, class: 'request', transactionId: id, attributes: [{ type: 'username', value: 'abcde' }] });
    expect(buf.toString('hex')).toBe(`0001000c2112a442${id.toString('hex')}000600056162636465000000`);
  });

  it('computes MESSAGE-INTEGRITY and FINGERPRINT and skips listed ones', () => {
    const message: StunMessage = {
      method: 1,
      class: 'success-response',
      transactionId: id,
      attributes: [
        { type: 'fingerprint', value: 1 },
        { type: 'message-integrity', value: Buffer.alloc(20) },
        { type: 'xor-mapped-address', value: { family: 4, address: '1.2.3.4', port: 9 } },
      ],
    };
    const buf = encodeStun(message, { integrityKey: KEY, fingerprint: true });
    expect(buf.length).toBe(20 + 12 + 24 + 8);
    expect(verifyMessageIntegrity(buf, KEY)).toBe(true);
    expect(verifyFingerprint(buf)).toBe(true);
    expect(decoded(buf).attributes.map((a) => a.type)).toEqual(['xor-mapped-address', 'message-integrity', 'fingerprint']);
  });

  it('ignores attributes after MESSAGE-INTEGRITY except FINGERPRINT (RFC 8489 §14.5)', () => {
    const withMi = encodeStun({ method: 1, class: 'request', transactionId: id, attributes: [] }, { integrityKey: KEY });
    const extra = hex('00060004 61623a63 80280004 00000000');
    const buf = Buffer.concat([withMi, extra]);
    buf.writeUInt16BE(buf.length - 20, 2);
    expect(decoded(buf).attributes.map((a) => a.type)).toEqual(['message-integrity', 'fingerprint']);
    expect(verifyMessageIntegrity(buf, KEY)).toBe(true);
  });

  it('throws TypeError for programmer errors', () => {
    const base = { method: 1, class: 'request' as const, transactionId: id };
    expect(() => encodeStun({ ...base, transactionId: Buffer.alloc(11), attributes: [] })).toThrow(TypeError);
    expect(() => encodeStun({ ...base, method: 0x1000, attributes: [] })).toThrow(TypeError);
    expect(() => encodeStun({ ...base, attributes: [{ type: 'error-code', code: 200, reason: '' }] })).toThrow(TypeError);
    expect(() => encodeStun({ ...base, attributes: [{ type: 'priority', value: -1 }] })).toThrow(TypeError);
    expect(() => encodeStun({ ...base, attributes: [{ type: 'ice-controlled', tieBreaker: 1n << 64n }] })).toThrow(TypeError);
    expect(() =>
      encodeStun({ ...base, attributes: [{ type: 'mapped-address', value: { family: 4, address: '::1', port: 1 } }] }),
    ).toThrow(TypeError);
    expect(() =>
      encodeStun({ ...base, attributes: [{ type: 'raw', attributeType: 0x10000, value: Buffer.alloc(0) }] }),
    ).toThrow(TypeError);
    expect(() =>
      encodeStun({ ...base, attributes: [{ type: 'raw', attributeType: 1, value: Buffer.alloc(0x10000) }] }),
    ).toThrow(TypeError);
  });
});

describe('isStunPacket', () => {
  it('tells STUN from DTLS and RTP (RFC 7983)', () => {
    expect(isStunPacket(SAMPLE_IPV4_RESPONSE)).toBe(true);
    expect(isStunPacket(SAMPLE_REQUEST.subarray(0, 19))).toBe(false);
    const dtls = Buffer.from(SAMPLE_REQUEST);
    dtls[0] = 22; // a DTLS handshake record starts 0x16 (first two bits 0, but no cookie follows)
    dtls.writeUInt32BE(0xfefd0000, 1);
    expect(isStunPacket(dtls)).toBe(false);
    const rtp = Buffer.from(SAMPLE_REQUEST);
    rtp[0] = 0x80;
    expect(isStunPacket(rtp)).toBe(false);
    const noCookie = Buffer.from(SAMPLE_REQUEST);
    noCookie[7] = 0x43;
    expect(isStunPacket(noCookie)).toBe(false);
  });
});

describe('decodeStun rejects malformed input', () => {
  const failure = (buf: Buffer): StunDecodeError['error'] | undefined => {
    const r = decodeStun(buf);
    return isStunDecodeError(r) ? r.error : undefined;
  };
  const header = (length: number): Buffer => {
    const b = Buffer.alloc(20);
    b.writeUInt16BE(0x0001, 0);
    b.writeUInt16BE(length, 2);
    b.writeUInt32BE(0x2112a442, 4);
    return b;
  };
  const withBody = (body: string): Buffer => {
    const b = hex(body);
    return Buffer.concat([header(b.length), b]);
  };

  it('zero-length and truncated headers', () => {
    expect(failure(Buffer.alloc(0))).toBe('too-short');
    expect(failure(SAMPLE_REQUEST.subarray(0, 19))).toBe('too-short');
    expect(failure(SAMPLE_REQUEST.subarray(0, 4))).toBe('too-short');
  });

  it('not STUN', () => {
    const b = header(0);
    b[0] = 0x40;
    expect(failure(b)).toBe('not-stun');
    expect(failure(Buffer.alloc(20))).toBe('not-stun');
  });

  it('length field not a multiple of 4, or not the buffer size', () => {
    expect(failure(Buffer.concat([header(3), Buffer.alloc(3)]))).toBe('bad-length');
    expect(failure(header(8))).toBe('length-mismatch');
    expect(failure(Buffer.concat([header(4), Buffer.alloc(8)]))).toBe('length-mismatch');
    expect(failure(SAMPLE_REQUEST.subarray(0, 100))).toBe('length-mismatch');
  });

  it('attribute header, value or padding overruns', () => {
    expect(failure(withBody('00060008 61626364'))).toBe('attribute-overrun');
    expect(failure(withBody('00060005 61626364'))).toBe('attribute-overrun'); // odd length: padding is missing
    expect(failure(withBody('00250000 0006ffff 00000000'))).toBe('attribute-overrun'); // second attribute
    expect(failure(withBody('00060005 61626364 65000000'))).toBeUndefined(); // padded correctly
    expect(failure(withBody('00060005 61626364 65'))).toBe('bad-length'); // padding cut off
  });

  it('known attributes of the wrong size or content', () => {
    expect(failure(withBody('00240003 01020300'))).toBe('bad-attribute'); // PRIORITY of 3 bytes
    expect(failure(withBody('00250004 00000000'))).toBe('bad-attribute'); // USE-CANDIDATE with a value
    expect(failure(withBody('80290004 00000000'))).toBe('bad-attribute'); // ICE-CONTROLLED of 4 bytes
    expect(failure(withBody('00080004 00000000'))).toBe('bad-attribute'); // MESSAGE-INTEGRITY of 4 bytes
    expect(failure(withBody('80280008 00000000 00000000'))).toBe('bad-attribute'); // FINGERPRINT of 8 bytes
    expect(failure(withBody('00200008 00030000 00000000'))).toBe('bad-attribute'); // family 3
    expect(failure(withBody('00200008 00020000 00000000'))).toBe('bad-attribute'); // IPv6 in 8 bytes
    expect(failure(withBody('00090004 00000263'))).toBe('bad-attribute'); // ERROR-CODE class 2
    expect(failure(withBody('00090004 00000464'))).toBe('bad-attribute'); // ERROR-CODE number 100
    expect(failure(withBody('000a0003 00010000'))).toBe('bad-attribute'); // odd UNKNOWN-ATTRIBUTES
    expect(failure(withBody(`00060204 ${'61'.repeat(516)}`))).toBe('bad-attribute'); // USERNAME > 513 bytes
  });

  it('FINGERPRINT not last', () => {
    expect(failure(withBody('80280004 00000000 00250000'))).toBe('fingerprint-not-last');
  });
});
