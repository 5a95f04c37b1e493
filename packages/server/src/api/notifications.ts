/**
 * `/2010-04-01/Accounts/{AccountSid}/Notifications` and `…/Calls/{CallSid}/Notifications` — webhook and
 * TwiML failures recorded during calls, with their Twilio error codes.
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, type AccountSid, type CallSid } from '@denwa/protocol';
import type { NotificationFilter, NotificationRecord } from '../store/ports.ts';
import { API_VERSION, accountPath, notFound, principalFor, queryParams, sidParam, type ApiDeps } from './context.ts';
import { first } from './form.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';

type P = { AccountSid: string; Sid: string };

export function notificationJson(n: NotificationRecord): Record<string, unknown> {
  return {
    sid: n.sid,
    account_sid: n.accountSid,
    call_sid: n.callSid,
    api_version: API_VERSION,
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateCreated),
    error_code: String(n.errorCode),
    log: String(n.level),
    message_date: rfc2822(n.messageDate),
    message_text: n.messageText,
    more_info: n.moreInfo,
    request_method: n.requestMethod,
    request_url: n.requestUrl,
    request_variables: n.requestVariables,
    response_body: n.responseBody,
    response_headers: n.responseHeaders,
    uri: `${accountPath(n.accountSid)}/Notifications/${n.sid}.json`,
  };
}

async function list(deps: ApiDeps, accountSid: AccountSid, callSid: CallSid | null, params: ReturnType<typeof queryParams>, path: string) {
  const query = readPage(params);
  const filter: { -readonly [K in keyof NotificationFilter]: NotificationFilter[K] } = {};
  const echo: Record<string, string> = {};
  if (callSid !== null) filter.callSid = callSid;
  const log = first(params, 'Log');
  if (log !== undefined && log !== '') {
    if (log !== '0' && log !== '1') throw new VoiceError(20001, 'Log must be 0 (error) or 1 (warning)');
    filter.level = log === '0' ? 0 : 1;
    echo['Log'] = log;
  }
  const page = await deps.store.notifications.list(accountSid, filter, query);
  return legacyList('notifications', path, echo, query, page, page.items.map(notificationJson));
}

export function notificationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid`;

  app.get<{ Params: P }>(`${base}/Notifications.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    return list(deps, accountSid, null, queryParams(req), `${accountPath(accountSid)}/Notifications.json`);
  });

  app.get<{ Params: P }>(`${base}/Notifications/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('notification', req.params.Sid);
    const n = await deps.store.notifications.get(accountSid, sid);
    if (n === null) throw notFound('Notification', sid);
    return notificationJson(n);
  });

  app.get<{ Params: P }>(`${base}/Calls/:Sid/Notifications.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const callSid = sidParam('call', req.params.Sid);
    return list(deps, accountSid, callSid, queryParams(req), `${accountPath(accountSid)}/Calls/${callSid}/Notifications.json`);
  });
}
