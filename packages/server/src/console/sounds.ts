/**
 * The browser SDK's default sounds, generated here so that no page depends on a third-party CDN:
 * `incoming` (a ring cadence, looped by the SDK), `outgoing` (one ringback burst), `disconnect`
 * (a falling two-note chime) and the sixteen DTMF keys' dual tones (`dtmf0`–`dtmf9`, `dtmfs` = `*`,
 * `dtmfh` = `#`). Each is a small 16-bit mono PCM WAV at 8 kHz, built once on first use.
 */

const RATE = 8000;

/** One tone segment: the frequencies sounding together (none = silence) for `ms` milliseconds. */
interface Segment {
  readonly hz: readonly number[];
  readonly ms: number;
}

const DTMF_ROWS = [697, 770, 852, 941] as const;
const DTMF_COLS = [1209, 1336, 1477] as const;
const DTMF_KEYS = ['123', '456', '789', '*0#'] as const;
const DTMF_NAMES: Record<string, string> = { '*': 'dtmfs', '#': 'dtmfh' };

function dtmfSegments(): Map<string, readonly Segment[]> {
  const out = new Map<string, readonly Segment[]>();
  DTMF_KEYS.forEach((row, r) => {
    Array.from(row).forEach((key, c) => {
      out.set(DTMF_NAMES[key] ?? `dtmf${key}`, [{ hz: [DTMF_ROWS[r] ?? 0, DTMF_COLS[c] ?? 0], ms: 200 }]);
    });
  });
  return out;
}

const RING = [440, 480];

const SOUNDS: ReadonlyMap<string, readonly Segment[]> = new Map([
  ['incoming', [{ hz: RING, ms: 2000 }, { hz: [], ms: 4000 }]],
  ['outgoing', [{ hz: RING, ms: 1000 }]],
  ['disconnect', [{ hz: [660], ms: 180 }, { hz: [], ms: 40 }, { hz: [440], ms: 260 }]],
  ...dtmfSegments(),
]);

/** The names the SDK's `sounds` option knows. */
export const SOUND_NAMES: readonly string[] = [...SOUNDS.keys()];

/** Renders segments as PCM with 5 ms ramps at each edge, so no segment clicks. */
function render(segments: readonly Segment[]): Int16Array {
  const total = segments.reduce((n, s) => n + Math.round((s.ms * RATE) / 1000), 0);
  const pcm = new Int16Array(total);
  const ramp = RATE / 200;
  let at = 0;
  for (const seg of segments) {
    const n = Math.round((seg.ms * RATE) / 1000);
    const amplitude = seg.hz.length === 0 ? 0 : 0.35 / seg.hz.length;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (const hz of seg.hz) v += Math.sin((2 * Math.PI * hz * i) / RATE);
      const edge = Math.min(1, i / ramp, (n - 1 - i) / ramp);
      pcm[at + i] = Math.round(v * amplitude * edge * 32767);
    }
    at += n;
  }
  return pcm;
}

function wav(pcm: Int16Array): Buffer {
  const data = pcm.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, 44 + i * 2);
  return out;
}

const cache = new Map<string, Buffer>();

/** The WAV for a sound name, or undefined for an unknown name. */
export function soundWav(name: string): Buffer | undefined {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const segments = SOUNDS.get(name);
  if (segments === undefined) return undefined;
  const file = wav(render(segments));
  cache.set(name, file);
  return file;
}
