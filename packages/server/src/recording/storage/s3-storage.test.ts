import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@denwa/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exists, readAll, runRecordingStorageContract } from './recording-storage.contract.ts';
import { RecordingStorageError } from './recording-storage.ts';
import { S3Storage, type S3StorageOptions } from './s3-storage.ts';
import {
  S3RVER_CREDENTIALS,
  createBucket,
  deadEndpoint,
  startMisbehavingServer,
  startS3rver,
  startVerifyingFront,
  verifySigV4,
  type RunningServer,
  type VerifyingFront,
} from './s3-test-servers.test-helper.ts';

const BUCKET = 'denwa-recordings';
const KEY = 'AC0123456789abcdef0123456789abcdef/RE0123456789abcdef0123456789abcdef.wav';
const MiB = 1024 * 1024;

/** Everything an error could show: message, stack, own properties and causes, as inspect prints them. */
function everythingShown(error: unknown): string {
  return [String(error), (error as Error).stack ?? '', inspect(error, { depth: 10, showHidden: true })].join('\n');
}

describe('S3Storage against s3rver', () => {
  const dir = makeTempDir('denwa-s3rver-');
  let s3rver: RunningServer;
  let front: VerifyingFront;

  beforeAll(async () => {
    s3rver = await startS3rver(join(dir.path, 'data'));
    front = await startVerifyingFront(s3rver.endpoint, S3RVER_CREDENTIALS);
    await createBucket(front.endpoint, BUCKET, S3RVER_CREDENTIALS);
  });

  afterAll(async () => {
    await front.close();
    await s3rver.close();
    dir.remove();
  });

  /** A storage on the front, in a prefix of its own. */
  const storageOn = (endpoint: string, options: Partial<S3StorageOptions> = {}): S3Storage =>
    new S3Storage({
      endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      ...S3RVER_CREDENTIALS,
      prefix: `test-${randomUUID()}`,
      ...options,
    });

  runRecordingStorageContract('s3 (s3rver behind a SigV4-verifying front)', () => {
    const storage = storageOn(front.endpoint);
    return Promise.resolve({ storage, dispose: () => storage.close() });
  });

  describe('wire and failures', () => {
    let spool: { path: string; remove(): void };
    let storage: S3Storage;

    beforeEach(() => {
      spool = makeTempDir('denwa-spool-');
      storage = storageOn(front.endpoint);
      front.requests.length = 0;
    });

    afterEach(async () => {
      await storage.close();
      spool.remove();
    });

    const spoolFile = async (content: Uint8Array | string): Promise<string> => {
      const path = join(spool.path, `${randomUUID()}.wav`);
      await writeFile(path, content);
      return path;
    };

    it('every request of the contract-style round trip verified, range signed, payload hashed when small', async () => {
      await storage.put(KEY, await spoolFile('small'), 'audio/x-wav');
      await storage.put(KEY, await spoolFile(randomBytes(2 * MiB)), 'audio/x-wav');
      await readAll((await storage.read(KEY, { start: 5, end: 10 }))!);
      await storage.stat(KEY);
      await storage.delete(KEY);
      expect(front.requests.map((r) => r.rejected)).toEqual([null, null, null, null, null]);
      const [small, large, get] = front.requests;
      expect(small?.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(large?.contentSha256).toBe('UNSIGNED-PAYLOAD');
      expect(get?.signedHeaders).toEqual(['host', 'range', 'x-amz-content-sha256', 'x-amz-date']);
    });

    it('a large file goes up as a multipart upload and reads back across part boundaries', async () => {
      storage = storageOn(front.endpoint, { multipartThreshold: 6 * MiB, partSize: 5 * MiB });
      const content = randomBytes(11 * MiB + 123);
      const local = await spoolFile(content);
      await storage.put(KEY, local, 'audio/x-wav');
      expect(await exists(local)).toBe(false);
      const uploads = front.requests.map((r) => `${r.method} ${r.target.replace(/uploadId=[^&]+/, 'uploadId=ID').replace(/^[^?]*/, '')}`);
      expect(uploads).toEqual([
        'POST ?uploads=',
        'PUT ?partNumber=1&uploadId=ID',
        'PUT ?partNumber=2&uploadId=ID',
        'PUT ?partNumber=3&uploadId=ID',
        'POST ?uploadId=ID',
      ]);
      expect(front.requests.every((r) => r.rejected === null)).toBe(true);
      expect(await storage.stat(KEY)).toMatchObject({ size: content.length });
      expect((await readAll((await storage.read(KEY))!)).equals(content)).toBe(true);
      const start = 5 * MiB - 10;
      const slice = await readAll((await storage.read(KEY, { start, end: start + 19 }))!);
      expect(slice.equals(content.subarray(start, start + 20))).toBe(true);
    });

    it('a wrong secret fails with the S3 code and status, once, and shows no secret', async () => {
      const secret = `wrong-${randomUUID()}`;
      const wrong = storageOn(front.endpoint, { secretAccessKey: secret });
      const local = await spoolFile('RIFF');
      const error = await wrong.put(KEY, local, 'audio/x-wav').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordingStorageError);
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403, attempts: 1 });
      expect((error as Error).message).toMatch(/PutObject s3:\/\/denwa-recordings\/test-.*\.wav failed: HTTP 403 SignatureDoesNotMatch/);
      const shown = everythingShown(error);
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain('AWS4-HMAC-SHA256');
      expect(shown).not.toMatch(/Signature=/);
      expect(await exists(local)).toBe(true);
      expect(front.requests).toHaveLength(1);

      await expect(wrong.read(KEY)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      await expect(wrong.stat(KEY)).rejects.toMatchObject({ code: 'Forbidden', status: 403 }); // HEAD: no body
      await expect(wrong.delete(KEY)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
      await wrong.close();
    });

    it('an unknown access key fails with s3rver\'s own InvalidAccessKeyId', async () => {
      const unknown = storageOn(s3rver.endpoint, { accessKeyId: 'NOBODY' });
      await expect(unknown.put(KEY, await spoolFile('RIFF'), 'audio/x-wav')).rejects.toMatchObject({
        code: 'InvalidAccessKeyId',
        status: 403,
      });
      await unknown.close();
    });

    it('a missing bucket is an error, not an absent recording', async () => {
      const missing = storageOn(front.endpoint, { bucket: 'no-such-bucket' });
      await expect(missing.put(KEY, await spoolFile('RIFF'), 'audio/x-wav')).rejects.toMatchObject({ code: 'NoSuchBucket', status: 404 });
      await expect(missing.read(KEY)).rejects.toMatchObject({ code: 'NoSuchBucket' });
      await expect(missing.delete(KEY)).rejects.toMatchObject({ code: 'NoSuchBucket' });
      await missing.close();
    });

    it('a server that is down fails with NetworkError after the bounded retries', async () => {
      const down = storageOn(await deadEndpoint(), { maxAttempts: 3, retryBaseDelayMs: 5 });
      const local = await spoolFile('RIFF');
      const started = Date.now();
      const error = await down.put(KEY, local, 'audio/x-wav').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NetworkError', attempts: 3 });
      expect((error as Error).message).toMatch(/after 3 attempts: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await exists(local)).toBe(true);
      await expect(down.stat(KEY)).rejects.toMatchObject({ code: 'NetworkError', attempts: 3 });
      await down.close();
    });

    it('5xx answers are retried up to maxAttempts; creating a multipart upload is not retried', async () => {
      const server = await startMisbehavingServer('service-unavailable');
      try {
        const busy = storageOn(server.endpoint, { maxAttempts: 3, retryBaseDelayMs: 5, multipartThreshold: 5 * MiB, partSize: 5 * MiB });
        const error = await busy.put(KEY, await spoolFile('RIFF'), 'audio/x-wav').catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'SlowDown', status: 503, attempts: 3 });
        expect(server.hits()).toBe(3);
        await expect(busy.stat(KEY)).rejects.toMatchObject({ code: 'ServiceUnavailable', status: 503 });
        expect(server.hits()).toBe(6);
        await expect(busy.put(KEY, await spoolFile(Buffer.alloc(5 * MiB + 1)), 'audio/x-wav')).rejects.toMatchObject({ code: 'SlowDown', attempts: 1 });
        expect(server.hits()).toBe(7);
        await busy.close();
      } finally {
        await server.close();
      }
    });

    it('a server that never answers times out on every attempt', async () => {
      const server = await startMisbehavingServer('hang');
      try {
        const slow = storageOn(server.endpoint, { maxAttempts: 2, retryBaseDelayMs: 5, requestTimeoutMs: 150 });
        const error = await slow.read(KEY).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'Timeout', attempts: 2 });
        expect((error as Error).message).toContain('no answer within 150 ms');
        expect(server.hits()).toBe(2);
        await slow.close();
      } finally {
        await server.close();
      }
    });

    it('a connection cut before the answer is retried as a network error', async () => {
      const server = await startMisbehavingServer('reset');
      try {
        const flaky = storageOn(server.endpoint, { maxAttempts: 3, retryBaseDelayMs: 5 });
        await expect(flaky.delete(KEY)).rejects.toMatchObject({ code: 'NetworkError', attempts: 3 });
        expect(server.hits()).toBe(3);
        await flaky.close();
      } finally {
        await server.close();
      }
    });

    it('refuses bad configuration without echoing it', () => {
      const base = { region: 'us-east-1', bucket: BUCKET, ...S3RVER_CREDENTIALS };
      expect(() => new S3Storage({ ...base, bucket: 'Bad_Bucket' })).toThrow(/invalid bucket name/);
      expect(() => new S3Storage({ ...base, endpoint: 'http://127.0.0.1:9000/base' })).toThrow(/without a path/);
      expect(() => new S3Storage({ ...base, endpoint: 'ftp://127.0.0.1' })).toThrow(/http\(s\)/);
      expect(() => new S3Storage({ ...base, partSize: MiB })).toThrow(/partSize/);
      expect(() => new S3Storage({ ...base, prefix: '../up' })).toThrow(/invalid prefix/);
      expect(() => new S3Storage({ ...base, maxAttempts: 0 })).toThrow(/maxAttempts/);
      let error: unknown;
      try {
        new S3Storage({ ...base, endpoint: 'http://AKIA:topsecret@127.0.0.1:9000' });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'InvalidArgument' });
      expect(everythingShown(error)).not.toContain('topsecret');
      expect(inspect(storageOn(front.endpoint, { secretAccessKey: 'topsecret' }), { depth: 10, showHidden: true })).not.toContain('topsecret');
    });
  });
});

