/**
 * Places a phone leg: `<Number>` through the account's trunk (number written the carrier's way,
 * digest credentials, outbound proxy, geo permissions checked first) or `<Sip>` straight to its URI.
 * SIP outcomes map to Twilio's: 486/600 busy; 408/480/487 no-answer; 401/403/407 failed (32200);
 * anything else failed (32011) with the SIP status in the message.
 */
import { VoiceError } from '@denwa/protocol';
import type { MediaEventListener, MediaPort, MediaResult, PhoneDialRequest, PhoneLeg, PhoneLegEnd, PhoneLegEvent } from '../../calls/index.ts';
import type { Logger } from '../../core/index.ts';
import type { SipTrunkRecord } from '../../store/ports.ts';
import { parseSipUri } from '../message/index.ts';
import type { OutgoingInvite, SipSession, SipUserAgent } from '../ua/index.ts';
import { countryOf, countryOfCode, formatForTrunk, isE164, toE164 } from './numbers.ts';

export interface OutboundDeps {
  readonly ua: SipUserAgent;
  readonly media: MediaPort;
  /** Denwa's public host (From and Contact). */
  readonly host: string;
  /** A host name or address → an IP address (null when it does not resolve). */
  readonly resolve: (host: string) => Promise<string | null>;
  readonly log: Logger;
}

/** `host[:port]` → its parts (IPv6 in brackets). */
export function splitHostPort(text: string): { readonly host: string; readonly port: number | null } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6 !== null) return { host: v6[1] ?? '', port: v6[2] === undefined ? null : Number(v6[2]) };
  const [host = '', port] = text.split(':');
  return { host, port: port === undefined ? null : Number(port) };
}

