/**
 * A call arriving on a trunk: the source must be on a trunk's allow-list (else 403), the called number
 * one of that account's numbers (else 404), the offer usable (else 488). Then the number's TwiML runs
 * through the call engine with Twilio's inbound parameters, and the engine drives the SIP side
 * (180, 200, failure responses, BYE) through an {@link InboundPhoneLeg}.
 */
import type { IncomingPhoneCallHandle, IncomingPhoneCallRequest, InboundPhoneLeg, MediaEndpointEvent, MediaPort, TwimlSource } from '../../calls/index.ts';
import type { Logger } from '../../core/index.ts';
import type { PhoneNumberRecord, SipTrunkRecord, Store } from '../../store/ports.ts';
import { parseNameAddr, parseSipUri } from '../message/index.ts';
import type { IncomingInvite } from '../ua/index.ts';
import { geoParams } from '../../core/index.ts';
import { toE164 } from './numbers.ts';
import { infoDigits } from './outbound.ts';
import { ipMatches } from './screen.ts';

export interface InboundDeps {
  readonly store: Pick<Store, 'phoneNumbers' | 'sipTrunks' | 'applications'>;
  readonly media: MediaPort;
  readonly log: Logger;
  /** The engine (bound once it exists). */
  readonly calls: () => { incomingPhoneCall(req: IncomingPhoneCallRequest): IncomingPhoneCallHandle } | null;
  /** The trunks and their resolved host addresses. */
  readonly trunks: () => Promise<readonly { readonly trunk: SipTrunkRecord; readonly address: string | null }[]>;
}

/** The trunk an INVITE from `source` belongs to: its allow-list, or its host's address when the list is empty. */
export function trunkForSource(trunks: readonly { readonly trunk: SipTrunkRecord; readonly address: string | null }[], source: string): SipTrunkRecord | null {
  for (const { trunk, address } of trunks) {
    const allowed = trunk.allowedSources.length > 0 ? trunk.allowedSources : address === null ? [] : [address];
    if (allowed.some((entry) => ipMatches(source, entry))) return trunk;
  }
  return null;
}

async function twimlFor(deps: InboundDeps, number: PhoneNumberRecord): Promise<TwimlSource | null> {
  if (number.voiceApplicationSid !== null) {
    const app = await deps.store.applications.get(number.accountSid, number.voiceApplicationSid);
    if (app?.voiceUrl == null) return null;
    return { kind: 'url', url: app.voiceUrl, method: app.voiceMethod, fallbackUrl: app.voiceFallbackUrl, fallbackMethod: app.voiceFallbackMethod };
  }
  if (number.voiceUrl === null) return null;
  return { kind: 'url', url: number.voiceUrl, method: number.voiceMethod, fallbackUrl: number.voiceFallbackUrl, fallbackMethod: number.voiceFallbackMethod };
}

/** Handles one new INVITE (never throws; every failure is a SIP response). */
export async function acceptInbound(deps: InboundDeps, invite: IncomingInvite): Promise<void> {
  const trunk = trunkForSource(await deps.trunks(), invite.source.address);
  if (trunk === null) {
    deps.log.info({ source: invite.source.address }, 'INVITE from a source on no trunk allow-list refused');
    invite.reject(403, 'Forbidden');
    return;
  }
  const user = parseSipUri(invite.request.uri)?.user ?? parseSipUri(parseNameAddr(invite.request.headers.get('To') ?? '')?.uri ?? '')?.user ?? '';
  const called = toE164(decodeURIComponent(user), trunk.countryCode);
  const number = called === null ? null : await deps.store.phoneNumbers.getByNumber(called);
  if (called === null || number === null || number.accountSid !== trunk.accountSid || (number.trunkSid !== null && number.trunkSid !== trunk.sid)) {
    invite.reject(404, 'Not Found');
    return;
  }
  const twiml = await twimlFor(deps, number);
  const engine = deps.calls();
  if (twiml === null || engine === null) {
    invite.reject(480, 'Temporarily Unavailable');
    return;
  }
  if (invite.sdp === null) {
    invite.reject(488, 'Not Acceptable Here');
    return;
  }
  const fromAddr = parseNameAddr(invite.request.headers.get('From') ?? '');
  const fromUser = parseSipUri(fromAddr?.uri ?? '')?.user ?? 'anonymous';
  const from = toE164(decodeURIComponent(fromUser), trunk.countryCode) ?? decodeURIComponent(fromUser);
  let handle: IncomingPhoneCallHandle | null = null;
  const answered = await deps.media.rtpAnswer(invite.sdp, {
    label: `${trunk.sid} ${invite.callId}`,
    codecs: trunk.codecs,
    srtp: trunk.srtp,
    onEvent: (event: MediaEndpointEvent) => { handle?.media(event); },
  });
  if (!answered.ok) {
    // No free RTP port is the server's trouble (503); anything else is the offer's (488).
    if (answered.error.code === 53405) invite.reject(503, 'Service Unavailable');
    else invite.reject(488, 'Not Acceptable Here');
    return;
  }
  const endpoint = answered.value.endpoint;
  if (invite.state !== 'pending') {
    endpoint.close();
    return;
  }
  let session: ReturnType<IncomingInvite['accept']> = null;
  const leg: InboundPhoneLeg = {
    endpoint,
    ringing: (earlyMedia) => { invite.progress(earlyMedia ? 183 : 180, ...(earlyMedia ? [endpoint.localSdp] : [])); },
    answer: () => {
      session = invite.accept(endpoint.localSdp);
      if (session === null) return;
      session.events = {
        ended: (cause) => { if (cause !== 'bye-sent') handle?.remoteEnded(); },
        info: (type, body) => { const d = infoDigits(type, body); if (d !== null) handle?.digits(d); },
        offer: (sdp) => { const r = endpoint.reoffer(sdp); return r.ok ? { sdp: r.value } : { refuse: 488 }; },
      };
    },
    reject: (kind, sipStatus) => {
      const status = sipStatus ?? (kind === 'busy' ? 486 : kind === 'no-answer' ? 480 : 503);
      invite.reject(status, status === 486 ? 'Busy Here' : status === 480 ? 'Temporarily Unavailable' : 'Service Unavailable');
    },
    hangup: () => { session?.bye(); },
  };
  const callerName = fromAddr?.displayName ?? null;
  const started = engine.incomingPhoneCall({
    accountSid: number.accountSid,
    phoneNumberSid: number.sid,
    trunkSid: trunk.sid,
    from,
    to: called,
    callerName,
    twiml,
    statusCallback: number.statusCallback === null ? null : { url: number.statusCallback, method: number.statusCallbackMethod },
    params: { ...(callerName === null ? {} : { CallerName: callerName }), ...geoParams(from, called) },
    leg,
  });
  handle = started;
  invite.onCancel = () => { started.remoteEnded(); };
}
