/**
 * `recordingStatusCallback` requests, with Twilio's parameters: `AccountSid`, `CallSid`,
 * `RecordingSid`, `RecordingUrl` (no extension), `RecordingStatus`, `RecordingDuration` (whole
 * seconds, once known), `RecordingChannels`, `RecordingSource`, `RecordingStartTime`, `RecordingTrack`
 * and `ErrorCode` for `absent`/`failed`. The webhook client signs them (`X-Twilio-Signature`).
 */
import type { WebhookClient } from '../calls/ports.ts';
import { rfc2822Date, type Logger } from '../core/index.ts';
import type { RecordingCallbackEvent, RecordingRecord } from '../store/ports.ts';

/** The parameters of a recording status callback. */
export function recordingCallbackParams(record: RecordingRecord, url: string): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: record.accountSid,
    CallSid: record.callSid,
    RecordingSid: record.sid,
    RecordingUrl: url,
    RecordingStatus: record.status,
    RecordingChannels: String(record.channels),
    RecordingSource: record.source,
    RecordingStartTime: rfc2822Date(record.startTime),
    RecordingTrack: record.track,
  };
  if (record.durationMs !== null) params['RecordingDuration'] = String(Math.round(record.durationMs / 1000));
  if (record.errorCode !== null) params['ErrorCode'] = String(record.errorCode);
  return params;
}

/** Which subscribed event a status announces, if any. */
export function callbackEvent(record: RecordingRecord): RecordingCallbackEvent | null {
  if (record.status === 'in-progress') return 'in-progress';
  if (record.status === 'completed') return 'completed';
  if (record.status === 'absent' || record.status === 'failed') return 'absent';
  return null;
}

/** Sends the callback for `record`'s status when the recording subscribed to it; never rejects. */
export async function sendRecordingCallback(webhooks: WebhookClient, log: Logger, record: RecordingRecord, url: string): Promise<void> {
  const event = callbackEvent(record);
  if (record.statusCallback === null || event === null || !record.statusCallbackEvents.includes(event)) return;
  try {
    await webhooks.sendCallback({
      url: record.statusCallback,
      method: record.statusCallbackMethod,
      params: recordingCallbackParams(record, url),
      accountSid: record.accountSid,
      callSid: record.callSid,
    });
  } catch (err) {
    log.error({ err, recordingSid: record.sid }, 'recording status callback failed unexpectedly');
  }
}
