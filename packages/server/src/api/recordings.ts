/**
 * `/2010-04-01/Accounts/{AccountSid}/Recordings` — call recordings: the list (newest first, filters
 * `CallSid`, `ConferenceSid`, `DateCreated`, `DateCreated<`, `DateCreated>`), fetch (`{Sid}.json`),
 * delete (media and record; 20009 while the recording is not finished) and the media itself
 * (`{Sid}`, `{Sid}.wav`, `{Sid}.mp3`, see `recordings-media.ts`).
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, isSid, type AccountSid, type CallSid, type RecordingSid } from '@denwa/protocol';
import type { RecordingFilter, RecordingRecord } from '../store/ports.ts';
import { API_VERSION, accountPath, notFound, principalFor, queryParams, type ApiDeps } from './context.ts';
import { first, type Params } from './form.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';
import { sendRecordingMedia } from './recordings-media.ts';

type P = { AccountSid: string; Sid: string };

/** The extension of a `Recordings/{Sid}` path segment: the JSON resource, the media in a format, or none (the WAV). */
export type RecordingExtension = 'json' | 'wav' | 'mp3' | 'none';

const SEGMENT = /^(RE[0-9a-fA-F]{32})(?:\.(json|wav|mp3))?$/;

/** Splits `RE….json`, `RE….wav`, `RE….mp3` or a bare `RE…`; anything else is 20404. */
export function recordingSegment(segment: string): { sid: RecordingSid; ext: RecordingExtension } {
  const m = SEGMENT.exec(segment);
  const sid = m?.[1];
  if (sid === undefined || !isSid('recording', sid)) throw new VoiceError(20404, `no such resource ${segment.slice(0, 64)}`);
  const ext = m?.[2];
  return { sid, ext: ext === 'json' || ext === 'wav' || ext === 'mp3' ? ext : 'none' };
}

/** Twilio's absolute media URL, without extension (as the status callbacks give it). */
export function mediaUrl(deps: ApiDeps, r: Pick<RecordingRecord, 'accountSid' | 'sid'>): string {
  return deps.recordings?.recordingUrl(r.accountSid, r.sid) ?? `${deps.publicUrl}${accountPath(r.accountSid)}/Recordings/${r.sid}`;
}

/**
 * The Recording resource. `duration` is whole seconds as a string, null until the recording is
 * finished (Twilio's in-progress recordings show null). `uri` is the call-scoped path when the
 * resource was reached through `Calls/{CallSid}/Recordings`, as Twilio does.
 */
export function recordingJson(deps: ApiDeps, r: RecordingRecord, scope: 'account' | 'call' = 'account'): Record<string, unknown> {
  const path = `${accountPath(r.accountSid)}/Recordings/${r.sid}`;
  const uri = scope === 'call' ? `${accountPath(r.accountSid)}/Calls/${r.callSid}/Recordings/${r.sid}.json` : `${path}.json`;
  return {
    account_sid: r.accountSid,
    api_version: API_VERSION,
    call_sid: r.callSid,
    conference_sid: r.conferenceSid,
    date_created: rfc2822(r.dateCreated),
    date_updated: rfc2822(r.dateUpdated),
    start_time: rfc2822(r.startTime),
    duration: r.durationMs === null ? null : String(Math.round(r.durationMs / 1000)),
    sid: r.sid,
    price: null,
    price_unit: 'USD',
    status: r.status,
    channels: r.channels,
    source: r.source,
    error_code: r.errorCode,
    track: r.track,
    uri,
    encryption_details: null,
    media_url: mediaUrl(deps, r),
    subresource_uris: {
      add_on_results: `${path}/AddOnResults.json`,
      transcriptions: `${path}/Transcriptions.json`,
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * A `DateCreated` value as the inclusive span it names: a date (`2026-01-31`) is that whole UTC day;
 * a date-time (what the twilio helpers send) is that whole second, the resolution of Twilio's dates.
 */
function parseDateCreated(name: string, value: string): { from: number; to: number } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const from = Date.parse(`${value}T00:00:00Z`);
    if (Number.isFinite(from)) return { from, to: from + DAY_MS - 1 };
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) {
      const from = Math.floor(at / 1000) * 1000;
      return { from, to: from + 999 };
    }
  }
  throw new VoiceError(20001, `${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time`);
}

/**
 * The `DateCreated` filters. Twilio documents the inequalities as `DateCreated<=` / `DateCreated>=`
 * (both inclusive); a query string `DateCreated<=2026-01-31` arrives as the name `DateCreated<` with
 * the value `=2026-01-31`, the helpers send `DateCreated<` / `DateCreated>`, and an encoded
 * `DateCreated%3C%3D` is the name `DateCreated<=`: all are accepted, all inclusive.
 */
