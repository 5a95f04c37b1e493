/**
 * `/2010-04-01/Accounts/{AccountSid}/Keys` — API keys. The secret is returned once, by create.
 * Only the account's own credentials may manage keys (as on Twilio).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiKeyRecord } from '../store/ports.ts';
import { requireMainCredentials } from './auth.ts';
import { API_VERSION, accountPath, notFound, principalFor, queryParams, requestParams, sidParam, type ApiDeps } from './context.ts';
import { optionalText } from './form.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';

type P = { AccountSid: string; Sid: string };

export function keyJson(k: ApiKeyRecord): Record<string, unknown> {
  return {
    sid: k.sid,
    friendly_name: k.friendlyName,
    date_created: rfc2822(k.dateCreated),
    date_updated: rfc2822(k.dateUpdated),
  };
}

export function keyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Keys`;

  app.post<{ Params: P }>(`${base}.json`, async (req, reply) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const friendlyName = optionalText(requestParams(req), 'FriendlyName', 64) ?? '';
    const now = deps.clock.now();
    const key: ApiKeyRecord = {
      sid: deps.ids.sid('apiKey'),
      accountSid: principal.accountSid,
      friendlyName,
      secret: deps.ids.secret(),
      dateCreated: now,
      dateUpdated: now,
    };
    await deps.store.apiKeys.insert(key);
    return reply.code(201).send({ ...keyJson(key), secret: key.secret });
  });

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const query = readPage(queryParams(req));
    const page = await deps.store.apiKeys.list(principal.accountSid, query);
    return legacyList('keys', `${accountPath(principal.accountSid)}/Keys.json`, {}, query, page, page.items.map(keyJson));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const sid = sidParam('apiKey', req.params.Sid);
    const key = await deps.store.apiKeys.get(principal.accountSid, sid);
    if (key === null) throw notFound('Key', sid);
    return keyJson(key);
  });

  app.post<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const sid = sidParam('apiKey', req.params.Sid);
    const existing = await deps.store.apiKeys.get(principal.accountSid, sid);
    if (existing === null) throw notFound('Key', sid);
    const friendlyName = optionalText(requestParams(req), 'FriendlyName', 64) ?? existing.friendlyName;
    const updated = await deps.store.apiKeys.update(principal.accountSid, sid, { friendlyName, dateUpdated: deps.clock.now() });
    if (updated === null) throw notFound('Key', sid);
    return keyJson(updated);
  });

  app.delete<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const sid = sidParam('apiKey', req.params.Sid);
    if (!(await deps.store.apiKeys.delete(principal.accountSid, sid))) throw notFound('Key', sid);
    return reply.code(204).send();
  });
}
