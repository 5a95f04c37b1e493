import { describe, expect, it } from 'vitest';
import { SpeechDetector } from './speech-detector.ts';

/** μ-law encoding of one linear sample (G.711). */
function ulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let m = Math.min(32635, Math.abs(sample)) + 0x84;
  let exp = 7;
  for (let mask = 0x4000; (m & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (m >> (exp + 3)) & 0x0f;
  m = ~(sign | (exp << 4) | mant) & 0xff;
  return m;
}

function tonePacket(amplitude: number, seq: number): Uint8Array {
  const out = new Uint8Array(160);
  for (let i = 0; i < 160; i++) out[i] = ulaw(Math.round(amplitude * Math.sin((2 * Math.PI * 440 * (seq * 160 + i)) / 8000)));
  return out;
}

function run(detector: SpeechDetector, packet: (seq: number) => Uint8Array, fromMs: number, seconds: number): void {
  for (let i = 0; i < seconds * 50; i++) {
    const p = packet(i);
    detector.push(p, 0, p.length, fromMs + i * 20);
  }
}

describe('SpeechDetector', () => {
  it('reports speech-level G.711 audio, then silence, once each', () => {
    const changes: boolean[] = [];
    const d = new SpeechDetector('PCMU', (s) => changes.push(s));
    run(d, (i) => tonePacket(8000, i), 0, 2);
    run(d, () => new Uint8Array(160).fill(0xff), 2000, 3);
    expect(changes).toEqual([true, false]);
  });

  it('ignores quiet noise below the floor', () => {
    const changes: boolean[] = [];
    const d = new SpeechDetector('PCMU', (s) => changes.push(s));
    run(d, (i) => tonePacket(60, i), 0, 3);
    expect(changes).toEqual([]);
  });

  it('counts large Opus packets as speech and tiny ones as silence', () => {
    const changes: boolean[] = [];
    const d = new SpeechDetector('opus', (s) => changes.push(s));
    run(d, () => new Uint8Array(80), 0, 2);
    run(d, () => new Uint8Array(3), 2000, 3);
    expect(changes).toEqual([true, false]);
  });

  it('finds the payload after CSRCs, a header extension and padding; a stopped sender stops talking', () => {
    const changes: boolean[] = [];
    const d = new SpeechDetector('PCMU', (s) => changes.push(s));
    for (let i = 0; i < 100; i++) {
      const payload = tonePacket(8000, i);
      const packet = new Uint8Array(12 + 4 + 8 + payload.length + 2);
      packet[0] = 0x80 | 0x10 | 0x20 | 0x01; // X, P, one CSRC
      packet[12 + 4 + 3] = 1; // one extension word
      packet.set(payload, 12 + 4 + 8);
      packet[packet.length - 1] = 2;
      d.pushRtp(packet, packet.length, i * 20);
    }
    d.tick(2100);
    expect(changes).toEqual([true]);
    d.tick(3200);
    expect(changes).toEqual([true, false]);
    expect(() => { d.pushRtp(new Uint8Array([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 13, 4000); }).not.toThrow();
  });

  it('never throws on empty or short payloads', () => {
    const d = new SpeechDetector('PCMA', () => undefined);
    expect(() => { d.push(new Uint8Array(0), 0, 0, 0); d.push(new Uint8Array(3), 1, 1, 2000); }).not.toThrow();
  });
});
