/**
 * File helpers for the data dir: reads that tell "missing" from "unreadable", and writes that never
 * leave a half-written file behind.
 *
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { ConfigError } from './config-error.ts';

/** Owner read/write only: keys and credentials. */
export const SECRET_FILE_MODE = 0o600;
/** Readable by all: certificates. */
export const PUBLIC_FILE_MODE = 0o644;
/** Owner only: the data dir and its folders. */
export const PRIVATE_DIR_MODE = 0o700;

/** The `code` of a Node system error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** The contents of `path`, or null if it does not exist. Other failures are a {@link ConfigError}. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw new ConfigError(`cannot read ${path} (${errorCode(err) ?? 'error'}); check its owner and permissions`, {
      cause: err,
    });
  }
}

async function writeTemp(path: string, data: string, mode: number): Promise<string> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw writeError(path, err);
  }
}

function writeError(path: string, err: unknown): ConfigError {
  return new ConfigError(`cannot write ${path} (${errorCode(err) ?? 'error'}); check the permissions of the data dir`, {
    cause: err,
  });
}

/** Writes `path` whole or not at all (a temp file renamed over it). */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = await writeTemp(path, data, mode);
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw writeError(path, err);
  }
}

/**
 * Creates `path` whole, unless it already exists (another process got there first): true when this
 * call created it.
 */
export async function createFileExclusive(path: string, data: string, mode: number): Promise<boolean> {
  const temp = await writeTemp(path, data, mode);
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw writeError(path, err);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Creates the folder `path` (and its parents) owner-only, if it is missing; an existing folder keeps
 * its mode. True when it was created.
 */
export async function makePrivateDir(path: string): Promise<boolean> {
  try {
    const first = await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (first === undefined) return false;
    await chmod(path, PRIVATE_DIR_MODE);
    return true;
  } catch (err) {
    throw new ConfigError(`cannot create ${path} (${errorCode(err) ?? 'error'}); check the permissions of its parent`, {
      cause: err,
    });
  }
}
