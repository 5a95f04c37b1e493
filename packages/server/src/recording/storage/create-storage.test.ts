import { describe, expect, it } from 'vitest';
import { createRecordingStorage, type RecordingStorageConfig } from './create-storage.ts';
import { FilesystemStorage } from './filesystem-storage.ts';
import { S3Storage } from './s3-storage.ts';

describe('createRecordingStorage', () => {
  it('makes the filesystem storage', async () => {
    const storage = createRecordingStorage({ kind: 'filesystem', root: '/var/lib/denwa/recordings' });
    expect(storage).toBeInstanceOf(FilesystemStorage);
    expect(storage.kind).toBe('filesystem');
    await storage.close();
  });

  it('makes the S3 storage without touching the network', async () => {
    const storage = createRecordingStorage({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      bucket: 'recordings',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
    });
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.kind).toBe('s3');
    await storage.close();
  });

  it('refuses an unknown kind without printing the configuration', () => {
    const config = { kind: 'gcs', secretAccessKey: 'do-not-print' } as unknown as RecordingStorageConfig;
    expect(() => createRecordingStorage(config)).toThrow('Unknown recording storage kind "gcs": expected "filesystem" or "s3"');
  });
});
