import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolWriter } from './spool-writer.ts';
import { parseWavHeader, repairWavHeader } from './wav.ts';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => { dir = makeTempDir('denwa-spool-'); });
afterEach(() => { dir.remove(); });

describe('SpoolWriter', () => {
  it('writes the header, then every appended chunk in order after it, and fixes the lengths at the end', async () => {
    const path = join(dir.path, 'a.wav');
    const w = await SpoolWriter.create(path, 8000, 2);
    const chunks = [Int16Array.from([1, -1, 2, -2]), Int16Array.from([3, -3]), Int16Array.from([]), Int16Array.from([4, -4, 5, -5, 6, -6])];
    for (const c of chunks) w.append(c);
    expect(w.dataBytes).toBe(24);
    const reused = Int16Array.from([7, -7]);
    w.append(reused);
    reused.fill(0); // the writer copied it
    expect(await w.finish()).toBe(28);
    expect(await w.finish()).toBe(28);
    const bytes = readFileSync(path);
    const header = parseWavHeader(bytes);
    expect(header.ok && header.value).toMatchObject({ sampleRate: 8000, channels: 2, dataOffset: 44, dataBytes: 28 });
    expect(bytes.length).toBe(44 + 28);
    expect([...new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + 72))]).toEqual([1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7]);
    w.append(Int16Array.from([9, 9]));
    expect(readFileSync(path).length).toBe(72);
  });

  it('leaves a file the crash repair can fix at any point before finish', async () => {
    const path = join(dir.path, 'b.wav');
    const w = await SpoolWriter.create(path, 16000, 1);
    w.append(new Int16Array(1600).fill(100));
    await new Promise((r) => setTimeout(r, 20));
    const bytes = readFileSync(path); // as a crash would leave it: header still says 0
    expect(parseWavHeader(bytes).ok && parseWavHeader(bytes)).toMatchObject({ value: { dataBytes: 0 } });
    const repaired = repairWavHeader(bytes.subarray(0, 44), bytes.length);
    expect(repaired.ok && repaired.value).toMatchObject({ dataBytes: 3200, durationMs: 100 });
    await w.finish();
  });

  it('refuses to create a file where it cannot', async () => {
    await expect(SpoolWriter.create(join(dir.path, 'missing', 'c.wav'), 8000, 1)).rejects.toThrow(/ENOENT/);
  });
});
