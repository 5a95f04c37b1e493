import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemStorage } from './filesystem-storage.ts';
import { runRecordingStorageContract } from './recording-storage.contract.ts';

runRecordingStorageContract('filesystem', () => {
  const dir = makeTempDir('denwa-recordings-');
  const storage = new FilesystemStorage({ root: join(dir.path, 'recordings') });
  return Promise.resolve({
    storage,
    dispose: async () => {
      await storage.close();
      dir.remove();
    },
  });
});

const KEY = 'AC0123456789abcdef0123456789abcdef/RE0123456789abcdef0123456789abcdef.wav';

/** Every file under `root`, relative, sorted. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe('FilesystemStorage', () => {
  let dir: { path: string; remove(): void };
  let root: string;
  let storage: FilesystemStorage;

  beforeEach(() => {
    dir = makeTempDir('denwa-recordings-');
    root = join(dir.path, 'root');
    storage = new FilesystemStorage({ root });
  });

  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  it('puts the file at root/key by renaming it, with the type in a dot-sidecar', async () => {
    const local = join(dir.path, 'spool.wav');
    await writeFile(local, 'RIFF....WAVE');
    const inode = (await stat(local)).ino;
    await storage.put(KEY, local, 'audio/x-wav');
    const target = join(root, ...KEY.split('/'));
    expect((await stat(target)).ino).toBe(inode);
    expect(await readFile(target, 'utf8')).toBe('RIFF....WAVE');
    expect(await listFiles(root)).toEqual([
      join('AC0123456789abcdef0123456789abcdef', '.RE0123456789abcdef0123456789abcdef.wav.meta.json'),
      join('AC0123456789abcdef0123456789abcdef', 'RE0123456789abcdef0123456789abcdef.wav'),
    ]);
    await storage.delete(KEY);
    expect(await listFiles(root)).toEqual([]);
  });

  it('falls back to the extension for a file without a sidecar', async () => {
    await mkdir(join(root, 'AC1'), { recursive: true });
    await writeFile(join(root, 'AC1', 'RE1.mp3'), 'ID3');
    await writeFile(join(root, 'AC1', 'RE1.bin'), 'x');
    expect(await storage.stat('AC1/RE1.mp3')).toEqual({ size: 3, contentType: 'audio/mpeg' });
    expect(await storage.stat('AC1/RE1.bin')).toEqual({ size: 1, contentType: 'application/octet-stream' });
  });

  it('moves across filesystems (EXDEV) by copy and unlink, leaving no temporary file', async (context) => {
    // /dev/shm is a tmpfs on Linux: a different device from the temp directory's disk.
    const shm = await stat('/dev/shm').catch(() => null);
    if (shm === null || shm.dev === (await stat(dir.path)).dev) {
      context.skip();
      return;
    }
    const spool = await mkdtemp(join('/dev/shm', 'denwa-spool-'));
    try {
      const local = join(spool, 'spool.wav');
      const content = Buffer.alloc(256 * 1024, 0x5a);
      await writeFile(local, content);
      await storage.put(KEY, local, 'audio/x-wav');
      await expect(stat(local)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await readFile(join(root, ...KEY.split('/')))).equals(content)).toBe(true);
      expect((await listFiles(root)).filter((name) => name.endsWith('.part'))).toEqual([]);
    } finally {
      await rm(spool, { recursive: true, force: true });
    }
  });

  it('creates nothing outside the root for traversal keys', async () => {
    const local = join(dir.path, 'spool.wav');
    await writeFile(local, 'RIFF');
    for (const key of ['../escape.wav', 'AC1/../../escape.wav', '/tmp/escape.wav']) {
      await expect(storage.put(key, local, 'audio/x-wav')).rejects.toMatchObject({ code: 'InvalidKey' });
    }
    expect(await readdir(dir.path)).toEqual(['spool.wav']);
  });

  it('keeps the spool file when the move fails (a directory sits at the key)', async () => {
    await mkdir(join(root, ...KEY.split('/')), { recursive: true });
    const local = join(dir.path, 'spool.wav');
    await writeFile(local, 'RIFF');
    await expect(storage.put(KEY, local, 'audio/x-wav')).rejects.toMatchObject({ name: 'RecordingStorageError' });
    expect(await readFile(local, 'utf8')).toBe('RIFF');
    expect(await storage.stat(KEY)).toBeNull();
  });

  it('resolves a relative root against the working directory', () => {
    const relativeStorage = new FilesystemStorage({ root: 'some/recordings' });
    expect(relativeStorage.root).toBe(join(process.cwd(), 'some/recordings'));
    expect(() => new FilesystemStorage({ root: ' ' })).toThrow(/root directory/);
  });

  it('a stream opened before a delete still delivers the old bytes', async () => {
    const local = join(dir.path, 'spool.wav');
    await writeFile(local, 'old recording');
    await storage.put(KEY, local, 'audio/x-wav');
    const stream = await storage.read(KEY);
    await storage.delete(KEY);
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('old recording');
  });
});