/**
 * The same contract against a real S3-compatible service, when one is configured:
 * `DENWA_TEST_S3_URL=http://ACCESS_KEY:SECRET@127.0.0.1:9000/bucket?region=us-east-1` (the bucket
 * must exist; each test writes under a fresh prefix). Add `&pathStyle=false` for
 * virtual-hosted-style addressing. The service must verify SigV4 signatures (MinIO, Garage, AWS
 * do; a bare s3rver does not, so the wrong-secret case fails against it).
 */
const externalUrl = process.env['DENWA_TEST_S3_URL'];

describe.runIf(externalUrl !== undefined && externalUrl !== '')('S3Storage against DENWA_TEST_S3_URL', () => {
  const url = new URL(externalUrl ?? 'http://unset');
  const options = (): S3StorageOptions => ({
    endpoint: url.origin,
    region: url.searchParams.get('region') ?? 'us-east-1',
    bucket: url.pathname.replace(/^\/|\/$/g, ''),
    accessKeyId: decodeURIComponent(url.username),
    secretAccessKey: decodeURIComponent(url.password),
    pathStyle: url.searchParams.get('pathStyle') !== 'false',
    prefix: `denwa-test-${randomUUID()}`,
  });

  runRecordingStorageContract('s3 (DENWA_TEST_S3_URL)', () => {
    const storage = new S3Storage(options());
    return Promise.resolve({ storage, dispose: () => storage.close() });
  });

  it('a wrong secret fails with the service\'s code and shows no secret', async () => {
    const spool = makeTempDir('denwa-spool-');
    try {
      const secret = `wrong-${randomUUID()}`;
      const storage = new S3Storage({ ...options(), secretAccessKey: secret });
      const local = join(spool.path, 'spool.wav');
      await writeFile(local, 'RIFF');
      const error = await storage.put(KEY, local, 'audio/x-wav').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      expect(everythingShown(error)).not.toContain(secret);
      expect(await exists(local)).toBe(true);
    } finally {
      spool.remove();
    }
  });
});

