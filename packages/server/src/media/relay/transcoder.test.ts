import { describe, expect, it } from 'vitest';
import { OpusDecoder, OpusEncoder, ULAW_DECODE, encodeG711 } from '../codec/index.ts';
import { dominantFrequency, sine } from '../codec/tone.test-helper.ts';
import type { RelayCodecs } from '../endpoint/index.ts';
import { Transcoder, needsTranscoding } from './transcoder.ts';
import { DEFAULT_OPUS_SETTINGS } from '../codec/index.ts';

const SIP: RelayCodecs = {
  primary: { name: 'PCMU', pt: 0, clockRate: 8000, channels: 1 },
  primaryIn: [0],
  telephoneEvents: [{ pt: 101, clockRate: 8000 }],
  telephoneEventsIn: [{ pt: 101, clockRate: 8000 }],
};
const WEB: RelayCodecs = {
  primary: { name: 'opus', pt: 111, clockRate: 48000, channels: 2 },
  primaryIn: [111],
  telephoneEvents: [{ pt: 126, clockRate: 8000 }, { pt: 110, clockRate: 48000 }],
  telephoneEventsIn: [{ pt: 126, clockRate: 8000 }, { pt: 110, clockRate: 48000 }],
};

interface Out {
  pt: number;
  marker: boolean;
  seq: number;
  ts: number;
  ssrc: number;
  payload: Buffer;
  room: number;
}

function capture(): { packets: Out[]; send: (buf: Buffer, len: number) => boolean } {
  const packets: Out[] = [];
  return {
    packets,
    send: (buf, len) => {
      packets.push({ pt: buf[1]! & 0x7f, marker: (buf[1]! & 0x80) !== 0, seq: buf.readUInt16BE(2), ts: buf.readUInt32BE(4), ssrc: buf.readUInt32BE(8), payload: Buffer.from(buf.subarray(12, len)), room: buf.length - len });
      return true;
    },
  };
}

function rtp(pt: number, seq: number, ts: number, payload: Uint8Array, ssrc = 0x1111, marker = false): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  b.set(payload, 12);
  return b;
}

/** `count` 20 ms PCMU packets of a `frequency` Hz tone. */
function pcmuPackets(frequency: number, count: number, seq0 = 100, ts0 = 1000): Buffer[] {
  const pcm = sine(8000, frequency, 160 * count);
  return Array.from({ length: count }, (_, i) => {
    const payload = new Uint8Array(160);
    encodeG711('ulaw', pcm, 160 * i, 160, payload, 0);
    return rtp(0, seq0 + i, ts0 + 160 * i, payload);
  });
}

function te(event: number, end: boolean, duration: number): Uint8Array {
  return Uint8Array.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
}

