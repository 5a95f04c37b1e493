/**
 * {@link RecordingStorage} in a bucket of any S3-compatible service (AWS S3, MinIO, Cloudflare R2,
 * Garage, s3rver, …), over `fetch` and the signer in `s3-sigv4.ts`, with no SDK.
 *
 * Uploads: a file up to `signedPayloadLimit` (1 MiB) is read into memory and sent with its SHA-256
 * signed; a larger one is streamed from disk as `UNSIGNED-PAYLOAD` with a `Content-Length`; one
 * larger than `multipartThreshold` (64 MiB) goes up as a multipart upload, part by part
 * (sequentially, each part retried on its own), so a recording of any length up to S3's own
 * limit (10 000 parts, 5 TiB) fits.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
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
import { S3Client, xmlField, type S3Body, type S3ClientOptions } from './s3-client.ts';
import { UNSIGNED_PAYLOAD, sha256Hex } from './s3-sigv4.ts';

/** Options of {@link S3Storage}. */
export interface S3StorageOptions extends S3ClientOptions {
  /** Put before every key, with a `/`: `recordings` stores `AC…/RE….wav` as `recordings/AC…/RE….wav`. */
  readonly prefix?: string;
  /** Larger files go up as a multipart upload. Default 64 MiB. */
  readonly multipartThreshold?: number;
  /** Part size of multipart uploads: at least 5 MiB (S3's minimum), grown to keep to 10 000 parts. Default 16 MiB. */
  readonly partSize?: number;
  /** Files up to this size are sent with a signed SHA-256; larger ones stream unsigned. Default 1 MiB. */
  readonly signedPayloadLimit?: number;
  /** Upload rate assumed for an upload's deadline: `requestTimeoutMs` plus the bytes at this rate. Default 256 KiB/s. */
  readonly minUploadBytesPerSecond?: number;
}

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;
const FALLBACK_TYPE = 'application/octet-stream';
const XML_TYPE = 'application/xml';

/** Consumes a small success body so the connection can be reused. */
async function discard(response: Response): Promise<void> {
  await response.arrayBuffer();
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A 404 about the object, not about the bucket (a missing bucket is a misconfiguration, never "absent"). */
function isObjectMissing(error: unknown): boolean {
  return error instanceof RecordingStorageError && error.status === 404 && error.code !== 'NoSuchBucket';
}

/** A byte count option: an integer of at least `min`. */
function sizeOption(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RecordingStorageError(`S3 recording storage: ${name} must be an integer >= ${min}`, { code: 'InvalidArgument' });
  }
  return value;
}

