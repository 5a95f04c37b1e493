/**
 * `recording/`: call recording. `RecordingService` (the call engine's `RecorderPort`) taps the legs,
 * streams a spool WAV, and after the call trims, encodes MP3 in a worker (`mp3/`), stores the media
 * (`storage/`) and calls back; `repair.ts` completes what a crash left. The pure core: placing each
 * leg's decoded audio on the recording's timeline, mixing it per Twilio's channel/track/pause
 * settings, PCM16 WAV headers (including repair after a crash), silence trimming, channel conversion.
 * @packageDocumentation
 */
export { ChannelTimeline, type ChannelTimelineOptions, type ChannelTimelineStats } from './channel-timeline.ts';
export { RecordingMixer, type PauseBehavior, type RecordingMixerOptions, type RecordingTrack } from './recording-mixer.ts';
export { SilenceScanner, trimSilenceBounds, type SilenceTrimOptions, type TrimBounds } from './silence-trim.ts';
export { downmixStereo, upmixMono } from './downmix.ts';
export {
  WAV_HEADER_BYTES,
  parseWavHeader,
  repairWavHeader,
  wavDurationMs,
  wavHeader,
  type WavHeaderFields,
  type WavInfo,
  type WavParseResult,
  type WavRepair,
  type WavRepairResult,
} from './wav.ts';
export { RecordingService, recordingSampleRate, type RecordingServiceOptions } from './recording-service.ts';
export { Mp3EncoderPool } from './mp3/index.ts';
export { FilesystemStorage, createRecordingStorage, type RecordingStorage, type RecordingStorageConfig as StorageConfig } from './storage/index.ts';
