/**
 * `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` (create) and `POST …/Calls/{Sid}.json`
 * (`Status=completed|canceled`): the write side of the Calls resource, through the call engine.
 * `To` is a browser client (`client:<identity>`), a phone number in E.164 (visual separators allowed;
 * a simulator of the virtual carrier or the trunks) or a `sip:`/`sips:` URI; anything else is 21211.
 */
import type { FastifyInstance } from 'fastify';
import { VoiceError, isClientIdentity, isSid } from '@denwa/protocol';
import { compactNumber, isE164, type ProgressEvent } from '../calls/index.ts';
import { API_VERSION, notFound, principalFor, requestParams, sidParam, type ApiDeps } from './context.ts';
import { all, first, optionalMethod, optionalUrl } from './form.ts';
import { callJson } from './calls.ts';

type P = { AccountSid: string; Sid: string };

const PROGRESS_EVENTS: readonly ProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];
const MAX_TWIML = 4000;

/** `sip:` or `sips:`, an optional user part, a host (name, IPv4 or bracketed IPv6), an optional port and parameters. */
const SIP_URI = /^sips?:(?:[^\s@<>"]+@)?(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:;[^\s<>"]*)?$/i;

/** A destination Calls.create can dial, or why not (21211). */
function checkedTo(to: string): string {
  if (to.startsWith('client:')) {
    if (isClientIdentity(to.slice('client:'.length))) return to;
    throw new VoiceError(21211, `To "${to.slice(0, 64)}" is not a valid client:<identity> (letters, digits and underscores)`);
  }
  if (/^sips?:/i.test(to)) {
    if (to.length <= 256 && SIP_URI.test(to)) return to;
    throw new VoiceError(21211, `To "${to.slice(0, 64)}" is not a valid SIP URI`);
  }
  const number = compactNumber(to);
  if (isE164(number)) return number;
  throw new VoiceError(21211, `To "${to.slice(0, 64)}" is not an E.164 phone number (+ and 8–15 digits), a client:<identity> or a sip: URI`);
}

function required(value: string | undefined, code: 21201 | 21213, name: string): string {
  if (value === undefined || value === '') throw new VoiceError(code, `${name} is required`);
  return value;
}

export function callWriteRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = `/${API_VERSION}/Accounts/:AccountSid/Calls`;

  app.post<{ Params: P }>(`${base}.json`, async (req, reply) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const engine = deps.calls;
    if (engine === undefined) throw new VoiceError(20500, 'the call engine is not running');
    const params = requestParams(req);
    const to = checkedTo(required(first(params, 'To'), 21201, 'To'));
    const from = required(first(params, 'From'), 21213, 'From');
    const url = optionalUrl(params, 'Url');
    const twiml = first(params, 'Twiml');
    const applicationSid = first(params, 'ApplicationSid');
    let source: Parameters<typeof engine.createCall>[0]['twiml'];
    if (twiml !== undefined && twiml !== '') {
      if (twiml.length > MAX_TWIML) throw new VoiceError(20001, `Twiml is longer than ${String(MAX_TWIML)} characters`);
      source = { kind: 'inline', twiml };
    } else if (url != null) {
      source = { kind: 'url', url, method: optionalMethod(params, 'Method') ?? 'POST', fallbackUrl: optionalUrl(params, 'FallbackUrl') ?? null, fallbackMethod: optionalMethod(params, 'FallbackMethod') ?? 'POST' };
    } else if (applicationSid !== undefined && applicationSid !== '') {
      if (!isSid('application', applicationSid)) throw new VoiceError(21218, 'ApplicationSid is not an Application SID');
      const application = await deps.store.applications.get(accountSid, applicationSid);
      if (application?.voiceUrl == null) throw new VoiceError(21218, `application ${applicationSid} not found or without a VoiceUrl`);
      source = { kind: 'url', url: application.voiceUrl, method: application.voiceMethod, fallbackUrl: application.voiceFallbackUrl, fallbackMethod: application.voiceFallbackMethod };
    } else {
      throw new VoiceError(20001, 'one of Url, Twiml or ApplicationSid is required');
    }
    const timeoutText = first(params, 'Timeout');
    const timeout = timeoutText === undefined || timeoutText === '' ? 60 : Number(timeoutText);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600) throw new VoiceError(20001, 'Timeout must be an integer 1–600');
    const callbackUrl = optionalUrl(params, 'StatusCallback');
    const events = all(params, 'StatusCallbackEvent').flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
    for (const e of events) if (!(PROGRESS_EVENTS as readonly string[]).includes(e)) throw new VoiceError(20001, `StatusCallbackEvent "${e.slice(0, 32)}" is not one of ${PROGRESS_EVENTS.join(', ')}`);
    const record = engine.createCall({
      accountSid,
      to,
      from,
      twiml: source,
      timeoutSec: timeout,
      statusCallback: callbackUrl == null ? null : {
        url: callbackUrl,
        method: optionalMethod(params, 'StatusCallbackMethod') ?? 'POST',
        events: new Set(events.length === 0 ? ['completed'] : (events as ProgressEvent[])),
      },
    });
    return reply.code(201).send(callJson(record));
  });

  app.post<{ Params: P }>(`${base}/:Sid`, async (req) => {
    const { accountSid } = await principalFor(deps, req, req.params.AccountSid);
    const sid = sidParam('call', req.params.Sid);
    const call = await deps.store.calls.get(accountSid, sid);
    if (call === null) throw notFound('Call', sid);
    const status = first(requestParams(req), 'Status');
    if (status !== undefined && status !== '') {
      if (status !== 'completed' && status !== 'canceled') throw new VoiceError(20001, 'Status must be completed or canceled');
      if (deps.calls?.hangupCall(sid, status) !== true) throw new VoiceError(21220, `call ${sid} is not ${status === 'canceled' ? 'ringing' : 'live'}`);
    } else {
      throw new VoiceError(20001, 'this server updates calls with Status only (Url/Twiml redirects are not supported yet)');
    }
    return callJson((await deps.store.calls.get(accountSid, sid)) ?? call);
  });
}
