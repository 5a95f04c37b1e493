/**
 * The recording storage contract: one vitest suite every {@link RecordingStorage} must pass. An
 * implementation's test file calls {@link runRecordingStorageContract} with a factory for a fresh,
 * empty storage per test (a new temp root, a new S3 prefix).
 *
 * Not exported from the barrel: it imports vitest and is for tests only.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingStorageError, type ByteRange, type RecordingStorage } from './recording-storage.ts';

/** A fresh, empty storage, and how to throw it away; `dispose` must tolerate a closed storage. @internal */
export interface OpenedRecordingStorage {
  readonly storage: RecordingStorage;
  dispose(): Promise<void>;
}

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const WAV_KEY = `${ACCOUNT}/RE0123456789abcdef0123456789abcdef.wav`;
const MP3_KEY = `${ACCOUNT}/RE0123456789abcdef0123456789abcdef.mp3`;
const OTHER_KEY = `${ACCOUNT}/REfedcba9876543210fedcba9876543210.wav`;
const WAV = 'audio/x-wav';
const MP3 = 'audio/mpeg';

/** Keys every storage must refuse, each for another rule. @internal */
export const BAD_KEYS: readonly string[] = [
  '',
  '/etc/passwd',
  '../escape.wav',
  `${ACCOUNT}/../../escape.wav`,
  `${ACCOUNT}/..`,
  '..',
  './RE1.wav',
  `${ACCOUNT}/./RE1.wav`,
  `${ACCOUNT}/.RE1.wav.meta.json`,
  `${ACCOUNT}//RE1.wav`,
  `${ACCOUNT}/`,
  `${ACCOUNT}\\..\\escape.wav`,
  `${ACCOUNT}/RE 1.wav`,
  `${ACCOUNT}/RE%2e%2e.wav`,
  `${ACCOUNT}/RE1.wav?x=1`,
  `${ACCOUNT}/RE1.wav\n`,
  `${ACCOUNT}/RE\u00e9.wav`,
  'RE1.wav\0',
  'x'.repeat(513),
];

/** Bytes 0–255 over and over, then random ones: positions are easy to check, content is not trivial. */
function sampleBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 256;
  randomBytes(Math.floor(length / 2)).copy(bytes, Math.floor(length / 4));
  return bytes;
}

/** The whole stream as one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Registers the contract suite for one implementation.
 *
 * @param name - shown in the suite title, e.g. `'filesystem'`.
 * @param open - makes a fresh, empty storage per test.
 * @internal
 */
