import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh temp directory; `remove()` deletes it. */
export function makeTempDir(prefix = 'denwa-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => { rmSync(path, { recursive: true, force: true }); } };
}
