import { describe, expect, it } from 'vitest';
import { createPcmDecoder, createPcmEncoder } from './frame-codec.ts';
import { OpusDecoder, OpusEncoder } from './opus.ts';
import { dominantFrequency, goertzel, rms, sine } from './tone.test-helper.ts';

/** Encodes `pcm` in 20 ms frames and decodes the packets again. */
function roundTrip(encoder: OpusEncoder, decoder: OpusDecoder, pcm: Int16Array): { out: Int16Array; bytes: number } {
  const packet = new Uint8Array(1500);
  const out = new Int16Array((pcm.length * decoder.sampleRate) / encoder.sampleRate);
  let n = 0;
  let bytes = 0;
  for (let i = 0; i + encoder.frameSamples <= pcm.length; i += encoder.frameSamples) {
    const len = encoder.encode(pcm, i, packet, 0);
    expect(len).toBeGreaterThan(0);
    bytes += len;
    n += decoder.decode(packet, 0, len, out, n);
  }
  return { out: out.subarray(0, n), bytes };
}

describe('Opus (libopus in WebAssembly)', () => {
  it('round-trips a 440 Hz tone at 48 kHz and keeps its frequency', () => {
    const encoder = new OpusEncoder({ sampleRate: 48000, bitrate: 32_000, maxBandwidth: 'fullband' });
    const decoder = new OpusDecoder(48000);
    const { out, bytes } = roundTrip(encoder, decoder, sine(48000, 440, 48000));
    expect(out.length).toBe(48000);
    const steady = out.subarray(9600);
    expect(dominantFrequency(steady, 48000, 100, 4000, 5)).toBe(440);
    expect(goertzel(steady, 48000, 440)).toBeGreaterThan(5000);
    expect(bytes / 50).toBeLessThan(200); // about 32 kbit/s
    encoder.close();
    encoder.close();
    decoder.close();
    expect(decoder.decode(new Uint8Array([0xf8, 0xff, 0xfe]), 0, 3, new Int16Array(960), 0)).toBe(-1);
  });

  it('decodes at another PCM rate than it was encoded at (the RTP clock stays 48 kHz)', () => {
    const encoder = createPcmEncoder('opus', { pcmRate: 8000, complexity: 5, bitrate: 20_000, maxBandwidth: 'narrowband' });
    const decoder = createPcmDecoder('opus', { pcmRate: 48000, complexity: 5, bitrate: 20_000, maxBandwidth: 'narrowband' });
    expect(encoder.frameSamples).toBe(160);
    const pcm = sine(8000, 440, 8000);
    const packet = new Uint8Array(encoder.maxPayload);
    const out = new Int16Array(48000);
    let n = 0;
    for (let i = 0; i < pcm.length; i += 160) n += decoder.decode(packet, 0, encoder.encode(pcm, i, packet, 0), out, n);
    expect(n).toBe(48000);
    expect(dominantFrequency(out.subarray(9600), 48000, 100, 4000, 5)).toBe(440);
    encoder.close();
    decoder.close();
  });

  it('refuses broken packets without throwing, and decodes silence frames to silence', () => {
    const decoder = new OpusDecoder(48000);
    const out = new Int16Array(5760);
    expect(decoder.decode(new Uint8Array([0x03, 0x00]), 0, 2, out, 0)).toBe(-1); // code 3 with no frames
    expect(decoder.decode(new Uint8Array(0), 0, 0, out, 0)).toBe(-1);
    expect(decoder.decode(new Uint8Array(5000), 0, 5000, out, 0)).toBe(-1);
    const n = decoder.decode(new Uint8Array([0xf8, 0xff, 0xfe]), 0, 3, out, 0);
    expect(n).toBe(960);
    expect(rms(out.subarray(0, n))).toBeLessThan(1);
    decoder.reset();
    decoder.close();
  });
});
