/**
 * Post-call MP3 encoding of recordings: {@link Mp3EncoderPool} runs {@link encodeWavToMp3} in worker
 * threads; {@link mp3SettingsFor} documents the LAME settings per sample rate.
 */
export { encodeWavToMp3, type Mp3EncodeResult } from './mp3-encode.ts';
export { Mp3EncoderPool, type Mp3EncoderPoolOptions, type Mp3JobResult, type Mp3PoolStats } from './mp3-encoder-pool.ts';
export { Mp3EncodeError, type Mp3ErrorKind } from './mp3-error.ts';
export { mp3SettingsFor, SUPPORTED_SAMPLE_RATES, type Mp3Bitrate, type Mp3SampleRate, type Mp3Settings } from './mp3-settings.ts';
