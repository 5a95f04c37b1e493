/**
 * `/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers` — the numbers this server answers, in
 * Twilio's shape. Denwa does not buy numbers: `PhoneNumber` is required and names a number the
 * account brings (from its SIP trunk's carrier, or a virtual one for local development). A number is
 * unique across the server.
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, isSid, type AccountSid, type ApplicationSid, type TrunkSid } from '@denwa/protocol';
import { StoreConflictError, type PhoneNumberPatch, type PhoneNumberRecord } from '../store/ports.ts';
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

type Fields = { -readonly [K in keyof Omit<PhoneNumberPatch, 'dateUpdated'>]: PhoneNumberPatch[K] };

/** E.164: `+`, then 8 to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{7,14}$/;

/** A list filter: digits, `+` and the `*` wildcard. */
const NUMBER_PATTERN = /^[+\d*]{1,16}$/;

/** Twilio's name for a new number: `(415) 555-1234` for a North American number, else the E.164 text. */
export function defaultFriendlyName(phoneNumber: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phoneNumber);
  return nanp === null ? phoneNumber : `(${nanp[1] ?? ''}) ${nanp[2] ?? ''}-${nanp[3] ?? ''}`;
}

/** The number as Twilio returns an IncomingPhoneNumber, plus Denwa's `virtual`. */
export function phoneNumberJson(n: PhoneNumberRecord): Record<string, unknown> {
  const uri = `${accountPath(n.accountSid)}/IncomingPhoneNumbers/${n.sid}`;
  return {
    account_sid: n.accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: { fax: false, mms: false, sms: false, voice: true },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'denwa',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_url: null,
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    subresource_uris: { assigned_add_ons: `${uri}/AssignedAddOns.json` },
    trunk_sid: n.trunkSid,
    uri: `${uri}.json`,
    virtual: n.virtual,
    voice_application_sid: n.voiceApplicationSid,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

/** The application a VoiceApplicationSid names in the account; empty clears it. Refused with 21218. */
async function applicationParam(deps: ApiDeps, accountSid: AccountSid, params: Params): Promise<ApplicationSid | null | undefined> {
  const v = first(params, 'VoiceApplicationSid');
  if (v === undefined) return undefined;
  if (v === '') return null;
  if (!isSid('application', v) || (await deps.store.applications.get(accountSid, v)) === null) {
    throw new VoiceError(21218, `VoiceApplicationSid ${v.slice(0, 64)} is not an application of this account`);
  }
  return v;
}

/** The trunk a TrunkSid names in the account; empty clears it. Refused with 20001. */
async function trunkParam(deps: ApiDeps, accountSid: AccountSid, params: Params): Promise<TrunkSid | null | undefined> {
  const v = first(params, 'TrunkSid');
  if (v === undefined) return undefined;
  if (v === '') return null;
  if (!isSid('trunk', v) || (await deps.store.sipTrunks.get(accountSid, v)) === null) {
    throw new VoiceError(20001, `TrunkSid ${v.slice(0, 64)} is not a SIP trunk of this account`);
  }
  return v;
}

/** The fields a create or update request sets; absent parameters stay undefined. */
async function readFields(deps: ApiDeps, accountSid: AccountSid, params: Params): Promise<Fields> {
  const fields: Fields = {};
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
  const virtual = optionalBoolean(params, 'Virtual');
  if (virtual !== undefined) fields.virtual = virtual;
  const apiVersion = first(params, 'ApiVersion');
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== API_VERSION) {
    throw new VoiceError(20001, `ApiVersion must be ${API_VERSION}`);
  }
  // The lookups last, so a malformed parameter is refused before the store is asked.
  const voiceApplicationSid = await applicationParam(deps, accountSid, params);
  if (voiceApplicationSid !== undefined) fields.voiceApplicationSid = voiceApplicationSid;
  const trunkSid = await trunkParam(deps, accountSid, params);
  if (trunkSid !== undefined) fields.trunkSid = trunkSid;
  return fields;
}

/** The required, E.164 PhoneNumber of a create request. */
function phoneNumberParam(params: Params): string {
  const v = first(params, 'PhoneNumber');
  if (v === undefined || v === '') {
    if (first(params, 'AreaCode') !== undefined) {
      throw new VoiceError(20001, 'AreaCode is not supported: Denwa does not buy numbers; pass the PhoneNumber to use');
    }
    throw new VoiceError(20001, 'PhoneNumber is required');
  }
  if (!E164.test(v)) throw new VoiceError(21421, `${JSON.stringify(v.slice(0, 32))} is not an E.164 number such as +815012345678`);
  return v;
}

export function phoneNumberRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/IncomingPhoneNumbers`;

  app.post<{ Params: P }>(`${base}.json`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const params = requestParams(req);
    const phoneNumber = phoneNumberParam(params);
    const f = await readFields(deps, accountSid, params);
    const now = deps.clock.now();
    const record: PhoneNumberRecord = {
      sid: deps.ids.sid('phoneNumber'),
      accountSid,
      phoneNumber,
      friendlyName: f.friendlyName ?? defaultFriendlyName(phoneNumber),
      voiceUrl: f.voiceUrl ?? null,
      voiceMethod: f.voiceMethod ?? 'POST',
      voiceFallbackUrl: f.voiceFallbackUrl ?? null,
      voiceFallbackMethod: f.voiceFallbackMethod ?? 'POST',
      voiceApplicationSid: f.voiceApplicationSid ?? null,
      statusCallback: f.statusCallback ?? null,
      statusCallbackMethod: f.statusCallbackMethod ?? 'POST',
      trunkSid: f.trunkSid ?? null,
      virtual: f.virtual ?? false,
      dateCreated: now,
      dateUpdated: now,
    };
    try {
      await deps.store.phoneNumbers.insert(record);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw new VoiceError(21422, `${phoneNumber} is already an incoming phone number of this server`, { cause: error });
      }
      throw error;
    }
    return reply.code(201).send(phoneNumberJson(record));
  });

  app.get<{ Params: P }>(`${base}.json`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const params = queryParams(req);
    const query = readPage(params);
    const friendlyName = first(params, 'FriendlyName');
    const number = first(params, 'PhoneNumber');
    if (number !== undefined && number !== '' && !NUMBER_PATTERN.test(number)) {
      throw new VoiceError(20001, 'PhoneNumber must be digits, an optional + and * wildcards');
    }
    const filter = {
      ...(friendlyName === undefined ? {} : { friendlyName }),
      ...(number === undefined || number === '' ? {} : { phoneNumber: number }),
    };
    const page = await deps.store.phoneNumbers.list(accountSid, filter, query);
    const filters: Record<string, string> = {
      ...(filter.phoneNumber === undefined ? {} : { PhoneNumber: filter.phoneNumber }),
      ...(filter.friendlyName === undefined ? {} : { FriendlyName: filter.friendlyName }),
    };
    const path = `${accountPath(accountSid)}/IncomingPhoneNumbers.json`;
    return legacyList('incoming_phone_numbers', path, filters, query, page, page.items.map(phoneNumberJson));
  });

  app.get<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('phoneNumber', req.params.Sid);
    const found = await deps.store.phoneNumbers.get(accountSid, sid);
    if (found === null) throw notFound('IncomingPhoneNumber', sid);
    return phoneNumberJson(found);
  });

  app.post<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('phoneNumber', req.params.Sid);
    // As on Twilio, the number itself cannot change: a PhoneNumber parameter is ignored.
    const fields = await readFields(deps, accountSid, requestParams(req));
    const updated = await deps.store.phoneNumbers.update(accountSid, sid, { ...fields, dateUpdated: deps.clock.now() });
    if (updated === null) throw notFound('IncomingPhoneNumber', sid);
    return phoneNumberJson(updated);
  });

  app.delete<{ Params: P }>(`${base}/:Sid`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('phoneNumber', req.params.Sid);
    if (!(await deps.store.phoneNumbers.delete(accountSid, sid))) throw notFound('IncomingPhoneNumber', sid);
    return reply.code(204).send();
  });
}
