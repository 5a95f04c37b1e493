/**
 * `/v1/SipTrunks` — SIP trunks to carriers (Denwa's resource; Twilio's Elastic SIP Trunking has a
 * different shape). Phone numbers name a trunk by its `TK…` sid (`TrunkSid`).
 *
 * The password is write-only: responses carry `has_password` instead, and a Password in the URL's
 * query string is refused so it cannot end up in access logs. Deleting a trunk unbinds the phone
 * numbers that named it (their `trunk_sid` becomes null).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VoiceError } from '@denwa/protocol';
import type { SipTrunkPatch, SipTrunkRecord } from '../store/ports.ts';
import { notFound, principalFor, queryParams, requestParams, sidParam, type ApiDeps } from './context.ts';
import { optionalBoolean, optionalText, type Params } from './form.ts';
import { iso8601 } from './format.ts';
import { readPage, v1List } from './paging.ts';
import {
  hostParam,
  NUMBER_FORMATS,
  optionalChoice,
  optionalCodecs,
  optionalCountries,
  optionalCountryCode,
  optionalHostParam,
  optionalInteger,
  optionalPassword,
  optionalSources,
  optionalUsername,
  SRTP_MODES,
  TRANSPORTS,
} from './sip-trunk-params.ts';

type P = { Sid: string };

type Fields = { -readonly [K in keyof Omit<SipTrunkPatch, 'dateUpdated'>]: SipTrunkPatch[K] };

const BASE = '/v1/SipTrunks';

/** What a trunk is created with when a parameter is absent. */
const DEFAULTS = {
  friendlyName: '',
  outboundProxy: null,
  transport: 'udp',
  username: null,
  password: null,
  register: false,
  registerExpires: 3600,
  codecs: ['PCMU', 'PCMA'],
  countryCode: '1',
  numberFormat: 'e164',
  allowedSources: [],
  srtp: 'off',
  allowedCountries: [],
} as const satisfies Omit<SipTrunkRecord, 'sid' | 'accountSid' | 'host' | 'dateCreated' | 'dateUpdated'>;

/** The trunk as the API shows it: snake_case, ISO 8601 dates, and never the password. */
export function sipTrunkJson(deps: ApiDeps, t: SipTrunkRecord): Record<string, unknown> {
  return {
    sid: t.sid,
    account_sid: t.accountSid,
    friendly_name: t.friendlyName,
    host: t.host,
    outbound_proxy: t.outboundProxy,
    transport: t.transport,
    username: t.username,
    has_password: t.password !== null,
    register: t.register,
    register_expires: t.registerExpires,
    codecs: [...t.codecs],
    country_code: t.countryCode,
    number_format: t.numberFormat,
    allowed_sources: [...t.allowedSources],
    srtp: t.srtp,
    allowed_countries: [...t.allowedCountries],
    date_created: iso8601(t.dateCreated),
    date_updated: iso8601(t.dateUpdated),
    url: `${deps.publicUrl}${BASE}/${t.sid}`,
    links: {},
  };
}

/** The fields a create or update request sets; absent parameters stay undefined. */
function readFields(params: Params): Fields {
  const fields: Fields = {};
  const friendlyName = optionalText(params, 'FriendlyName', 255);
  if (friendlyName !== undefined) fields.friendlyName = friendlyName;
  const host = hostParam(params, 'Host');
  if (host !== undefined) fields.host = host;
  const outboundProxy = optionalHostParam(params, 'OutboundProxy');
  if (outboundProxy !== undefined) fields.outboundProxy = outboundProxy;
  const transport = optionalChoice(params, 'Transport', TRANSPORTS);
  if (transport !== undefined) fields.transport = transport;
  const username = optionalUsername(params, 'Username');
  if (username !== undefined) fields.username = username;
  const password = optionalPassword(params, 'Password');
  if (password !== undefined) fields.password = password;
  const register = optionalBoolean(params, 'Register');
  if (register !== undefined) fields.register = register;
  const registerExpires = optionalInteger(params, 'RegisterExpires', 60, 86400);
  if (registerExpires !== undefined) fields.registerExpires = registerExpires;
  const codecs = optionalCodecs(params, 'Codecs');
  if (codecs !== undefined) fields.codecs = codecs;
  const countryCode = optionalCountryCode(params, 'CountryCode');
  if (countryCode !== undefined) fields.countryCode = countryCode;
  const numberFormat = optionalChoice(params, 'NumberFormat', NUMBER_FORMATS);
  if (numberFormat !== undefined) fields.numberFormat = numberFormat;
  const allowedSources = optionalSources(params, 'AllowedSources');
  if (allowedSources !== undefined) fields.allowedSources = allowedSources;
  const srtp = optionalChoice(params, 'Srtp', SRTP_MODES);
  if (srtp !== undefined) fields.srtp = srtp;
  const allowedCountries = optionalCountries(params, 'AllowedCountries');
  if (allowedCountries !== undefined) fields.allowedCountries = allowedCountries;
  return fields;
}

/** Reads the request's fields, refusing a password carried in the URL. */
function readRequest(req: FastifyRequest): Fields {
  if (queryParams(req)['Password'] !== undefined) {
    throw new VoiceError(20001, 'Password must be sent in the form body, not in the URL');
  }
  return readFields(requestParams(req));
}

/** Refuses a trunk that would register without credentials. */
function checkConsistent(trunk: Pick<SipTrunkRecord, 'register' | 'username'>): void {
  if (trunk.register && trunk.username === null) throw new VoiceError(20001, 'Register needs a Username');
}

export function sipTrunkRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post(BASE, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, null);
    const f = readRequest(req);
    if (f.host === undefined) throw new VoiceError(20001, 'Host is required');
    const now = deps.clock.now();
    const trunk: SipTrunkRecord = {
      ...DEFAULTS,
      ...f,
      host: f.host,
      sid: deps.ids.sid('trunk'),
      accountSid,
      dateCreated: now,
      dateUpdated: now,
    };
    checkConsistent(trunk);
    await deps.store.sipTrunks.insert(trunk);
    return reply.code(201).send(sipTrunkJson(deps, trunk));
  });

  app.get(BASE, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const query = readPage(queryParams(req));
    const page = await deps.store.sipTrunks.list(accountSid, query);
    return v1List('sip_trunks', `${deps.publicUrl}${BASE}`, query, page, page.items.map((t) => sipTrunkJson(deps, t)));
  });

  app.get<{ Params: P }>(`${BASE}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('trunk', req.params.Sid);
    const trunk = await deps.store.sipTrunks.get(accountSid, sid);
    if (trunk === null) throw notFound('SIP trunk', sid);
    return sipTrunkJson(deps, trunk);
  });

  app.post<{ Params: P }>(`${BASE}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('trunk', req.params.Sid);
    const fields = readRequest(req);
    const existing = await deps.store.sipTrunks.get(accountSid, sid);
    if (existing === null) throw notFound('SIP trunk', sid);
    checkConsistent({ ...existing, ...fields });
    const updated = await deps.store.sipTrunks.update(accountSid, sid, { ...fields, dateUpdated: deps.clock.now() });
    if (updated === null) throw notFound('SIP trunk', sid);
    return sipTrunkJson(deps, updated);
  });

  app.delete<{ Params: P }>(`${BASE}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, null);
    const sid = sidParam('trunk', req.params.Sid);
    if (!(await deps.store.sipTrunks.delete(accountSid, sid))) throw notFound('SIP trunk', sid);
    return reply.code(204).send();
  });
}