export function runRecordingStorageContract(name: string, open: () => Promise<OpenedRecordingStorage>): void {
  describe(`RecordingStorage contract: ${name}`, () => {
    let opened: OpenedRecordingStorage | undefined;
    let spool = '';
    let spooled = 0;

    beforeEach(async () => {
      opened = await open();
      spool = await mkdtemp(join(tmpdir(), 'denwa-spool-'));
    });

    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
      await rm(spool, { recursive: true, force: true });
    });

    const storage = (): RecordingStorage => {
      if (opened === undefined) throw new Error('the recording storage contract runs only inside its tests');
      return opened.storage;
    };

    /** A finished recording in the spool, as the recorder leaves it. */
    const spoolFile = async (content: Uint8Array | string): Promise<string> => {
      const path = join(spool, `spool-${++spooled}.wav`);
      await writeFile(path, content);
      return path;
    };

    const readBytes = async (key: string, range?: ByteRange): Promise<Buffer | null> => {
      const stream = await storage().read(key, range);
      return stream === null ? null : readAll(stream);
    };

    it('put takes the file: stat reports size and type, the spool file is gone', async () => {
      const content = sampleBytes(4096);
      const local = await spoolFile(content);
      await storage().put(WAV_KEY, local, WAV);
      expect(await exists(local)).toBe(false);
      expect(await storage().stat(WAV_KEY)).toEqual({ size: 4096, contentType: WAV });
    });

    it('read without a range streams the whole object, byte for byte', async () => {
      const content = sampleBytes(300_000);
      await storage().put(WAV_KEY, await spoolFile(content), WAV);
      expect((await readBytes(WAV_KEY))?.equals(content)).toBe(true);
    });

    it('read with a range streams exactly those bytes, an end past the object clamped', async () => {
      const content = sampleBytes(10_000);
      await storage().put(WAV_KEY, await spoolFile(content), WAV);
      const ranges: readonly (readonly [number, number])[] = [
        [0, 0],
        [0, 43], // a WAV header
        [10, 19],
        [9_999, 9_999],
        [9_990, 9_999],
        [9_990, 1_000_000],
        [0, 9_999],
        [0, 20_000],
      ];
      for (const [start, end] of ranges) {
        const got = await readBytes(WAV_KEY, { start, end });
        expect(got?.equals(content.subarray(start, Math.min(end, content.length - 1) + 1)), `bytes=${start}-${end}`).toBe(true);
      }
    });

    it('a range starting past the last byte rejects with InvalidRange', async () => {
      await storage().put(WAV_KEY, await spoolFile(sampleBytes(100)), WAV);
      for (const start of [100, 101, 5_000]) {
        await expect(storage().read(WAV_KEY, { start, end: start + 10 })).rejects.toMatchObject({ code: 'InvalidRange' });
      }
    });

    it('a malformed range rejects with InvalidArgument before any I/O', async () => {
      await storage().put(WAV_KEY, await spoolFile(sampleBytes(100)), WAV);
      for (const range of [{ start: -1, end: 5 }, { start: 6, end: 5 }, { start: 0.5, end: 5 }, { start: 0, end: Number.NaN }]) {
        await expect(storage().read(WAV_KEY, range)).rejects.toMatchObject({ code: 'InvalidArgument' });
      }
    });

    it('an absent key: stat and read give null, delete resolves', async () => {
      expect(await storage().stat(WAV_KEY)).toBeNull();
      expect(await storage().read(WAV_KEY)).toBeNull();
      expect(await storage().read(WAV_KEY, { start: 0, end: 10 })).toBeNull();
      await storage().delete(WAV_KEY);
    });

    it('delete removes the object and is idempotent', async () => {
      await storage().put(WAV_KEY, await spoolFile('RIFF'), WAV);
      await storage().delete(WAV_KEY);
      expect(await storage().stat(WAV_KEY)).toBeNull();
      expect(await storage().read(WAV_KEY)).toBeNull();
      await storage().delete(WAV_KEY);
    });

    it('put onto an existing key replaces content and type', async () => {
      await storage().put(WAV_KEY, await spoolFile(sampleBytes(5_000)), WAV);
      const second = Buffer.from('second version');
      await storage().put(WAV_KEY, await spoolFile(second), 'audio/wav');
      expect(await storage().stat(WAV_KEY)).toEqual({ size: second.length, contentType: 'audio/wav' });
      expect((await readBytes(WAV_KEY))?.equals(second)).toBe(true);
    });

    it('objects side by side (the WAV and the MP3 of one recording) are independent', async () => {
      await storage().put(WAV_KEY, await spoolFile('wav bytes'), WAV);
      await storage().put(MP3_KEY, await spoolFile('mp3 bytes!'), MP3);
      await storage().put(OTHER_KEY, await spoolFile('other'), WAV);
      expect(await storage().stat(MP3_KEY)).toEqual({ size: 10, contentType: MP3 });
      await storage().delete(WAV_KEY);
      expect(await storage().stat(WAV_KEY)).toBeNull();
      expect((await readBytes(MP3_KEY))?.toString()).toBe('mp3 bytes!');
      expect((await readBytes(OTHER_KEY))?.toString()).toBe('other');
      // The account "directory" is no object.
      expect(await storage().stat(ACCOUNT)).toBeNull();
      expect(await storage().read(ACCOUNT)).toBeNull();
      await storage().delete(ACCOUNT);
      expect(await storage().stat(OTHER_KEY)).not.toBeNull();
    });

    it('an empty file is an object of size 0', async () => {
      await storage().put(WAV_KEY, await spoolFile(''), WAV);
      expect(await storage().stat(WAV_KEY)).toEqual({ size: 0, contentType: WAV });
      expect((await readBytes(WAV_KEY))?.length).toBe(0);
      await expect(storage().read(WAV_KEY, { start: 0, end: 0 })).rejects.toMatchObject({ code: 'InvalidRange' });
    });

    it('a multi-megabyte recording round-trips', async () => {
      const content = sampleBytes(2.5 * 1024 * 1024 + 17);
      await storage().put(WAV_KEY, await spoolFile(content), WAV);
      expect(await storage().stat(WAV_KEY)).toEqual({ size: content.length, contentType: WAV });
      expect((await readBytes(WAV_KEY))?.equals(content)).toBe(true);
      const start = 1024 * 1024 - 3;
      expect((await readBytes(WAV_KEY, { start, end: start + 99 }))?.equals(content.subarray(start, start + 100))).toBe(true);
    });

    it('every method refuses a bad key with InvalidKey and touches nothing', async () => {
      const local = await spoolFile('RIFF');
      for (const key of BAD_KEYS) {
        const expected = { code: 'InvalidKey' };
        await expect(storage().put(key, local, WAV), JSON.stringify(key)).rejects.toMatchObject(expected);
        await expect(storage().stat(key), JSON.stringify(key)).rejects.toMatchObject(expected);
        await expect(storage().read(key), JSON.stringify(key)).rejects.toMatchObject(expected);
        await expect(storage().read(key, { start: 0, end: 1 }), JSON.stringify(key)).rejects.toMatchObject(expected);
        await expect(storage().delete(key), JSON.stringify(key)).rejects.toMatchObject(expected);
      }
      expect(await exists(local)).toBe(true);
    });

    it('put refuses a content type with control characters and keeps the spool file', async () => {
      const local = await spoolFile('RIFF');
      await expect(storage().put(WAV_KEY, local, 'audio/x-wav\r\nx-evil: 1')).rejects.toMatchObject({ code: 'InvalidArgument' });
      await expect(storage().put(WAV_KEY, local, '')).rejects.toMatchObject({ code: 'InvalidArgument' });
      expect(await exists(local)).toBe(true);
      expect(await storage().stat(WAV_KEY)).toBeNull();
    });

    it('put of a missing spool file rejects and stores nothing', async () => {
      const error = await storage().put(WAV_KEY, join(spool, 'never-written.wav'), WAV).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordingStorageError);
      expect(error).toMatchObject({ code: 'InvalidArgument' });
      expect(await storage().stat(WAV_KEY)).toBeNull();
    });

    it('close waits for a put in flight, which completes', async () => {
      const local = await spoolFile(sampleBytes(64 * 1024));
      const putting = storage().put(WAV_KEY, local, WAV);
      await storage().close();
      expect(await exists(local)).toBe(false);
      await putting;
    });

    it('after close every call rejects with Closed; close is idempotent', async () => {
      await storage().put(WAV_KEY, await spoolFile('RIFF'), WAV);
      await storage().close();
      await storage().close();
      const local = await spoolFile('RIFF');
      await expect(storage().put(OTHER_KEY, local, WAV)).rejects.toMatchObject({ code: 'Closed' });
      await expect(storage().stat(WAV_KEY)).rejects.toMatchObject({ code: 'Closed' });
      await expect(storage().read(WAV_KEY)).rejects.toMatchObject({ code: 'Closed' });
      await expect(storage().delete(WAV_KEY)).rejects.toMatchObject({ code: 'Closed' });
      expect(await exists(local)).toBe(true);
    });
  });
}