/** Digits of an INFO DTMF body: `application/dtmf-relay` (`Signal=5`) or `application/dtmf` (`5`). */
export function infoDigits(contentType: string, body: string): string | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  const signal = type === 'application/dtmf-relay' ? /signal\s*=\s*([0-9*#A-D])/i.exec(body)?.[1] : type === 'application/dtmf' ? /^\s*([0-9*#A-D])/i.exec(body)?.[1] : undefined;
  return signal === undefined ? null : signal.toUpperCase();
}

function refuse(code: 13224 | 13227 | 31000, message: string): MediaResult<PhoneLeg> {
  return { ok: false, error: new VoiceError(code, message) };
}

function endFor(status: number, reason: string): PhoneLegEnd {
  if (status === 486 || status === 600) return { kind: 'busy', sipStatus: status };
  if (status === 408 || status === 480 || status === 487) return { kind: 'no-answer', sipStatus: status };
  if (status === 401 || status === 403 || status === 407) return { kind: 'failed', sipStatus: status, error: new VoiceError(32200, `SIP ${String(status)} ${reason}`) };
  return { kind: 'failed', sipStatus: status, error: new VoiceError(32011, `SIP ${String(status)} ${reason}`) };
}

interface Route {
  readonly uri: string;
  readonly to: string;
  readonly from: string;
  readonly proxy: string;
  readonly codecs: readonly string[];
  /** SDES-SRTP on the leg: the trunk's setting; `optional` for a `sips:` URI; else off. */
  readonly srtp: 'off' | 'optional' | 'required';
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** `host[:port]` → `sip:<ip>[:port][;transport=…]` (the host resolved), or null when it does not resolve. */
export async function proxyUri(deps: Pick<OutboundDeps, 'resolve'>, hostPort: string, transport: string): Promise<string | null> {
  const { host, port } = splitHostPort(hostPort);
  const ip = await deps.resolve(host);
  if (ip === null) return null;
  const h = ip.includes(':') ? `[${ip}]` : ip;
  return `sip:${h}${port === null ? '' : `:${String(port)}`}${transport === 'udp' ? '' : `;transport=${transport}`}`;
}

/** Where and how a request goes, or why it may not. */
export async function routeFor(deps: OutboundDeps, trunk: SipTrunkRecord | null, req: PhoneDialRequest): Promise<Route | VoiceError> {
  const callerE164 = toE164(req.from.replace(/^client:.*$/, ''), trunk?.countryCode ?? '1');
  if (/^sips?:/i.test(req.to)) {
    const uri = parseSipUri(req.to);
    if (uri === null || uri.scheme === 'tel') return new VoiceError(13224, `not a SIP URI: ${req.to}`);
    const transport = uri.scheme === 'sips' ? 'tls' : (uri.params.get('transport') ?? 'udp').toLowerCase();
    const proxy = await proxyUri(deps, `${uri.host.includes(':') ? `[${uri.host}]` : uri.host}${uri.port === null ? '' : `:${String(uri.port)}`}`, transport);
    if (proxy === null) return new VoiceError(13224, `the host of ${req.to} does not resolve`);
    const from = `<sip:${callerE164 ?? 'anonymous'}@${deps.host}>`;
    return {
      uri: req.to, to: `<${req.to}>`, from, proxy, codecs: [...new Set([...req.codecs, 'PCMU', 'PCMA'])], srtp: uri.scheme === 'sips' ? 'optional' : 'off',
      ...(req.credentials === undefined ? {} : { credentials: req.credentials }),
    };
  }
  if (!isE164(req.to)) return new VoiceError(13224, `not an E.164 number: ${req.to}`);
  if (trunk === null) return new VoiceError(13224, 'no SIP trunk is configured for the phone network');
  const country = countryOf(req.to);
  const allowed = trunk.allowedCountries.length > 0 ? trunk.allowedCountries : [countryOfCode(trunk.countryCode)];
  if (!allowed.includes(country) && !allowed.includes('*')) {
    return new VoiceError(13227, `geo permissions of trunk ${trunk.sid} do not allow calls to ${country} (${req.to})`);
  }
  const user = formatForTrunk(req.to, trunk.numberFormat, trunk.countryCode);
  const fromUser = callerE164 === null ? 'anonymous' : formatForTrunk(callerE164, trunk.numberFormat, trunk.countryCode);
  const transportParam = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const uri = `sip:${user}@${trunk.host}${transportParam}`;
  const proxy = await proxyUri(deps, trunk.outboundProxy ?? trunk.host, trunk.transport);
  if (proxy === null) return new VoiceError(13224, `trunk ${trunk.sid}: ${trunk.outboundProxy ?? trunk.host} does not resolve`);
  const { host } = splitHostPort(trunk.host);
  const passthrough = req.codecs.filter((c) => trunk.codecs.some((t) => t.toLowerCase() === c.toLowerCase()));
  const codecs = [...new Set([...passthrough, ...trunk.codecs])];
  return {
    uri, to: `<sip:${user}@${host}>`, from: `<sip:${fromUser}@${deps.host}>`, proxy, codecs, srtp: trunk.srtp,
    ...(trunk.username === null ? {} : { credentials: { username: trunk.username, password: trunk.password ?? '' } }),
  };
}

/** Dials `req` (see the module comment); events arrive until the leg is answered and after. */
export async function dialOut(
  deps: OutboundDeps,
  trunk: SipTrunkRecord | null,
  req: PhoneDialRequest,
  onEvent: (event: PhoneLegEvent) => void,
  onMedia: MediaEventListener,
): Promise<MediaResult<PhoneLeg>> {
  const route = await routeFor(deps, trunk, req);
  if (route instanceof VoiceError) return refuse(route.code === 13227 ? 13227 : 13224, route.message);
  let offer: Awaited<ReturnType<MediaPort['rtpOffer']>>;
  try {
    offer = await deps.media.rtpOffer({ label: req.label, codecs: route.codecs, srtp: route.srtp, onEvent: onMedia });
  } catch (err) {
    return refuse(31000, `no RTP port for the phone leg: ${err instanceof Error ? err.message : String(err)}`);
  }
  const endpoint = offer.endpoint;
  let session: SipSession | null = null;
  let early = false;
  let done = false;
  const end = (e: PhoneLegEnd): void => {
    if (done) return;
    done = true;
    endpoint.close();
    onEvent({ type: 'ended', end: e });
  };
  const headers: [string, string][] = trunk === null ? [] : [['P-Asserted-Identity', route.from]];
  const invite: OutgoingInvite = deps.ua.invite(
    { uri: route.uri, from: route.from, to: route.to, sdp: offer.sdp, proxy: route.proxy, headers, ...(route.credentials === undefined ? {} : { credentials: route.credentials }) },
    {
      progress: (_status, _reason, sdp) => {
        if (done) return;
        if (sdp !== null && !early) early = endpoint.applyAnswer(sdp).ok;
        onEvent({ type: 'ringing', earlyMedia: early });
      },
      answered: (s, sdp) => {
        if (done) {
          s.bye();
          return;
        }
        if (!early) {
          const applied = sdp === null ? null : endpoint.applyAnswer(sdp);
          if (applied === null || !applied.ok) {
            s.bye();
            end({ kind: 'failed', sipStatus: 488, error: new VoiceError(32011, `the far end answered with ${sdp === null ? 'no SDP' : 'an unusable SDP'}`) });
            return;
          }
        }
        session = s;
        s.events = {
          ended: (cause) => { if (cause !== 'bye-sent') end({ kind: 'hangup' }); },
          info: (type, body) => { const d = infoDigits(type, body); if (d !== null) onEvent({ type: 'dtmf', digits: d }); },
          offer: (sdp2) => { const r = endpoint.reoffer(sdp2); return r.ok ? { sdp: r.value } : { refuse: 488 }; },
        };
        onEvent({ type: 'answered' });
      },
      failed: (status, reason) => { end(endFor(status, reason)); },
    },
  );
  deps.log.debug({ callSid: req.callSid, uri: route.uri, proxy: route.proxy }, 'phone leg dialed');
  return {
    ok: true,
    value: {
      endpoint,
      cancel: () => { done = true; invite.cancel(); endpoint.close(); },
      hangup: () => { done = true; session?.bye(); },
    },
  };
}
