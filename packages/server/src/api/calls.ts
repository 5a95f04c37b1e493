/**
 * `/2010-04-01/Accounts/{AccountSid}/Calls` — call records (read side). Filters `To`, `From`,
 * `Status`, `ParentCallSid`, `StartTime`, `StartTime<`, `StartTime>` as Twilio has them.
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, isCallStatus, isSid } from '@denwa/protocol';
import type { CallFilter, CallRecord } from '../store/ports.ts';
import { API_VERSION, accountPath, notFound, principalFor, queryParams, sidParam, type ApiDeps } from './context.ts';
import { first, type Params } from './form.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';

type P = { AccountSid: string; Sid: string };

export function callJson(c: CallRecord): Record<string, unknown> {
  const path = `${accountPath(c.accountSid)}/Calls/${c.sid}`;
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    parent_call_sid: c.parentCallSid,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: c.phoneNumberSid,
    status: c.status,
    start_time: rfc2822(c.startTime),
    end_time: rfc2822(c.endTime),
    duration: c.duration === null ? null : String(c.duration),
    price: null,
    price_unit: 'USD',
    direction: c.direction,
    answered_by: c.answeredBy,
    api_version: API_VERSION,
    forwarded_from: c.forwardedFrom,
    group_sid: null,
    caller_name: c.callerName,
    queue_time: '0',
    trunk_sid: c.trunkSid,
    uri: `${path}.json`,
    subresource_uris: {
      notifications: `${path}/Notifications.json`,
      recordings: `${path}/Recordings.json`,
    },
  };
}

const DAY_MS = 86_400_000;

/** A `StartTime` value: a date (`2026-01-31`, the whole UTC day) or a date-time (an instant). */
function parseStartTime(name: string, value: string): { from: number; to: number } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const from = Date.parse(`${value}T00:00:00Z`);
    if (Number.isFinite(from)) return { from, to: from + DAY_MS };
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return { from: at, to: at + 1 };
  }
  throw new VoiceError(20001, `${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time`);
}

/** Reads the list filters; also returns them as query parameters for the paging URIs. */
export function readCallFilter(params: Params): { filter: CallFilter; echo: Record<string, string> } {
  const filter: { -readonly [K in keyof CallFilter]: CallFilter[K] } = {};
  const echo: Record<string, string> = {};
  const to = first(params, 'To');
  if (to !== undefined && to !== '') { filter.to = to; echo['To'] = to; }
  const from = first(params, 'From');
  if (from !== undefined && from !== '') { filter.from = from; echo['From'] = from; }
  const status = first(params, 'Status');
  if (status !== undefined && status !== '') {
    if (!isCallStatus(status)) throw new VoiceError(20001, `Status "${status.slice(0, 40)}" is not a call status`);
    filter.status = status;
    echo['Status'] = status;
  }
  const parent = first(params, 'ParentCallSid');
  if (parent !== undefined && parent !== '') {
    if (!isSid('call', parent)) throw new VoiceError(20001, 'ParentCallSid must be a Call SID');
    filter.parentCallSid = parent;
    echo['ParentCallSid'] = parent;
  }
  for (const [name, key] of [['StartTime', 'on'], ['StartTime>', 'after'], ['StartTime<', 'before']] as const) {
    const v = first(params, name);
    if (v === undefined || v === '') continue;
    const range = parseStartTime(name, v);
    echo[name] = v;
    if (key === 'on' || key === 'after') filter.startTimeFrom = Math.max(filter.startTimeFrom ?? -Infinity, range.from);
    if (key === 'on' || key === 'before') filter.startTimeTo = Math.min(filter.startTimeTo ?? Infinity, range.to);
  }
  return { filter, echo };
}

export function callRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Calls`;

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const params = queryParams(req);
    const query = readPage(params);
    const { filter, echo } = readCallFilter(params);
    const page = await deps.store.calls.list(accountSid, filter, query);
    return legacyList('calls', `${accountPath(accountSid)}/Calls.json`, echo, query, page, page.items.map(callJson));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('call', req.params.Sid);
    const call = await deps.store.calls.get(accountSid, sid);
    if (call === null) throw notFound('Call', sid);
    return callJson(call);
  });
}
