/** Sine-tone WAV files for Chromium's fake microphone (`--use-file-for-fake-audio-capture`). */
import { writeFileSync } from 'node:fs';

/** Writes a 16-bit mono PCM WAV of `seconds` of a `hz` sine at half scale. Chromium loops it. */
export function writeToneWav(path: string, hz: number, seconds = 5, rate = 48_000): void {
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** The samples and rate of a 16-bit PCM WAV (its first channel, or `channel`), reading its chunks; `channels` is the header's count. */
export function readWav(bytes: Buffer, channel = 0): { readonly rate: number; readonly channels: number; readonly samples: Float32Array } {
  let offset = 12;
  let rate = 8000;
  let channels = 1;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(offset + 10);
      rate = bytes.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      const end = Math.min(bytes.length, offset + 8 + size);
      const frames = Math.floor((end - offset - 8) / (2 * channels));
      const samples = new Float32Array(frames);
      if (channel >= channels) throw new Error(`the WAV has ${String(channels)} channel(s), not channel ${String(channel + 1)}`);
      for (let i = 0; i < frames; i++) samples[i] = bytes.readInt16LE(offset + 8 + (i * channels + channel) * 2) / 32768;
      return { rate, channels, samples };
    }
    offset += 8 + size + (size % 2);
  }
  return { rate, channels, samples: new Float32Array(0) };
}

/** The power of `hz` in `samples` (Goertzel), normalised by length: compare tones within one signal. */
export function tonePower(samples: Float32Array, rate: number, hz: number): number {
  const k = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / Math.max(1, samples.length * samples.length);
}