describe('Transcoder', () => {
  it('turns PCMU into 20 ms Opus frames at the 48 kHz clock with continuous sequence numbers', () => {
    const { packets, send } = capture();
    const t = new Transcoder(SIP, WEB, send, DEFAULT_OPUS_SETTINGS);
    for (const p of pcmuPackets(440, 50)) expect(t.push(p, p.length, 0)).toBe(true);
    expect(packets).toHaveLength(50);
    expect(packets.every((p) => p.pt === 111 && p.ssrc === (0x1111 ^ 0x7472636f) >>> 0 && p.room >= 16)).toBe(true);
    expect(packets.slice(1).map((p, i) => [(p.seq - packets[i]!.seq) & 0xffff, (p.ts - packets[i]!.ts) >>> 0])).toEqual(Array(49).fill([1, 960]));
    const decoder = new OpusDecoder(48000);
    const pcm = new Int16Array(48000);
    let n = 0;
    for (const p of packets) n += decoder.decode(p.payload, 0, p.payload.length, pcm, n);
    expect(n).toBe(48000);
    expect(dominantFrequency(pcm.subarray(9600), 48000, 100, 3800, 5)).toBe(440);
    t.close();
    decoder.close();
    expect(t.push(pcmuPackets(440, 1)[0]!, 172, 0)).toBe(false);
  });

  it('turns Opus into PCMU at the 8 kHz clock', () => {
    const { packets, send } = capture();
    const t = new Transcoder(WEB, SIP, send, DEFAULT_OPUS_SETTINGS);
    const encoder = new OpusEncoder({ sampleRate: 48000, bitrate: 32_000 });
    const pcm = sine(48000, 440, 48000);
    const payload = new Uint8Array(1500);
    for (let i = 0; i < 50; i++) {
      const len = encoder.encode(pcm, 960 * i, payload, 0);
      const p = rtp(111, 7 + i, 90_000 + 960 * i, payload.subarray(0, len), 0x2222);
      t.push(p, p.length, 0);
    }
    encoder.close();
    expect(packets).toHaveLength(50);
    expect(packets.every((p) => p.pt === 0 && p.payload.length === 160)).toBe(true);
    expect(packets.slice(1).every((p, i) => ((p.ts - packets[i]!.ts) >>> 0) === 160)).toBe(true);
    const decoded = Int16Array.from(packets.slice(10).flatMap((p) => [...p.payload].map((b) => ULAW_DECODE[b]!)));
    expect(dominantFrequency(decoded, 8000, 100, 3800, 5)).toBe(440);
    t.close();
  });

  it('keeps gaps as timestamp gaps, drops late packets, and starts over on a new SSRC', () => {
    const { packets, send } = capture();
    const t = new Transcoder(SIP, WEB, send, DEFAULT_OPUS_SETTINGS);
    const p = pcmuPackets(440, 6);
    t.push(p[0]!, 172, 0);
    t.push(p[1]!, 172, 0);
    t.push(p[3]!, 172, 0); // p[2] lost
    expect(t.push(p[2]!, 172, 0)).toBe(false); // now late
    expect(t.dropped).toBe(1);
    t.push(p[4]!, 172, 0);
    expect(packets.map((x) => (x.ts - packets[0]!.ts) >>> 0)).toEqual([0, 960, 2880, 3840]);
    expect(packets.map((x) => (x.seq - packets[0]!.seq) & 0xffff)).toEqual([0, 1, 2, 3]);
    const other = rtp(0, 1, 5, p[5]!.subarray(12), 0x3333, true);
    t.push(other, other.length, 0);
    expect(packets.at(-1)?.ssrc).toBe((0x3333 ^ 0x7472636f) >>> 0);
    expect(packets.at(-1)?.marker).toBe(true);
    expect(t.push(rtp(8, 1, 5, new Uint8Array(160)), 172, 0)).toBe(false); // PCMA: not the source's
    t.close();
  });

  it('re-stamps RFC 4733 events: 8000 Hz from the SIP leg become 48000 Hz events with scaled durations', () => {
    const { packets, send } = capture();
    const t = new Transcoder(SIP, WEB, send, DEFAULT_OPUS_SETTINGS);
    const audio = pcmuPackets(440, 2, 100, 8000);
    t.push(audio[0]!, 172, 0);
    t.push(audio[1]!, 172, 0);
    // A digit starting at the next audio timestamp (8320), three updates and the end packet.
    [te(5, false, 160), te(5, false, 320), te(5, true, 480)].forEach((payload, i) => {
      const p = rtp(101, 102 + i, 8320, payload, 0x1111, i === 0);
      expect(t.push(p, p.length, 0)).toBe(true);
    });
    const events = packets.filter((p) => p.pt === 110);
    expect(events.map((e) => e.payload.readUInt16BE(2))).toEqual([960, 1920, 2880]);
    expect(events.map((e) => e.payload[0])).toEqual([5, 5, 5]);
    expect(events.map((e) => e.marker)).toEqual([true, false, false]);
    expect(events.every((e) => e.ts === ((packets[1]!.ts + 960) >>> 0))).toBe(true);
    expect(packets.slice(1).every((p, i) => ((p.seq - packets[i]!.seq) & 0xffff) === 1)).toBe(true);
    t.close();
  });

  it('re-stamps events the other way: 48000 Hz browser events to 8000 Hz, and 8000 Hz ones keep their durations', () => {
    const { packets, send } = capture();
    const t = new Transcoder(WEB, SIP, send, DEFAULT_OPUS_SETTINGS);
    t.push(rtp(110, 1, 48_000, te(9, false, 960)), 16, 0);
    t.push(rtp(126, 2, 48_000, te(9, true, 320)), 16, 0);
    expect(packets.map((p) => [p.pt, p.payload.readUInt16BE(2)])).toEqual([[101, 160], [101, 320]]);
    expect(packets[1]!.ts).toBe(packets[0]!.ts);
    expect(needsTranscoding(WEB, SIP)).toBe(true);
    expect(needsTranscoding(SIP, { ...SIP, primary: { ...SIP.primary, pt: 96 } })).toBe(false);
    t.close();
  });
});
