/**
 * Storage of finished call recordings: the {@link RecordingStorage} port, a filesystem and an
 * S3-compatible implementation that pass the same contract suite (`recording-storage.contract.ts`),
 * and the factory that picks one from the configuration.
 * @packageDocumentation
 */
export type { ByteRange, RecordingStorage, RecordingStorageErrorCode, StoredObject } from './recording-storage.ts';
export { MAX_KEY_LENGTH, RecordingStorageError, recordingKeyProblem } from './recording-storage.ts';
export { FilesystemStorage, type FilesystemStorageOptions } from './filesystem-storage.ts';
export { S3Storage, type S3StorageOptions } from './s3-storage.ts';
export { createRecordingStorage, type RecordingStorageConfig } from './create-storage.ts';