function readDateFilters(params: Params, filter: { dateCreatedAfter?: number; dateCreatedBefore?: number }, echo: Record<string, string>): void {
  const spellings = [
    ['DateCreated', 'DateCreated', 'on'],
    ['DateCreated>', 'DateCreated>', 'after'],
    ['DateCreated>=', 'DateCreated>', 'after'],
    ['DateCreated<', 'DateCreated<', 'before'],
    ['DateCreated<=', 'DateCreated<', 'before'],
  ] as const;
  for (const [name, canonical, key] of spellings) {
    const raw = first(params, name);
    if (raw === undefined) continue;
    const v = key === 'on' ? raw : raw.replace(/^=/, '');
    if (v === '') continue;
    const span = parseDateCreated(canonical, v);
    echo[canonical] = v;
    if (key === 'on' || key === 'after') filter.dateCreatedAfter = Math.max(filter.dateCreatedAfter ?? -Infinity, span.from);
    if (key === 'on' || key === 'before') filter.dateCreatedBefore = Math.min(filter.dateCreatedBefore ?? Infinity, span.to);
  }
}

/** Reads the list filters (`IncludeSoftDeleted` is accepted and ignored: nothing is soft-deleted here). */
export function readRecordingFilter(params: Params, callSid: CallSid | null): { filter: RecordingFilter; echo: Record<string, string> } {
  const filter: { -readonly [K in keyof RecordingFilter]: RecordingFilter[K] } = {};
  const echo: Record<string, string> = {};
  if (callSid !== null) {
    filter.callSid = callSid;
  } else {
    const call = first(params, 'CallSid');
    if (call !== undefined && call !== '') {
      if (!isSid('call', call)) throw new VoiceError(20001, 'CallSid must be a Call SID');
      filter.callSid = call;
      echo['CallSid'] = call;
    }
  }
  const conference = first(params, 'ConferenceSid');
  if (conference !== undefined && conference !== '') {
    if (!isSid('conference', conference)) throw new VoiceError(20001, 'ConferenceSid must be a Conference SID');
    filter.conferenceSid = conference;
    echo['ConferenceSid'] = conference;
  }
  readDateFilters(params, filter, echo);
  return { filter, echo };
}

/** One page of the account's (or one call's) recordings, in the list envelope. */
export async function listRecordings(deps: ApiDeps, accountSid: AccountSid, callSid: CallSid | null, params: Params): Promise<Record<string, unknown>> {
  const query = readPage(params);
  const { filter, echo } = readRecordingFilter(params, callSid);
  const page = await deps.store.recordings.list(accountSid, filter, query);
  const path = callSid === null ? `${accountPath(accountSid)}/Recordings.json` : `${accountPath(accountSid)}/Calls/${callSid}/Recordings.json`;
  return legacyList('recordings', path, echo, query, page, page.items.map((r) => recordingJson(deps, r, callSid === null ? 'account' : 'call')));
}

/** The recording, or 20404 (also when it belongs to another call than `callSid`). */
export async function getRecording(deps: ApiDeps, accountSid: AccountSid, sid: RecordingSid, callSid: CallSid | null = null): Promise<RecordingRecord> {
  const r = await deps.store.recordings.get(accountSid, sid);
  if (r === null || (callSid !== null && r.callSid !== callSid)) throw notFound('Recording', sid);
  return r;
}

const UNFINISHED: ReadonlySet<RecordingRecord['status']> = new Set(['in-progress', 'paused', 'processing']);

/** Deletes a finished recording: its stored media first (a failure leaves the record to retry), then the record. */
export async function deleteRecording(deps: ApiDeps, r: RecordingRecord): Promise<void> {
  if (UNFINISHED.has(r.status)) {
    throw new VoiceError(20009, `recording ${r.sid} is ${r.status}; stop it and delete it once it is completed`);
  }
  await deps.recordings?.deleteMedia(r);
  if (!(await deps.store.recordings.delete(r.accountSid, r.sid))) throw notFound('Recording', r.sid);
}

export function recordingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Recordings`;

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    return listRecordings(deps, accountSid, null, queryParams(req));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const { sid, ext } = recordingSegment(req.params.Sid);
    const r = await getRecording(deps, accountSid, sid);
    if (ext === 'json') return recordingJson(deps, r);
    return sendRecordingMedia(deps, r, ext === 'mp3' ? 'mp3' : 'wav', req, reply);
  });

  app.delete<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const { sid, ext } = recordingSegment(req.params.Sid);
    if (ext === 'wav' || ext === 'mp3') throw new VoiceError(20404, `DELETE Recordings/${sid}.${ext}: delete the recording at Recordings/${sid}.json`);
    await deleteRecording(deps, await getRecording(deps, accountSid, sid));
    return reply.code(204).send();
  });
}
