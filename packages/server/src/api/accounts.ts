/** `/2010-04-01/Accounts` — the account itself (read-only). The auth token is never returned. */
import type { FastifyInstance } from 'fastify';
import type { AccountRecord } from '../store/ports.ts';
import { requireMainCredentials } from './auth.ts';
import { API_VERSION, accountPath, notFound, principalFor, type ApiDeps } from './context.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';

export function accountJson(a: AccountRecord): Record<string, unknown> {
  const path = accountPath(a.sid);
  return {
    sid: a.sid,
    owner_account_sid: a.sid,
    friendly_name: a.friendlyName,
    status: a.status,
    type: 'Full',
    date_created: rfc2822(a.dateCreated),
    date_updated: rfc2822(a.dateUpdated),
    uri: `${path}.json`,
    subresource_uris: {
      applications: `${path}/Applications.json`,
      calls: `${path}/Calls.json`,
      keys: `${path}/Keys.json`,
      notifications: `${path}/Notifications.json`,
    },
  };
}

export function accountRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { AccountSid: string } }>(`/${API_VERSION}/Accounts/:AccountSid`, async (req) => {
    const principal = await principalFor(deps, req, req.params.AccountSid);
    requireMainCredentials(principal);
    const account = await deps.store.accounts.get(principal.accountSid);
    if (account === null) throw notFound('Account', principal.accountSid);
    return accountJson(account);
  });

  app.get(`/${API_VERSION}/Accounts.json`, async (req) => {
    const principal = await principalFor(deps, req, null);
    requireMainCredentials(principal);
    const account = await deps.store.accounts.get(principal.accountSid);
    const items = account === null ? [] : [accountJson(account)];
    const query = readPage({});
    return legacyList('accounts', `/${API_VERSION}/Accounts.json`, {}, query, { items, hasMore: false }, items);
  });
}
