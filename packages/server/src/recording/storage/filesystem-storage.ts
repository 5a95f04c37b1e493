/**
 * {@link RecordingStorage} in a local directory: the object `AC…/RE….wav` is the file
 * `<root>/AC…/RE….wav`. `put` renames the spool file into place, so a finished recording is never
 * copied when the spool and the root share a filesystem, and a reader never sees half a file.
 *
 * The content type is kept in a small sidecar, `.<name>.meta.json`, beside the file (keys cannot
 * have segments starting with `.`, so a sidecar never collides with a key); a file without one
 * (copied in by hand) gets a type from its extension.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  RecordingStorageError,
  assertByteRange,
  assertContentType,
  assertRecordingKey,
  closedError,
  rangeNotSatisfiable,
  type ByteRange,
  type RecordingStorage,
  type StoredObject,
} from './recording-storage.ts';

/** Options of {@link FilesystemStorage}. */
export interface FilesystemStorageOptions {
  /** The directory recordings go under; created on the first `put`. A relative path is resolved against the working directory. */
  readonly root: string;
}

/** Types of files that have no sidecar, by extension. */
const TYPES_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.wav', 'audio/x-wav'],
  ['.mp3', 'audio/mpeg'],
]);
const FALLBACK_TYPE = 'application/octet-stream';

/** The system error code of `error`, if it has one. */
function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Errors meaning "no such file": the file, or a directory on its way, is missing (or is a file). */
function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Wraps an unexpected I/O failure, keeping the system code (`EACCES`, `ENOSPC`, …) as the code. */
function ioError(operation: string, key: string, error: unknown): RecordingStorageError {
  if (error instanceof RecordingStorageError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new RecordingStorageError(`Recording storage ${operation} ${key} failed: ${detail}`, {
    code: errnoCode(error) ?? 'IOError',
    cause: error,
  });
}

/** A fresh dot-name beside `target`, for a file that is renamed onto `target` once complete. */
function tempBeside(target: string, suffix: string): string {
  return join(dirname(target), `.${basename(target)}.${randomUUID()}.${suffix}`);
}

/** The sidecar holding the content type of the object at `target`. */
function metaPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.meta.json`);
}

/**
 * Moves `from` onto `to`: a rename, or, across filesystems (`EXDEV`, e.g. a tmpfs spool and a disk
 * root), a copy to a temporary name beside `to` renamed into place, then the source unlinked.
 */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (error) {
    if (errnoCode(error) !== 'EXDEV') throw error;
  }
  const temp = tempBeside(to, 'part');
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await unlink(from);
}

/** Recordings as files under a root directory. */
export class FilesystemStorage implements RecordingStorage {
  readonly kind = 'filesystem';
  /** The absolute root directory. */
  readonly root: string;
  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: FilesystemStorageOptions) {
    if (options.root.trim() === '') {
      throw new RecordingStorageError('Filesystem recording storage needs a root directory', { code: 'InvalidArgument' });
    }
    this.root = resolve(options.root);
  }

  async put(key: string, localPath: string, contentType: string): Promise<void> {
    this.#assertOpen('put');
    assertRecordingKey(key);
    assertContentType(contentType);
    const task = this.#put(key, localPath, contentType);
    this.#inFlight.add(task);
    try {
      await task;
    } finally {
      this.#inFlight.delete(task);
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    this.#assertOpen('stat');
    assertRecordingKey(key);
    const path = this.#pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      return { size: info.size, contentType: await this.#contentType(path) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw ioError('stat', key, error);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    this.#assertOpen('read');
    assertRecordingKey(key);
    if (range !== undefined) assertByteRange(range);
    let handle: FileHandle;
    try {
      // Open first, then ask the handle: the stream reads the very file that was measured even if
      // a `put` or `delete` of the key runs meanwhile.
      handle = await open(this.#pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw ioError('read', key, error);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      if (range === undefined) return handle.createReadStream();
      if (range.start >= info.size) throw rangeNotSatisfiable(key, range, info.size);
      return handle.createReadStream({ start: range.start, end: Math.min(range.end, info.size - 1) });
    } catch (error) {
      await handle.close();
      throw ioError('read', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    this.#assertOpen('delete');
    assertRecordingKey(key);
    const path = this.#pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      // A directory at `path` (only a prefix of other keys) is not an object either.
      if (!isMissing(error) && !(await isDirectory(path))) throw ioError('delete', key, error);
    }
    try {
      await rm(metaPath(path), { force: true });
    } catch (error) {
      if (!isMissing(error)) throw ioError('delete', key, error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #put(key: string, localPath: string, contentType: string): Promise<void> {
    const target = this.#pathOf(key);
    const source = await stat(localPath).catch(() => null);
    if (source === null || !source.isFile()) {
      throw new RecordingStorageError(`Recording storage put ${key}: ${localPath} is not a readable regular file`, {
        code: 'InvalidArgument',
      });
    }
    try {
      await mkdir(dirname(target), { recursive: true });
      // The sidecar goes first: if the move then fails, at worst an older object at this key
      // reports the new type; the other order could leave a new file with the old type.
      await writeFileAtomically(metaPath(target), JSON.stringify({ contentType }));
      await moveFile(localPath, target);
    } catch (error) {
      throw ioError('put', key, error);
    }
  }

  async #contentType(path: string): Promise<string> {
    try {
      const meta: unknown = JSON.parse(await readFile(metaPath(path), 'utf8'));
      if (typeof meta === 'object' && meta !== null && 'contentType' in meta && typeof meta.contentType === 'string') {
        return meta.contentType;
      }
    } catch (error) {
      // A missing or unreadable sidecar falls back to the extension; anything else is real.
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    return TYPES_BY_EXTENSION.get(extname(path).toLowerCase()) ?? FALLBACK_TYPE;
  }

  /** The file of a validated key; the check under the root is a second guard after the key rules. */
  #pathOf(key: string): string {
    const path = join(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) {
      throw new RecordingStorageError(`Invalid recording key ${JSON.stringify(key)}: it leaves the root`, { code: 'InvalidKey' });
    }
    return path;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw closedError(operation);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Writes `content` to a temporary name beside `path` and renames it onto `path`. */
async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temp = tempBeside(path, 'tmp');
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
