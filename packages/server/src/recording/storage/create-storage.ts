/**
 * Builds the configured {@link RecordingStorage}: recordings on the server's disk by default, or in
 * an S3-compatible bucket when the deployment wants them off the machine.
 */
import { FilesystemStorage, type FilesystemStorageOptions } from './filesystem-storage.ts';
import { RecordingStorageError, type RecordingStorage } from './recording-storage.ts';
import { S3Storage, type S3StorageOptions } from './s3-storage.ts';

/** Which storage, and its options. */
export type RecordingStorageConfig =
  | ({ readonly kind: 'filesystem' } & FilesystemStorageOptions)
  | ({ readonly kind: 's3' } & S3StorageOptions);

/** The storage `config` names. Makes no I/O: the filesystem root is created on the first put. */
export function createRecordingStorage(config: RecordingStorageConfig): RecordingStorage {
  switch (config.kind) {
    case 'filesystem':
      return new FilesystemStorage(config);
    case 's3':
      return new S3Storage(config);
    default: {
      // Not `assertNever`: it would print the whole config, secret included.
      const kind: unknown = (config as { readonly kind: unknown }).kind;
      const shown = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind;
      throw new RecordingStorageError(`Unknown recording storage kind ${shown}: expected "filesystem" or "s3"`, {
        code: 'InvalidArgument',
      });
    }
  }
}
