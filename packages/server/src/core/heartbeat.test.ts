import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastHeartbeat, startHeartbeat } from './heartbeat.ts';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => { dir = makeTempDir('denwa-beat-'); });
afterEach(() => { dir.remove(); });

describe('heartbeat', () => {
  it('writes the time at once and reads it back; no file or garbage reads as null', async () => {
    const path = join(dir.path, 'heartbeat');
    expect(await lastHeartbeat(path)).toBeNull();
    const clock = new ManualClock(1_800_000_000_123);
    const stop = startHeartbeat(path, clock);
    for (let i = 0; i < 100 && (await lastHeartbeat(path)) === null; i++) await new Promise((r) => setTimeout(r, 5));
    stop();
    expect(await lastHeartbeat(path)).toBe(1_800_000_000_123);
    expect(readFileSync(path, 'utf8')).toBe('1800000000123\n');
    for (const garbage of ['', 'x', '-5', '1e400', '12.5']) {
      writeFileSync(path, garbage);
      expect(await lastHeartbeat(path), garbage).toBeNull();
    }
  });
});