/** What a GET answer holds: its first and last byte and the object's size. */
interface ServedRange {
  readonly start: number;
  readonly end: number;
  readonly size: number;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** From `Content-Range` for a 206, from `Content-Length` for a 200 (the whole object); null if unknown. */
function servedRange(response: Response): ServedRange | null {
  if (response.status === 200) {
    const length = Number(response.headers.get('content-length') ?? 'NaN');
    return Number.isSafeInteger(length) ? { start: 0, end: length - 1, size: length } : null;
  }
  const match = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
  if (match === null) return null;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** The first `length` bytes of `source`, which is destroyed once they are through. */
function take(source: Readable, length: number): Readable {
  async function* head(): AsyncGenerator<Uint8Array> {
    let left = length;
    for await (const chunk of source) {
      const part = (chunk as Uint8Array).subarray(0, left);
      left -= part.byteLength;
      yield part;
      if (left <= 0) break;
    }
  }
  return Readable.from(head(), { objectMode: false });
}

/** Recordings as objects in an S3 bucket. */
export class S3Storage implements RecordingStorage {
  readonly kind = 's3';
  readonly #client: S3Client;
  readonly #prefix: string;
  readonly #multipartThreshold: number;
  readonly #partSize: number;
  readonly #signedPayloadLimit: number;
  readonly #bytesPerSecond: number;
  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: S3StorageOptions) {
    this.#client = new S3Client(options);
    const prefix = (options.prefix ?? '').replace(/\/+$/, '');
    if (prefix !== '') {
      try {
        assertRecordingKey(prefix);
      } catch {
        throw new RecordingStorageError(`S3 recording storage: invalid prefix ${JSON.stringify(prefix)}`, { code: 'InvalidArgument' });
      }
    }
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.#multipartThreshold = sizeOption(options.multipartThreshold ?? 64 * MiB, 'multipartThreshold', 0);
    this.#partSize = sizeOption(options.partSize ?? 16 * MiB, 'partSize', MIN_PART_SIZE);
    this.#signedPayloadLimit = sizeOption(options.signedPayloadLimit ?? MiB, 'signedPayloadLimit', 0);
    this.#bytesPerSecond = sizeOption(options.minUploadBytesPerSecond ?? 256 * 1024, 'minUploadBytesPerSecond', 1);
  }

  async put(key: string, localPath: string, contentType: string): Promise<void> {
    this.#assertOpen('put');
    assertRecordingKey(key);
    assertContentType(contentType);
    const task = this.#put(this.#prefix + key, localPath, contentType);
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
    try {
      return await this.#client.send({
        operation: 'HeadObject',
        method: 'HEAD',
        key: this.#prefix + key,
        idempotent: true,
        onResponse: (response) => {
          const size = Number(response.headers.get('content-length') ?? 'NaN');
          if (!Number.isSafeInteger(size) || size < 0) {
            throw new RecordingStorageError(`S3 HeadObject ${this.#client.label(this.#prefix + key)}: no Content-Length in the answer`, {
              code: 'MalformedResponse',
              status: response.status,
            });
          }
          return Promise.resolve({ size, contentType: response.headers.get('content-type') ?? FALLBACK_TYPE });
        },
      });
    } catch (error) {
      if (isObjectMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    this.#assertOpen('read');
    assertRecordingKey(key);
    if (range !== undefined) assertByteRange(range);
    const name = this.#prefix + key;
    try {
      return await this.#client.send({
        operation: 'GetObject',
        method: 'GET',
        key: name,
        signedHeaders: range === undefined ? {} : { range: `bytes=${range.start}-${range.end}` },
        // A transparently decompressed body would not match the byte range asked for.
        headers: { 'accept-encoding': 'identity' },
        idempotent: true,
        onResponse: (response) => {
          // The attempt's deadline covers the headers only; an idle body is cut by undici's
          // body timeout (300 s), and a slow reader may take as long as it needs.
          const body = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body);
          if (range === undefined) return Promise.resolve(body);
          // Checked against what the answer says it holds, not trusted: s3rver, for one, answers
          // `bytes=0-0` with the whole object, and `bytes=0-0` of an empty one with a 206 that
          // promises a byte it never sends.
          const served = servedRange(response);
          if (served !== null && range.start >= served.size) {
            body.destroy();
            throw rangeNotSatisfiable(key, range, served.size);
          }
          const wantedEnd = served === null ? -1 : Math.min(range.end, served.size - 1);
          if (served === null || served.start !== range.start || served.end < wantedEnd) {
            body.destroy();
            const got = served === null ? 'no usable Content-Range' : `got ${served.start}-${served.end}/${served.size}`;
            throw new RecordingStorageError(
              `S3 GetObject ${this.#client.label(name)}: the server did not honor bytes=${range.start}-${range.end} (${got})`,
              { code: 'RangeNotHonored', status: response.status },
            );
          }
          // More than asked (a server ignoring `Range`), from the right byte on: keep the range.
          return Promise.resolve(served.end > wantedEnd ? take(body, wantedEnd - range.start + 1) : body);
        },
      });
    } catch (error) {
      if (isObjectMissing(error)) return null;
      if (error instanceof RecordingStorageError && error.status === 416 && range !== undefined) {
        throw rangeNotSatisfiable(key, range, undefined);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    this.#assertOpen('delete');
    assertRecordingKey(key);
    try {
      await this.#client.send({ operation: 'DeleteObject', method: 'DELETE', key: this.#prefix + key, idempotent: true, onResponse: discard });
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible servers answer 404 NoSuchKey.
      if (!isObjectMissing(error)) throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #put(name: string, localPath: string, contentType: string): Promise<void> {
    let size: number;
    try {
      const source = await stat(localPath);
      if (!source.isFile()) throw new Error('not a regular file');
      size = source.size;
    } catch (error) {
      throw new RecordingStorageError(`S3 PutObject ${this.#client.label(name)}: cannot read ${localPath}: ${(error as Error).message}`, {
        code: 'InvalidArgument',
        cause: error,
      });
    }
    if (size > this.#multipartThreshold) await this.#putMultipart(name, localPath, size, contentType);
    else await this.#putSingle(name, localPath, size, contentType);
    try {
      await unlink(localPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async #putSingle(name: string, localPath: string, size: number, contentType: string): Promise<void> {
    let body: () => S3Body;
    if (size <= this.#signedPayloadLimit) {
      const data = await readFile(localPath);
      const payloadHash = sha256Hex(data);
      body = () => ({ data, length: data.byteLength, payloadHash });
    } else {
      body = () => ({ data: createReadStream(localPath, { start: 0, end: size - 1 }), length: size, payloadHash: UNSIGNED_PAYLOAD });
    }
    await this.#client.send({
      operation: 'PutObject',
      method: 'PUT',
      key: name,
      headers: { 'content-type': contentType },
      body,
      idempotent: true,
      timeoutMs: this.#uploadTimeout(size),
      onResponse: discard,
    });
  }

  /** CreateMultipartUpload, UploadPart × n, CompleteMultipartUpload; AbortMultipartUpload on failure. */
  async #putMultipart(name: string, localPath: string, size: number, contentType: string): Promise<void> {
    const partSize = Math.max(this.#partSize, Math.ceil(size / MAX_PARTS));
    const partCount = Math.ceil(size / partSize);
    const uploadId = await this.#client.send({
      operation: 'CreateMultipartUpload',
      method: 'POST',
      key: name,
      query: [['uploads', '']],
      headers: { 'content-type': contentType },
      idempotent: false,
      onResponse: async (response) => {
        const id = xmlField(await response.text(), 'UploadId');
        if (id === undefined || id === '') {
          throw new RecordingStorageError(`S3 CreateMultipartUpload ${this.#client.label(name)}: no UploadId in the answer`, { code: 'MalformedResponse' });
        }
        return id;
      },
    });
    try {
      const etags: string[] = [];
      for (let index = 0; index < partCount; index++) {
        const start = index * partSize;
        const end = Math.min(size, start + partSize) - 1;
        etags.push(
          await this.#client.send({
            operation: 'UploadPart',
            method: 'PUT',
            key: name,
            query: [['partNumber', String(index + 1)], ['uploadId', uploadId]],
            body: () => ({ data: createReadStream(localPath, { start, end }), length: end - start + 1, payloadHash: UNSIGNED_PAYLOAD }),
            idempotent: true,
            timeoutMs: this.#uploadTimeout(end - start + 1),
            onResponse: async (response) => {
              await discard(response);
              const etag = response.headers.get('etag');
              if (etag === null) {
                throw new RecordingStorageError(`S3 UploadPart ${this.#client.label(name)}: no ETag for part ${index + 1}`, { code: 'MalformedResponse' });
              }
              return etag;
            },
          }),
        );
      }
      const xml = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
          etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`).join('') +
          '</CompleteMultipartUpload>',
      );
      const payloadHash = sha256Hex(xml);
      await this.#client.send({
        operation: 'CompleteMultipartUpload',
        method: 'POST',
        key: name,
        query: [['uploadId', uploadId]],
        headers: { 'content-type': XML_TYPE },
        body: () => ({ data: xml, length: xml.byteLength, payloadHash }),
        idempotent: false,
        timeoutMs: this.#uploadTimeout(size),
        onResponse: async (response) => {
          // S3 may answer 200 and still fail: the error then is in the body.
          const text = await response.text();
          const code = text.includes('<Error>') ? xmlField(text, 'Code') : undefined;
          if (code !== undefined) {
            throw new RecordingStorageError(`S3 CompleteMultipartUpload ${this.#client.label(name)} failed: ${code}`, { code, status: 200 });
          }
        },
      });
    } catch (error) {
      await this.#client
        .send({ operation: 'AbortMultipartUpload', method: 'DELETE', key: name, query: [['uploadId', uploadId]], idempotent: true, onResponse: discard })
        .catch(() => undefined); // best effort: a bucket lifecycle rule should clean up what is left
      throw error;
    }
  }

  /** The base deadline plus the time to send `bytes` at the slowest acceptable rate. */
  #uploadTimeout(bytes: number): number {
    return this.#client.requestTimeoutMs + Math.ceil((bytes / this.#bytesPerSecond) * 1000);
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw closedError(operation);
  }
}