describe('S3Storage addressing (fetch stubbed, no network)', () => {
  const secret = 'addressing-secret';
  const seen: { url: string; verdict: string | null }[] = [];

  beforeEach(() => {
    seen.length = 0;
    vi.stubGlobal('fetch', (input: URL, init: RequestInit) => {
      const url = new URL(input);
      const headers = { ...(init.headers as Record<string, string>), host: url.host };
      const verdict = verifySigV4({ method: init.method ?? 'GET', target: url.pathname + url.search, headers }, new Uint8Array(), { accessKeyId: 'AK', secretAccessKey: secret }, 'eu-west-1');
      seen.push({ url: url.href, verdict });
      return Promise.resolve(new Response(null, { status: 200, headers: { 'content-length': '3', 'content-type': 'audio/x-wav' } }));
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const statWith = async (options: Partial<S3StorageOptions>): Promise<void> => {
    const storage = new S3Storage({ region: 'eu-west-1', bucket: BUCKET, accessKeyId: 'AK', secretAccessKey: secret, prefix: 'pre', ...options });
    expect(await storage.stat(KEY)).toEqual({ size: 3, contentType: 'audio/x-wav' });
    await storage.close();
  };

  it('AWS without an endpoint: virtual-hosted style on the regional endpoint', async () => {
    await statWith({});
    expect(seen).toEqual([{ url: `https://${BUCKET}.s3.eu-west-1.amazonaws.com/pre/${KEY}`, verdict: null }]);
  });

  it('an endpoint: path style by default, virtual-hosted on request, each signed for its Host', async () => {
    await statWith({ endpoint: 'http://minio.test:9000' });
    await statWith({ endpoint: 'https://minio.test', pathStyle: false });
    expect(seen).toEqual([
      { url: `http://minio.test:9000/${BUCKET}/pre/${KEY}`, verdict: null },
      { url: `https://${BUCKET}.minio.test/pre/${KEY}`, verdict: null },
    ]);
  });
});
