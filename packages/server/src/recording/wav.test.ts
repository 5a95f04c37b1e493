import { seededRandom as mulberry32 } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import { WAV_HEADER_BYTES, parseWavHeader, repairWavHeader, wavDurationMs, wavHeader } from './wav.ts';


function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

/** A chunk: id, little-endian size, body, pad byte when odd. */
function chunk(id: string, body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from(id, 'latin1'), size, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

describe('wavHeader', () => {
  it('writes the canonical 44-byte PCM16 header, byte for byte', () => {
    const h = wavHeader({ sampleRate: 8000, channels: 2, dataBytes: 32000 });
    expect(WAV_HEADER_BYTES).toBe(44);
    expect(h.length).toBe(44);
    const expected = hex(`
      52494646 247d0000 57415645
      666d7420 10000000 0100 0200 401f0000 007d0000 0400 1000
      64617461 007d0000`);
    expect(h.equals(expected)).toBe(true);
  });

  it('has RIFF size 36 and data size 0 for a file about to be streamed', () => {
    const h = wavHeader({ sampleRate: 48000, channels: 1, dataBytes: 0 });
    expect(h.readUInt32LE(4)).toBe(36);
    expect(h.readUInt32LE(40)).toBe(0);
    expect(h.readUInt32LE(28)).toBe(96000);
    expect(h.readUInt16LE(32)).toBe(2);
  });

  it('refuses formats a header cannot state', () => {
    expect(() => wavHeader({ sampleRate: 0, channels: 1, dataBytes: 0 })).toThrow(RangeError);
    expect(() => wavHeader({ sampleRate: 8000, channels: 1.5, dataBytes: 0 })).toThrow(RangeError);
    expect(() => wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 2 ** 32 })).toThrow(RangeError);
  });
});

describe('parseWavHeader', () => {
  it('round-trips what wavHeader writes', () => {
    for (const [sampleRate, channels, dataBytes] of [
      [8000, 1, 0],
      [8000, 2, 32000],
      [16000, 1, 12345 * 2],
      [48000, 2, 4 * 48000 * 60],
    ] as const) {
      const r = parseWavHeader(wavHeader({ sampleRate, channels, dataBytes }));
      expect(r).toEqual({ ok: true, value: { sampleRate, channels, bitsPerSample: 16, dataOffset: 44, dataBytes } });
    }
  });

  it('skips LIST and other chunks (odd sizes padded) before the data', () => {
    const base = wavHeader({ sampleRate: 16000, channels: 1, dataBytes: 0 });
    const fmt = base.subarray(12, 36);
    const data = chunk('data', Buffer.alloc(0)).subarray(0, 8);
    data.writeUInt32LE(640, 4);
    const list = chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00denwa', 'latin1')); // 17 bytes + pad
    const fact = chunk('fact', Buffer.from([0, 1, 0, 0]));
    const file = Buffer.concat([base.subarray(0, 12), list, fmt, fact, data, Buffer.alloc(640)]);
    const r = parseWavHeader(file);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataOffset: 12 + 26 + 24 + 12 + 8, dataBytes: 640 });
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE with a PCM sub-format', () => {
    const body = Buffer.alloc(40);
    body.writeUInt16LE(0xfffe, 0);
    body.writeUInt16LE(2, 2);
    body.writeUInt32LE(8000, 4);
    body.writeUInt32LE(32000, 8);
    body.writeUInt16LE(4, 12);
    body.writeUInt16LE(16, 14);
    body.writeUInt16LE(22, 16);
    body.writeUInt16LE(16, 18);
    body.writeUInt16LE(1, 24); // KSDATAFORMAT_SUBTYPE_PCM starts 01 00
    const file = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'), chunk('fmt ', body), Buffer.from('data\x10\0\0\0', 'latin1')]);
    const r = parseWavHeader(file);
    expect(r.ok && r.value).toMatchObject({ sampleRate: 8000, channels: 2, dataOffset: 68, dataBytes: 16 });
  });

  it('refuses non-PCM16, non-WAV and truncated input with a message', () => {
    const good = wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 100 });
    const refuse = (buf: Uint8Array, match: RegExp): void => {
      const r = parseWavHeader(buf);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(match);
    };
    refuse(new Uint8Array(0), /truncated/);
    refuse(good.subarray(0, 11), /truncated/);
    refuse(good.subarray(0, 20), /truncated/);
    refuse(good.subarray(0, 36), /truncated before its data/);
    refuse(good.subarray(0, 43), /truncated before its data/);
    refuse(Buffer.from('ID3\x04 not a wav at all, an mp3'), /not a WAV/);
    refuse(Buffer.concat([Buffer.from('RIFX'), good.subarray(4)]), /big-endian/);
    refuse(Buffer.concat([Buffer.from('RF64'), good.subarray(4)]), /RF64/);
    refuse(Buffer.concat([good.subarray(0, 8), Buffer.from('AVI '), good.subarray(12)]), /WAVE/);
    const alaw = Buffer.from(good);
    alaw.writeUInt16LE(6, 20);
    refuse(alaw, /format 6 is not PCM/);
    const float = Buffer.from(good);
    float.writeUInt16LE(3, 20);
    refuse(float, /not PCM/);
    const eight = Buffer.from(good);
    eight.writeUInt16LE(8, 34);
    eight.writeUInt16LE(1, 32);
    refuse(eight, /8-bit/);
    const align = Buffer.from(good);
    align.writeUInt16LE(4, 32);
    refuse(align, /block align/);
    const zeroCh = Buffer.from(good);
    zeroCh.writeUInt16LE(0, 22);
    refuse(zeroCh, /0 channels/);
    const dataFirst = Buffer.concat([good.subarray(0, 12), good.subarray(36, 44), good.subarray(12, 36)]);
    refuse(dataFirst, /before any fmt/);
    const shortFmt = Buffer.from(good);
    shortFmt.writeUInt32LE(12, 16);
    refuse(shortFmt, /at least 16/);
    const hugeFmt = Buffer.from(good);
    hugeFmt.writeUInt32LE(0xfffffff0, 16);
    refuse(hugeFmt, /truncated inside its fmt/);
  });

  it('never throws on random and mutated buffers', () => {
    const rand = mulberry32(0x5eed);
    const good = Buffer.concat([wavHeader({ sampleRate: 8000, channels: 2, dataBytes: 64 }), Buffer.alloc(64)]);
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      let buf: Uint8Array;
      if (i % 3 === 0) {
        buf = Uint8Array.from({ length: Math.floor(rand() * 120) }, () => Math.floor(rand() * 256));
      } else {
        buf = Uint8Array.from(good);
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) buf[Math.floor(rand() * 44)] = Math.floor(rand() * 256);
        if (i % 3 === 2) buf = buf.subarray(0, Math.floor(rand() * buf.length));
      }
      let r: ReturnType<typeof parseWavHeader> | undefined;
      expect(() => (r = parseWavHeader(buf))).not.toThrow();
      expect(r).toBeDefined();
      if (r?.ok === true) {
        accepted++;
        expect(r.value.bitsPerSample).toBe(16);
        expect(r.value.channels).toBeGreaterThan(0);
        expect(r.value.dataOffset).toBeLessThanOrEqual(buf.length);
      } else {
        expect(typeof r?.error).toBe('string');
        expect(r?.error.length).toBeGreaterThan(0);
      }
      expect(() => repairWavHeader(buf, 1000)).not.toThrow();
    }
    // Mutations of the size and rate fields leave a valid header: some inputs must pass.
    expect(accepted).toBeGreaterThan(20);
  });
});

