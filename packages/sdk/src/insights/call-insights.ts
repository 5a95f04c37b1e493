/**
 * One call's Insights: its lifecycle events (`connection/*`), quality warnings
 * (`network-quality-warning-*`, `audio-level-warning-*`) and the per-second samples in batches of 10.
 */
import type { Call } from '../call.ts';
import type { QualitySample } from '../quality/monitor.ts';
import type { InsightsLevel, InsightsPublisher } from './publisher.ts';

const BATCH = 10;
const AUDIO_LEVEL_WARNINGS = new Set(['constant-audio-input-level', 'constant-audio-output-level']);

const round2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

/** `feedback/received` (with a score and maybe an issue) or `feedback/received-none`. */
export function postCallFeedback(publisher: InsightsPublisher, call: Call, score: number | undefined, issue: string | undefined): void {
  const payload = { direction: call.direction, ...(call.hasServerSid ? { call_sid: call.sid } : {}) };
  if (score === undefined) publisher.event('feedback', 'received-none', 'INFO', payload);
  else publisher.event('feedback', 'received', 'INFO', { ...payload, quality_score: score, ...(issue === undefined ? {} : { issue_name: issue }) });
}

export function watchCallInsights(publisher: InsightsPublisher, call: Call): void {
  const tempSid = call.direction === 'OUTGOING' ? call.sid : undefined;
  const base = (): Record<string, unknown> => ({
    direction: call.direction,
    ...(tempSid === undefined ? {} : { temp_call_sid: tempSid }),
    ...(call.hasServerSid ? { call_sid: call.sid } : {}),
    ...(call.codec === '' ? {} : { audio_codec: call.codec.toUpperCase() === 'PCMU' ? 'PCMU' : call.codec }),
  });
  const connection = (name: string, level: InsightsLevel = 'INFO', extra: Record<string, unknown> = {}): void => {
    publisher.event('connection', name, level, { ...base(), ...extra });
  };
  let volumes: [number, number] = [0, 0];
  const samples: Record<string, unknown>[] = [];
  const flush = (): void => { publisher.metrics(samples.splice(0)); };

  connection(call.direction === 'OUTGOING' ? 'outgoing' : 'incoming');
  call.on('accept', () => { connection(call.direction === 'OUTGOING' ? 'accepted-by-remote' : 'accepted-by-local'); });
  call.on('reject', () => { connection('rejected-by-local'); });
  call.on('cancel', () => { connection('cancel'); });
  call.on('mute', (muted) => { connection(muted ? 'muted' : 'unmuted'); });
  call.on('reconnecting', () => { connection('reconnecting', 'WARNING'); });
  call.on('reconnected', () => { connection('reconnected'); });
  call.on('error', (e) => { connection('error', 'ERROR', { code: e.code, message: e.message }); });
  call.on('disconnect', () => {
    connection(call.disconnectedLocally ? 'disconnected-by-local' : 'disconnected-by-remote');
    flush();
  });
  call.on('qualityChange', (name, raised) => {
    const audio = AUDIO_LEVEL_WARNINGS.has(name);
    const group = `${audio ? 'audio-level' : 'network-quality'}-warning-${raised ? 'raised' : 'cleared'}`;
    const level: InsightsLevel = raised && name !== 'constant-audio-output-level' ? 'WARNING' : 'INFO';
    publisher.event(group, name, level, base());
  });
  call.on('volume', (input, output) => { volumes = [input, output]; });
  call.on('sample', (s: QualitySample) => {
    samples.push({
      ...base(),
      audio_level_in: s.audioInputLevel ?? 0,
      audio_level_out: s.audioOutputLevel ?? 0,
      bytes_received: s.bytesReceived,
      bytes_sent: s.bytesSent,
      call_volume_input: volumes[0],
      call_volume_output: volumes[1],
      jitter: s.jitter,
      mos: round2(s.mos),
      packets_lost: s.packetsLost,
      packets_lost_fraction: round2(s.packetsLostFraction),
      packets_received: s.packetsReceived,
      rtt: s.rtt,
      timestamp: new Date(s.timestamp).toISOString(),
      total_bytes_received: s.totals.bytesReceived,
      total_bytes_sent: s.totals.bytesSent,
      total_packets_lost: s.totals.packetsLost,
      total_packets_received: s.totals.packetsReceived,
      total_packets_sent: s.totals.packetsSent,
    });
    if (samples.length >= BATCH) flush();
  });
}
