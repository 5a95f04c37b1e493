/** `/2010-04-01/Accounts/{AccountSid}/Applications` — TwiML Apps. */
import type { FastifyInstance } from 'fastify';
import { VoiceError } from '@denwa/protocol';
import type { ApplicationPatch, ApplicationRecord } from '../store/ports.ts';
import {
  API_VERSION,
  accountPath,
  notFound,
  principalFor,
  queryParams,
  requestParams,
  sidParam,
  type ApiDeps,
} from './context.ts';
import { first, optionalBoolean, optionalMethod, optionalText, optionalUrl, type Params } from './form.ts';
import { rfc2822 } from './format.ts';
import { legacyList, readPage } from './paging.ts';

type P = { AccountSid: string; Sid: string };

export function applicationJson(a: ApplicationRecord): Record<string, unknown> {
  return {
    account_sid: a.accountSid,
    api_version: API_VERSION,
    date_created: rfc2822(a.dateCreated),
    date_updated: rfc2822(a.dateUpdated),
    friendly_name: a.friendlyName,
    message_status_callback: null,
    public_application_connect_enabled: true,
    sid: a.sid,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_status_callback: null,
    sms_url: null,
    status_callback: a.statusCallback,
    status_callback_method: a.statusCallbackMethod,
    uri: `${accountPath(a.accountSid)}/Applications/${a.sid}.json`,
    voice_caller_id_lookup: a.voiceCallerIdLookup,
    voice_fallback_method: a.voiceFallbackMethod,
    voice_fallback_url: a.voiceFallbackUrl,
    voice_method: a.voiceMethod,
    voice_url: a.voiceUrl,
  };
}

/** The fields a create or update request sets; absent parameters stay undefined. */
function readFields(params: Params): Omit<ApplicationPatch, 'dateUpdated'> {
  const fields: { -readonly [K in keyof Omit<ApplicationPatch, 'dateUpdated'>]: ApplicationPatch[K] } = {};
  const friendlyName = optionalText(params, 'FriendlyName', 64);
  if (friendlyName !== undefined) fields.friendlyName = friendlyName;
  const voiceUrl = optionalUrl(params, 'VoiceUrl');
  if (voiceUrl !== undefined) fields.voiceUrl = voiceUrl;
  const voiceMethod = optionalMethod(params, 'VoiceMethod');
  if (voiceMethod !== undefined) fields.voiceMethod = voiceMethod;
  const voiceFallbackUrl = optionalUrl(params, 'VoiceFallbackUrl');
  if (voiceFallbackUrl !== undefined) fields.voiceFallbackUrl = voiceFallbackUrl;
  const voiceFallbackMethod = optionalMethod(params, 'VoiceFallbackMethod');
  if (voiceFallbackMethod !== undefined) fields.voiceFallbackMethod = voiceFallbackMethod;
  const statusCallback = optionalUrl(params, 'StatusCallback');
  if (statusCallback !== undefined) fields.statusCallback = statusCallback;
  const statusCallbackMethod = optionalMethod(params, 'StatusCallbackMethod');
  if (statusCallbackMethod !== undefined) fields.statusCallbackMethod = statusCallbackMethod;
  const lookup = optionalBoolean(params, 'VoiceCallerIdLookup');
  if (lookup !== undefined) fields.voiceCallerIdLookup = lookup;
  const apiVersion = first(params, 'ApiVersion');
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== API_VERSION) {
    throw new VoiceError(20001, `ApiVersion must be ${API_VERSION}`);
  }
  return fields;
}

export function applicationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Applications`;

  app.post<{ Params: P }>(`${base}.json`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const f = readFields(requestParams(req));
    const now = deps.clock.now();
    const record: ApplicationRecord = {
      sid: deps.ids.sid('application'),
      accountSid,
      friendlyName: f.friendlyName ?? '',
      voiceUrl: f.voiceUrl ?? null,
      voiceMethod: f.voiceMethod ?? 'POST',
      voiceFallbackUrl: f.voiceFallbackUrl ?? null,
      voiceFallbackMethod: f.voiceFallbackMethod ?? 'POST',
      statusCallback: f.statusCallback ?? null,
      statusCallbackMethod: f.statusCallbackMethod ?? 'POST',
      voiceCallerIdLookup: f.voiceCallerIdLookup ?? false,
      dateCreated: now,
      dateUpdated: now,
    };
    await deps.store.applications.insert(record);
    return reply.code(201).send(applicationJson(record));
  });

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const params = queryParams(req);
    const query = readPage(params);
    const friendlyName = first(params, 'FriendlyName');
    const filter = friendlyName === undefined ? {} : { friendlyName };
    const page = await deps.store.applications.list(accountSid, filter, query);
    const filters: Record<string, string> = friendlyName === undefined ? {} : { FriendlyName: friendlyName };
    return legacyList('applications', `${accountPath(accountSid)}/Applications.json`, filters, query, page, page.items.map(applicationJson));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('application', req.params.Sid);
    const found = await deps.store.applications.get(accountSid, sid);
    if (found === null) throw notFound('Application', sid);
    return applicationJson(found);
  });

  app.post<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('application', req.params.Sid);
    const fields = readFields(requestParams(req));
    const updated = await deps.store.applications.update(accountSid, sid, { ...fields, dateUpdated: deps.clock.now() });
    if (updated === null) throw notFound('Application', sid);
    return applicationJson(updated);
  });

  app.delete<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('application', req.params.Sid);
    if (!(await deps.store.applications.delete(accountSid, sid))) throw notFound('Application', sid);
    return reply.code(204).send();
  });
}
