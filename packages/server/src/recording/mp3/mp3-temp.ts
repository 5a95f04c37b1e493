/**
 * Names of the temp files an encode writes beside its MP3 before renaming it into place, and their
 * removal after a worker died (or was terminated by `close()`) mid-encode, when the encode's own
 * cleanup never ran. Kept apart from mp3-encode.ts so that the pool, on the main thread, does not
 * load the encoder.
 */
import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_SUFFIX = '.tmp';

/** A fresh temp path for `mp3Path`: `<mp3Path>.<pid>-<random>.tmp`, in the same folder for an atomic rename. */
export function mp3TempPath(mp3Path: string): string {
  return `${mp3Path}.${String(process.pid)}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}

/**
 * Removes every temp file of `mp3Path` (all of `<mp3Path>.*.tmp`); never rejects. Only for when no
 * encode to that path is running any more.
 */
export async function removeMp3TempFiles(mp3Path: string): Promise<void> {
  const dir = dirname(mp3Path);
  const prefix = `${basename(mp3Path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX));
  await Promise.all(stale.map((name) => unlink(join(dir, name)).catch(() => undefined)));
}
