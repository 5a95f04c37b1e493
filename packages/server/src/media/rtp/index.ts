/**
 * `media/rtp/`: pure RTP (RFC 3550), RTCP (RFC 3550, RFC 4585, RFC 5761 demux) and RFC 4733
 * telephone-event codecs for the media relay. No I/O, no clock, no timers: times come in as
 * arguments. Per-packet functions work in place on a Buffer and do not allocate.
 * @packageDocumentation
 */
export * from './constants.ts';
export {
  createRtpHeaderInfo,
  rtpHeaderInfo,
  rtpMarker,
  rtpPayloadType,
  rtpSequence,
  rtpSsrc,
  rtpTimestamp,
  setRtpMarker,
  setRtpPayloadType,
  setRtpSequence,
  setRtpSsrc,
  setRtpTimestamp,
  stripHeaderExtensions,
  type RtpHeaderFailure,
  type RtpHeaderInfo,
} from './rtp-header.ts';
export {
  buildRtpPacket,
  parseHeaderExtension,
  parseRtpPacket,
  type BuildRtpPacketOptions,
  type RtpExtensionElement,
  type RtpHeaderExtension,
  type RtpPacket,
} from './rtp-packet.ts';
export { RtpRewriter, type PayloadTypeMap, type RtpRewriterOptions } from './rtp-rewriter.ts';
export { extendSequence, isSeqNewer, isTimestampNewer, seqDelta, timestampDelta, toUint32 } from './sequence.ts';
export { SequenceTracker } from './sequence-tracker.ts';
export type {
  AppPacket,
  ByePacket,
  FeedbackPacket,
  ReceiverReportPacket,
  ReportBlock,
  RtcpPacket,
  RtcpParseFailure,
  RtcpParseResult,
  SdesChunk,
  SdesItem,
  SdesPacket,
  SenderReportPacket,
  UnknownRtcpPacket,
} from './rtcp-types.ts';
export { isRtcpPacket, parseRtcp } from './rtcp-parse.ts';
export { sdesCname, serializeRtcp, serializeRtcpPacket } from './rtcp-serialize.ts';
export { ReceptionStats, rttMs, type ReceptionStatsOptions } from './reception-stats.ts';
export { SenderStats } from './sender-stats.ts';
export {
  compactNtpFromMs,
  compactNtpToMs,
  msFromNtp,
  msToCompactNtp,
  ntpFromMs,
  ntpMiddle32,
  type NtpTimestamp,
} from './ntp.ts';
export {
  dtmfDigitFromEvent,
  dtmfEventFromDigit,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  telephoneEventPackets,
  type DtmfChar,
  type TelephoneEvent,
  type TelephoneEventPacket,
  type TelephoneEventPacketsOptions,
} from './telephone-event.ts';
export { DtmfDetector, type DtmfDetectorOptions, type DtmfDigit } from './dtmf-detector.ts';
export { SpeechDetector, type SpeechCodec } from './speech-detector.ts';
