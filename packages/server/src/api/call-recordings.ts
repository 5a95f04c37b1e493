/**
 * `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings` — a call's recordings: the list,
 * create (start recording the live call through the call engine: 201, or 21220 when the call is not
 * in progress), fetch, delete, and update (`Status=paused|in-progress|stopped`, `PauseBehavior`;
 * `Twilio.CURRENT` names the call's one active recording, 16108 when it has several).
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, type AccountSid, type CallSid } from '@denwa/protocol';
import type { ActiveRecording, PauseBehavior } from '../calls/index.ts';
import type { RecordingCallbackEvent } from '../store/ports.ts';
import { API_VERSION, notFound, principalFor, queryParams, requestParams, sidParam, type ApiDeps } from './context.ts';
import { all, first, optionalMethod, optionalUrl, type Params } from './form.ts';
import { deleteRecording, getRecording, listRecordings, recordingJson, recordingSegment } from './recordings.ts';

type P = { AccountSid: string; Sid: string; RecordingSid: string };

/** The `{Sid}` of an update naming the call's active recording. */
const CURRENT = 'Twilio.CURRENT';

const CALLBACK_EVENTS: readonly RecordingCallbackEvent[] = ['in-progress', 'completed', 'absent'];

/** A parameter that takes one of `allowed` (case-sensitive, as Twilio's), `dflt` when absent. */
function oneOf<T extends string>(params: Params, name: string, allowed: readonly T[], dflt: T): T {
  const v = first(params, name);
  if (v === undefined || v === '') return dflt;
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new VoiceError(20001, `${name} "${v.slice(0, 32)}" is not one of ${allowed.join(', ')}`);
  return found;
}

/** `RecordingStatusCallbackEvent`: space- (or comma-) separated and/or repeated; `completed` by default. */
function callbackEvents(params: Params): readonly RecordingCallbackEvent[] {
  const events = new Set<RecordingCallbackEvent>();
  for (const v of all(params, 'RecordingStatusCallbackEvent').flatMap((s) => s.split(/[\s,]+/))) {
    if (v === '') continue;
    const event = CALLBACK_EVENTS.find((e) => e === v);
    if (event === undefined) throw new VoiceError(20001, `RecordingStatusCallbackEvent "${v.slice(0, 32)}" is not one of ${CALLBACK_EVENTS.join(', ')}`);
    events.add(event);
  }
  return events.size === 0 ? ['completed'] : [...events];
}

/** The options of a recording started through the API (`PlayBeep` and the like are accepted and ignored). */
function startOptions(params: Params) {
  return {
    channels: oneOf(params, 'RecordingChannels', ['mono', 'dual'], 'mono') === 'dual' ? 2 as const : 1 as const,
    track: oneOf(params, 'RecordingTrack', ['inbound', 'outbound', 'both'], 'both'),
    trim: oneOf(params, 'Trim', ['trim-silence', 'do-not-trim'], 'do-not-trim') === 'trim-silence',
    statusCallback: optionalUrl(params, 'RecordingStatusCallback') ?? null,
    statusCallbackMethod: optionalMethod(params, 'RecordingStatusCallbackMethod') ?? 'POST',
    statusCallbackEvents: callbackEvents(params),
  };
}

/** The live recording an update addresses: by sid, or the call's only active one (`Twilio.CURRENT`). */
async function liveRecording(deps: ApiDeps, accountSid: AccountSid, callSid: CallSid, segment: string): Promise<ActiveRecording> {
  if (segment === CURRENT || segment === `${CURRENT}.json`) {
    const active = deps.recordings?.activeForCall(callSid).filter((a) => a.record.accountSid === accountSid) ?? [];
    const [only, ...more] = active;
    if (only === undefined) throw new VoiceError(20404, `call ${callSid} has no active recording`);
    if (more.length > 0) throw new VoiceError(16108, `call ${callSid} has ${active.length} active recordings: update one by its SID`);
    return only;
  }
  const { sid, ext } = recordingSegment(segment);
  if (ext === 'wav' || ext === 'mp3') throw notFound('Recording', sid);
  const record = await getRecording(deps, accountSid, sid, callSid);
  const live = deps.recordings?.active(sid) ?? null;
  if (live === null) throw new VoiceError(16114, `recording ${sid} is ${record.status}: only an in-progress or paused recording can be paused, resumed or stopped`);
  return live;
}

async function fetchForCall(deps: ApiDeps, accountSid: AccountSid, callSid: CallSid, segment: string) {
  const { sid, ext } = recordingSegment(segment);
  if (ext === 'wav' || ext === 'mp3') throw notFound('Recording', sid);
  return getRecording(deps, accountSid, sid, callSid);
}

export function callRecordingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Calls/:Sid/Recordings`;

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    return listRecordings(deps, accountSid, sidParam('call', req.params.Sid), queryParams(req));
  });

  app.post<{ Params: P }>(`${base}.json`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const callSid = sidParam('call', req.params.Sid);
    if ((await deps.store.calls.get(accountSid, callSid)) === null) throw notFound('Call', callSid);
    const options = startOptions(requestParams(req));
    if (deps.calls === undefined) throw new VoiceError(20500, 'the call engine is not running');
    const started = await deps.calls.startRecording(accountSid, callSid, options);
    if (!started.ok) throw started.error;
    return reply.code(201).send(recordingJson(deps, started.value.record, 'call'));
  });

  app.get<{ Params: P }>(`${base}/:RecordingSid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const callSid = sidParam('call', req.params.Sid);
    return recordingJson(deps, await fetchForCall(deps, accountSid, callSid, req.params.RecordingSid), 'call');
  });

  app.delete<{ Params: P }>(`${base}/:RecordingSid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const callSid = sidParam('call', req.params.Sid);
    await deleteRecording(deps, await fetchForCall(deps, accountSid, callSid, req.params.RecordingSid));
    return reply.code(204).send();
  });

  app.post<{ Params: P }>(`${base}/:RecordingSid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const callSid = sidParam('call', req.params.Sid);
    const params = requestParams(req);
    const status = first(params, 'Status');
    if (status === undefined || status === '') throw new VoiceError(20001, 'Status is required: paused, in-progress or stopped');
    const target = oneOf(params, 'Status', ['paused', 'in-progress', 'stopped'], 'stopped');
    const behavior: PauseBehavior = oneOf(params, 'PauseBehavior', ['skip', 'silence'], 'skip');
    const live = await liveRecording(deps, accountSid, callSid, req.params.RecordingSid);
    if (target === 'stopped') return recordingJson(deps, await live.stop(), 'call');
    const already = live.record.status === target;
    const done = already || (target === 'paused' ? live.pause(behavior) : live.resume());
    if (!done) throw new VoiceError(16114, `recording ${live.sid} is ${live.record.status} and cannot be ${target === 'paused' ? 'paused' : 'resumed'}`);
    return recordingJson(deps, live.record, 'call');
  });
}
