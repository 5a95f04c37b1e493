/**
 * `/v1/TwimlBins` — TwiML Bins (Denwa's resource; Twilio has them only in its console), and their
 * public URLs `/twiml/{Sid}`, which answer GET and POST with the bin's TwiML, rendering `{{Name}}`
 * placeholders from the request parameters.
 *
 * A bin URL answers only requests signed with `X-Twilio-Signature` by the bin's account (as every
 * Denwa webhook request is) or carrying that account's HTTP Basic credentials.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VoiceError, type AccountSid } from '@denwa/protocol';
import type { TwimlBinPatch, TwimlBinRecord } from '../store/ports.ts';
import { parseTwiml, renderTwimlTemplate } from '../twiml/index.ts';
import { validateTwilioSignature } from '../webhooks/index.ts';
import { authenticate } from './auth.ts';
import { notFound, principalFor, queryParams, requestParams, sidParam, type ApiDeps } from './context.ts';
import { first, optionalText, paramsOf, type Params } from './form.ts';
import { iso8601 } from './format.ts';
import { readPage, v1List } from './paging.ts';

type P = { Sid: string };

export function binUrl(deps: ApiDeps, bin: TwimlBinRecord): string {
  return `${deps.publicUrl}/twiml/${bin.sid}`;
}

export function twimlBinJson(deps: ApiDeps, bin: TwimlBinRecord): Record<string, unknown> {
  return {
    sid: bin.sid,
    account_sid: bin.accountSid,
    friendly_name: bin.friendlyName,
    twiml: bin.twiml,
    url: binUrl(deps, bin),
    date_created: iso8601(bin.dateCreated),
    date_updated: iso8601(bin.dateUpdated),
    links: {},
  };
}

/** Validates bin TwiML (placeholders allowed; at most 64 KiB); throws its 12100/12200 error. */
function checkedTwiml(params: Params, required: boolean): string | undefined {
  const twiml = first(params, 'Twiml');
  if (twiml === undefined) {
    if (required) throw new VoiceError(20001, 'Twiml is required');
    return undefined;
  }
  const result = parseTwiml(twiml, { templated: true });
  if (!result.ok) throw result.error;
  return twiml;
}

/** True when the request is signed by, or authenticated as, the bin's account. */
async function mayFetch(deps: ApiDeps, req: FastifyRequest, accountSid: AccountSid, body: Params): Promise<boolean> {
  const account = await deps.store.accounts.get(accountSid);
  if (account?.status !== 'active') return false;
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature === 'string' && signature !== '') {
    const signedParams = req.method === 'POST' ? body : null;
    const candidates = [`${req.protocol}://${req.host}${req.url}`, `${deps.publicUrl}${req.url}`];
    if (candidates.some((url) => validateTwilioSignature(account.authToken, signature, url, signedParams))) return true;
  }
  if (req.headers.authorization !== undefined) {
    try {
      const principal = await authenticate(req.headers.authorization, deps.store, accountSid);
      return principal.accountSid === accountSid;
    } catch {
      return false;
    }
  }
  return false;
}

export function twimlBinRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = '/v1/TwimlBins';

  app.post(base, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, null);
    const params = requestParams(req);
    const friendlyName = optionalText(params, 'FriendlyName', 255) ?? '';
    const twiml = checkedTwiml(params, true) ?? '';
    const now = deps.clock.now();
    const bin: TwimlBinRecord = { sid: deps.ids.sid('twimlBin'), accountSid, friendlyName, twiml, dateCreated: now, dateUpdated: now };
    await deps.store.twimlBins.insert(bin);
    return reply.code(201).send(twimlBinJson(deps, bin));
  });

  app.get(base, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const query = readPage(queryParams(req));
    const page = await deps.store.twimlBins.list(accountSid, query);
    return v1List('twiml_bins', `${deps.publicUrl}${base}`, query, page, page.items.map((b) => twimlBinJson(deps, b)));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('twimlBin', req.params.Sid);
    const bin = await deps.store.twimlBins.get(accountSid, sid);
    if (bin === null) throw notFound('TwiML Bin', sid);
    return twimlBinJson(deps, bin);
  });

  app.post<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('twimlBin', req.params.Sid);
    const params = requestParams(req);
    const patch: { -readonly [K in keyof TwimlBinPatch]: TwimlBinPatch[K] } = { dateUpdated: deps.clock.now() };
    const friendlyName = optionalText(params, 'FriendlyName', 255);
    if (friendlyName !== undefined) patch.friendlyName = friendlyName;
    const twiml = checkedTwiml(params, false);
    if (twiml !== undefined) patch.twiml = twiml;
    const bin = await deps.store.twimlBins.update(accountSid, sid, patch);
    if (bin === null) throw notFound('TwiML Bin', sid);
    return twimlBinJson(deps, bin);
  });

  app.delete<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('twimlBin', req.params.Sid);
    if (!(await deps.store.twimlBins.delete(accountSid, sid))) throw notFound('TwiML Bin', sid);
    return reply.code(204).send();
  });

  const serve = async (req: FastifyRequest<{ Params: P }>, reply: FastifyReply) => {
    const sid = sidParam('twimlBin', req.params.Sid);
    const bin = await deps.store.twimlBins.getBySid(sid);
    if (bin === null) throw notFound('TwiML Bin', sid);
    const body = paramsOf(req.body);
    if (!(await mayFetch(deps, req, bin.accountSid, body))) {
      throw new VoiceError(20003, 'a TwiML Bin URL needs an X-Twilio-Signature or Basic credentials of its account');
    }
    const all = { ...paramsOf(req.query), ...body };
    const values: Record<string, string | undefined> = {};
    for (const name of Object.keys(all)) values[name] = first(all, name);
    return reply.type('text/xml; charset=utf-8').send(renderTwimlTemplate(bin.twiml, values));
  };
  app.get<{ Params: P }>('/twiml/:Sid', serve);
  app.post<{ Params: P }>('/twiml/:Sid', serve);
}
