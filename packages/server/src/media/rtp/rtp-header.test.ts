import { describe, expect, it } from 'vitest';
import {
  buildRtpPacket,
  createRtpHeaderInfo,
  parseHeaderExtension,
  parseRtpPacket,
  rtpHeaderInfo,
  rtpMarker,
  rtpPayloadType,
  rtpSequence,
  rtpSsrc,
  rtpTimestamp,
  setRtpMarker,
  setRtpPayloadType,
  setRtpSequence,
  setRtpSsrc,
  setRtpTimestamp,
  stripHeaderExtensions,
  type RtpHeaderInfo,
} from './index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function info(buf: Buffer, len = buf.length): RtpHeaderInfo {
  const r = rtpHeaderInfo(buf, len);
  if (typeof r === 'string') throw new Error(`unexpected failure ${r}`);
  return r;
}

// V=2 P=0 X=0 CC=0 | M=0 PT=111 | seq 0x1234 | ts 1000 | SSRC 0xdeadbeef | payload 01 02 03
const PLAIN = hex('806f1234 000003e8 deadbeef 010203');
// CC=2, M=1 PT=96, two CSRCs, payload aa
const WITH_CSRCS = hex('82e00001 00000002 00000003 11111111 22222222 aa');
// X=1, one-byte profile: audio level (id 1, 1 byte), abs-send-time (id 2, 3 bytes),
// transport-wide cc (id 3, 2 bytes), 3 padding bytes; 3 words; payload fc ff fe
const ONE_BYTE = hex('906f0007 00001f40 01020304 bede0003 108a 22123456 310007 000000 fcfffe');
// X=1, two-byte profile 0x1000: id 1 (2 bytes), id 5 (0 bytes), 2 padding bytes; payload 99
const TWO_BYTE = hex('906f0008 00002260 01020304 10000002 0102aabb 05000000 99');

