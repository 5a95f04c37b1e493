/**
 * `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}/Events.json` — the call's log: every status
 * transition and in-call event (DTMF received, unsupported verbs skipped, …) in order, as the call
 * engine appended them. Twilio's resource of the same name logs webhook requests instead; the
 * shape here is Denwa's and is documented in docs/COMPATIBILITY.md.
 */
import type { FastifyInstance } from 'fastify';
import type { CallEventRecord } from '../store/ports.ts';
import { API_VERSION, accountPath, notFound, principalFor, sidParam, type ApiDeps } from './context.ts';
import { rfc2822 } from './format.ts';

type P = { AccountSid: string; Sid: string };

export function callEventJson(e: CallEventRecord): Record<string, unknown> {
  const event = e.detail['event'];
  return {
    sequence: e.sequence,
    type: typeof event === 'string' ? event : 'status',
    status: e.status,
    timestamp: rfc2822(e.timestamp),
    timestamp_ms: e.timestamp,
    detail: e.detail,
  };
}

export function callEventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: P }>(`/${API_VERSION}/Accounts/:AccountSid/Calls/:Sid/Events.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('call', req.params.Sid);
    const call = await deps.store.calls.get(accountSid, sid);
    if (call === null) throw notFound('Call', sid);
    const events = await deps.store.calls.listEvents(sid);
    return {
      events: events.map(callEventJson),
      call_sid: sid,
      uri: `${accountPath(accountSid)}/Calls/${sid}/Events.json`,
    };
  });
}