describe('repairWavHeader', () => {
  it('fixes a header written with dataBytes 0, leaving out an odd trailing byte', () => {
    const header = wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 0 });
    const fileBytes = 44 + 16000 + 1; // one second, then half a sample
    const r = repairWavHeader(header, fileBytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.dataBytes).toBe(16000);
    expect(r.value.durationMs).toBe(1000);
    expect(r.value.header.length).toBe(44);
    expect(r.value.header.equals(wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 16000 }))).toBe(true);
    expect(r.value.header.readUInt32LE(4)).toBe(36 + 16000);
  });

  it('fixes a stale size, dropping a partial stereo frame (3 trailing bytes)', () => {
    const header = wavHeader({ sampleRate: 8000, channels: 2, dataBytes: 320_000 }); // claimed 10 s
    const r = repairWavHeader(header, 44 + 4 * 12_000 + 3); // 1.5 s were written, then 3 bytes
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.dataBytes).toBe(48_000);
    expect(r.value.durationMs).toBe(1500);
    expect(r.value.header.equals(wavHeader({ sampleRate: 8000, channels: 2, dataBytes: 48_000 }))).toBe(true);
    // The input was not modified.
    expect(header.readUInt32LE(40)).toBe(320_000);
  });

  it('keeps chunks before the data and patches the sizes where they are', () => {
    const base = wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 0 });
    const list = chunk('LIST', Buffer.from('INFO'));
    const header = Buffer.concat([base.subarray(0, 12), base.subarray(12, 36), list, base.subarray(36)]);
    const r = repairWavHeader(header, header.length + 801);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header.length).toBe(56);
    expect(r.value.header.readUInt32LE(52)).toBe(800);
    expect(r.value.header.readUInt32LE(4)).toBe(48 + 800);
    expect(r.value.header.subarray(36, 48).equals(list)).toBe(true);
    expect(r.value.durationMs).toBe(50);
  });

  it('refuses an unreadable header or a file shorter than its header', () => {
    expect(repairWavHeader(Buffer.from('garbage'), 100).ok).toBe(false);
    const r = repairWavHeader(wavHeader({ sampleRate: 8000, channels: 1, dataBytes: 0 }), 20);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/shorter/);
  });
});

describe('wavDurationMs', () => {
  it('counts whole frames', () => {
    expect(wavDurationMs(16000, 8000, 1)).toBe(1000);
    expect(wavDurationMs(16001, 8000, 1)).toBe(1000);
    expect(wavDurationMs(32000, 8000, 2)).toBe(1000);
    expect(wavDurationMs(4 * 48, 48000, 2)).toBe(1);
    expect(wavDurationMs(0, 8000, 1)).toBe(0);
    expect(wavDurationMs(100, 0, 1)).toBe(0);
  });
});