describe('rtpHeaderInfo', () => {
  it('reads the fixed header of a plain packet', () => {
    expect(info(PLAIN)).toEqual({
      csrcCount: 0,
      extensionOffset: -1,
      extensionProfile: 0,
      extensionLength: 0,
      payloadOffset: 12,
      payloadLength: 3,
      paddingLength: 0,
    });
    expect(rtpPayloadType(PLAIN)).toBe(111);
    expect(rtpMarker(PLAIN)).toBe(false);
    expect(rtpSequence(PLAIN)).toBe(0x1234);
    expect(rtpTimestamp(PLAIN)).toBe(1000);
    expect(rtpSsrc(PLAIN)).toBe(0xdeadbeef);
  });

  it('skips the CSRC list', () => {
    const i = info(WITH_CSRCS);
    expect(i.csrcCount).toBe(2);
    expect(i.payloadOffset).toBe(20);
    expect(i.payloadLength).toBe(1);
    expect(rtpMarker(WITH_CSRCS)).toBe(true);
    expect(rtpPayloadType(WITH_CSRCS)).toBe(96);
    expect(parseRtpPacket(WITH_CSRCS)).toMatchObject({ csrcs: [0x11111111, 0x22222222], payload: hex('aa') });
  });

  it('locates a one-byte (0xBEDE) extension and decodes its elements', () => {
    const i = info(ONE_BYTE);
    expect(i).toMatchObject({ extensionOffset: 12, extensionProfile: 0xbede, extensionLength: 12, payloadOffset: 28 });
    expect(i.payloadLength).toBe(3);
    const ext = parseHeaderExtension(ONE_BYTE, i);
    expect(ext?.form).toBe('one-byte');
    expect(ext?.malformed).toBe(false);
    expect(ext?.elements).toEqual([
      { id: 1, data: hex('8a') },
      { id: 2, data: hex('123456') },
      { id: 3, data: hex('0007') },
    ]);
  });

  it('locates a two-byte (0x100X) extension and decodes its elements, zero-length ones included', () => {
    const i = info(TWO_BYTE);
    expect(i).toMatchObject({ extensionOffset: 12, extensionProfile: 0x1000, extensionLength: 8, payloadOffset: 24 });
    const ext = parseHeaderExtension(TWO_BYTE, i);
    expect(ext?.form).toBe('two-byte');
    expect(ext?.elements).toEqual([
      { id: 1, data: hex('aabb') },
      { id: 5, data: Buffer.alloc(0) },
    ]);
    const appbits = Buffer.from(TWO_BYTE);
    appbits.writeUInt16BE(0x100f, 12);
    expect(parseHeaderExtension(appbits, info(appbits))?.form).toBe('two-byte');
  });

  it('stops one-byte parsing at ID 15 and flags an element that overruns', () => {
    const stop = hex('906f0000 00000000 00000000 bede0001 10aaf0ff 00');
    expect(parseHeaderExtension(stop, info(stop))?.elements).toEqual([{ id: 1, data: hex('aa') }]);
    const overrun = hex('906f0000 00000000 00000000 bede0001 0010aa3f');
    const ext = parseHeaderExtension(overrun, info(overrun));
    expect(ext?.malformed).toBe(true);
    expect(ext?.elements).toEqual([{ id: 1, data: hex('aa') }]);
  });

  it('keeps other profiles raw', () => {
    const other = hex('906f0000 00000000 00000000 abcd0001 01020304');
    expect(parseHeaderExtension(other, info(other))).toEqual({
      profile: 0xabcd,
      form: 'other',
      elements: [],
      data: hex('01020304'),
      malformed: false,
    });
  });

  it('excludes padding from the payload', () => {
    // P=1, payload 01 02 03, padding 00 00 00 04
    const padded = hex('a06f0001 00000000 00000001 010203 00000004');
    expect(info(padded)).toMatchObject({ payloadOffset: 12, payloadLength: 3, paddingLength: 4 });
    // The whole payload may be padding.
    const allPadding = hex('a06f0001 00000000 00000001 000002');
    expect(info(allPadding)).toMatchObject({ payloadOffset: 12, payloadLength: 1, paddingLength: 2 });
  });

  it('refuses bad versions', () => {
    for (const b0 of [0x00, 0x40, 0xc0]) {
      const buf = Buffer.from(PLAIN);
      buf.writeUInt8(b0, 0);
      expect(rtpHeaderInfo(buf, buf.length)).toBe('bad-version');
    }
  });

  it('refuses truncated headers and bad padding', () => {
    expect(rtpHeaderInfo(PLAIN, 11)).toBe('too-short');
    expect(rtpHeaderInfo(Buffer.alloc(0), 0)).toBe('too-short');
    expect(rtpHeaderInfo(WITH_CSRCS, 19)).toBe('truncated-csrc');
    expect(rtpHeaderInfo(ONE_BYTE, 15)).toBe('truncated-extension');
    expect(rtpHeaderInfo(ONE_BYTE, 27)).toBe('truncated-extension');
    expect(rtpHeaderInfo(hex('a06f0001 00000000 00000001 01020300'), 16)).toBe('bad-padding');
    expect(rtpHeaderInfo(hex('a06f0001 00000000 00000001 01020309'), 16)).toBe('bad-padding');
    expect(rtpHeaderInfo(hex('a06f0001 00000000 00000001'), 12)).toBe('bad-padding');
  });

  it('refuses a length outside the buffer instead of throwing', () => {
    expect(rtpHeaderInfo(PLAIN, PLAIN.length + 1)).toBe('bad-length');
    expect(rtpHeaderInfo(PLAIN, -1)).toBe('bad-length');
    expect(rtpHeaderInfo(PLAIN, 12.5)).toBe('bad-length');
  });

  it('reads nothing past len and fills the given out object', () => {
    const out = createRtpHeaderInfo();
    const a = Buffer.concat([PLAIN, hex('ffffffff')]);
    expect(rtpHeaderInfo(a, PLAIN.length, out)).toBe(out);
    expect(out.payloadLength).toBe(3);
    // A padding count beyond len would be 0xff: ignored because it is past len.
    const padded = Buffer.concat([hex('a06f0001 00000000 00000001 0102 02'), hex('ff')]);
    expect(rtpHeaderInfo(padded, 15, out)).toMatchObject({ payloadLength: 1, paddingLength: 2 });
  });
});

