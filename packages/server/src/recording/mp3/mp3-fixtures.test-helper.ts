/**
 * Test and benchmark helpers: a streaming writer of canonical PCM16 WAV files from a sample
 * generator, and a parser of MP3 frame headers (no MP3 decoder is installed, so tests check the
 * stream's structure instead of its sound).
 */
import { open } from 'node:fs/promises';

/** Writes `frames` sample frames; `sample(frame, channel)` returns a value in [-1, 1]. */
export async function writeWav(
  path: string,
  opts: { readonly sampleRate: number; readonly channels: 1 | 2; readonly frames: number; readonly dataBytesField?: number },
  sample: (frame: number, channel: number) => number,
): Promise<void> {
  const { sampleRate, channels, frames } = opts;
  const blockAlign = channels * 2;
  const dataBytes = frames * blockAlign;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(opts.dataBytesField ?? dataBytes, 40);
  const handle = await open(path, 'w');
  try {
    await handle.write(header);
    const chunkFrames = 65_536;
    const chunk = Buffer.allocUnsafe(chunkFrames * blockAlign);
    for (let start = 0; start < frames; start += chunkFrames) {
      const n = Math.min(chunkFrames, frames - start);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < channels; c++) {
          const v = Math.max(-1, Math.min(1, sample(start + i, c)));
          chunk.writeInt16LE(Math.round(v * 32_767), (i * channels + c) * 2);
        }
      }
      await handle.write(chunk, 0, n * blockAlign);
    }
  } finally {
    await handle.close();
  }
}

/** One MPEG audio layer III frame header. */
export interface Mp3FrameHeader {
  /** '1', '2' or '2.5'. */
  readonly version: '1' | '2' | '2.5';
  readonly layer: number;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  /** 'stereo', 'joint-stereo', 'dual-channel' or 'mono'. */
  readonly mode: 'stereo' | 'joint-stereo' | 'dual-channel' | 'mono';
  readonly padding: boolean;
  /** Bytes of the whole frame, header included. */
  readonly frameBytes: number;
  /** PCM samples per channel the frame decodes to. */
  readonly samples: number;
}

const RATES: Record<string, readonly number[]> = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] };
const L3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const L3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MODES = ['stereo', 'joint-stereo', 'dual-channel', 'mono'] as const;

/** Parses the 4-byte frame header at `at`; undefined when there is no valid layer III header there. */
export function parseMp3FrameHeader(buf: Uint8Array, at: number): Mp3FrameHeader | undefined {
  if (at + 4 > buf.length) return undefined;
  const h = (((buf[at] ?? 0) << 24) | ((buf[at + 1] ?? 0) << 16) | ((buf[at + 2] ?? 0) << 8) | (buf[at + 3] ?? 0)) >>> 0;
  if (h >>> 21 !== 0x7ff) return undefined;
  const versionBits = (h >>> 19) & 3;
  const layerBits = (h >>> 17) & 3;
  const bitrateIndex = (h >>> 12) & 15;
  const rateIndex = (h >>> 10) & 3;
  if (versionBits === 1 || layerBits !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const version = versionBits === 3 ? '1' : versionBits === 2 ? '2' : '2.5';
  const sampleRate = RATES[version]?.[rateIndex] ?? 0;
  const bitrateKbps = (version === '1' ? L3_BITRATES_V1 : L3_BITRATES_V2)[bitrateIndex] ?? 0;
  const padding = ((h >>> 9) & 1) === 1;
  const samples = version === '1' ? 1152 : 576;
  const frameBytes = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return { version, layer: 3, bitrateKbps, sampleRate, mode: MODES[(h >>> 6) & 3] ?? 'stereo', padding, frameBytes, samples };
}

/** Walks every frame of an MP3 with no tags; throws where the frame chain breaks. */
export function walkMp3Frames(mp3: Uint8Array): Mp3FrameHeader[] {
  const frames: Mp3FrameHeader[] = [];
  let at = 0;
  while (at < mp3.length) {
    const frame = parseMp3FrameHeader(mp3, at);
    if (!frame) throw new Error(`no MP3 frame header at byte ${String(at)} of ${String(mp3.length)}`);
    frames.push(frame);
    at += frame.frameBytes;
  }
  if (at !== mp3.length) throw new Error(`last MP3 frame overruns the file (${String(at)} > ${String(mp3.length)})`);
  return frames;
}