describe('field setters', () => {
  it('rewrite fields in place and keep their neighbours', () => {
    const buf = Buffer.from(WITH_CSRCS);
    setRtpPayloadType(buf, 0x1ff); // reduced to 7 bits
    expect(rtpPayloadType(buf)).toBe(0x7f);
    expect(rtpMarker(buf)).toBe(true);
    setRtpMarker(buf, false);
    expect(rtpMarker(buf)).toBe(false);
    expect(rtpPayloadType(buf)).toBe(0x7f);
    setRtpSequence(buf, 0x1_2345);
    expect(rtpSequence(buf)).toBe(0x2345);
    setRtpTimestamp(buf, 2 ** 32 + 5);
    expect(rtpTimestamp(buf)).toBe(5);
    setRtpTimestamp(buf, -1);
    expect(rtpTimestamp(buf)).toBe(0xffffffff);
    setRtpSsrc(buf, 0xcafebabe);
    expect(rtpSsrc(buf)).toBe(0xcafebabe);
    expect(buf.subarray(12)).toEqual(WITH_CSRCS.subarray(12));
    expect(buf.readUInt8(0)).toBe(0x82);
  });
});

describe('stripHeaderExtensions', () => {
  it('removes a one-byte extension, keeps payload bytes, clears X', () => {
    const buf = Buffer.concat([ONE_BYTE, hex('eeeeeeee')]);
    const len = stripHeaderExtensions(buf, ONE_BYTE.length);
    expect(len).toBe(15);
    expect(buf.subarray(0, len)).toEqual(hex('806f0007 00001f40 01020304 fcfffe'));
    expect(buf.subarray(ONE_BYTE.length)).toEqual(hex('eeeeeeee'));
  });

  it('keeps CSRCs and padding', () => {
    const packet = buildRtpPacket({
      payloadType: 111,
      sequence: 9,
      timestamp: 960,
      ssrc: 7,
      marker: true,
      csrcs: [1, 2],
      extension: { profile: 0x1000, data: hex('0102aabb') },
      payload: hex('c0ffee'),
      padding: 3,
    });
    const expected = buildRtpPacket({
      payloadType: 111,
      sequence: 9,
      timestamp: 960,
      ssrc: 7,
      marker: true,
      csrcs: [1, 2],
      payload: hex('c0ffee'),
      padding: 3,
    });
    const len = stripHeaderExtensions(packet, packet.length);
    expect(packet.subarray(0, len)).toEqual(expected);
    expect(parseRtpPacket(packet, len)).toMatchObject({ payload: hex('c0ffee'), paddingLength: 3, csrcs: [1, 2] });
  });

  it('leaves a packet without extension alone and refuses invalid ones', () => {
    const buf = Buffer.from(PLAIN);
    expect(stripHeaderExtensions(buf, buf.length)).toBe(buf.length);
    expect(buf).toEqual(PLAIN);
    const bad = Buffer.from(ONE_BYTE);
    expect(stripHeaderExtensions(bad, 20)).toBe(-1);
    expect(bad).toEqual(ONE_BYTE);
  });
});

describe('parseRtpPacket / buildRtpPacket', () => {
  it('round-trips every field', () => {
    const fields = {
      payloadType: 126,
      sequence: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0x80000001,
      marker: true,
      csrcs: [3],
      extension: { profile: 0xbede, data: hex('10ff') },
      payload: hex('0a8a00a0'),
      padding: 4,
    };
    const buf = buildRtpPacket(fields);
    expect(buf.length).toBe(12 + 4 + 4 + 4 + 4 + 4);
    expect(parseRtpPacket(buf)).toEqual({
      padding: true,
      marker: true,
      payloadType: 126,
      sequence: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0x80000001,
      csrcs: [3],
      extension: {
        profile: 0xbede,
        form: 'one-byte',
        elements: [{ id: 1, data: hex('ff') }],
        data: hex('10ff0000'),
        malformed: false,
      },
      payload: hex('0a8a00a0'),
      paddingLength: 4,
    });
  });

  it('builds the plain vector byte for byte', () => {
    expect(
      buildRtpPacket({ payloadType: 111, sequence: 0x1234, timestamp: 1000, ssrc: 0xdeadbeef, payload: hex('010203') }),
    ).toEqual(PLAIN);
    expect(parseRtpPacket(PLAIN, 5)).toBe('too-short');
  });

  it('refuses impossible builds', () => {
    expect(() => buildRtpPacket({ payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, csrcs: new Array<number>(16).fill(0) })).toThrow(RangeError);
    expect(() => buildRtpPacket({ payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, padding: 256 })).toThrow(RangeError);
  });
});
