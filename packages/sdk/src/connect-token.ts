/**
 * `Call.connectToken` and `Device.connect({connectToken})`: a ringing incoming call handed to
 * another device of the same identity (say, the same page after a reload), which picks it up by
 * resuming it with the call's reconnect token.
 */
import { TwilioError } from './errors.ts';

export interface ConnectTokenContents {
  readonly callSid: string;
  readonly reconnect: string;
  readonly parameters: Record<string, string>;
  readonly customParameters: Record<string, string>;
}

/** The token of a ringing call (base64 of the URI-encoded JSON, as 2.x makes it). */
export function encodeConnectToken(c: ConnectTokenContents): string {
  const json = JSON.stringify({ customParameters: c.customParameters, parameters: c.parameters, signalingReconnectToken: c.reconnect });
  return btoa(encodeURIComponent(json));
}

/** The contents of a `Call.connectToken`; a malformed token is refused with 31000. */
export function parseConnectToken(token: string): ConnectTokenContents {
  let raw: unknown;
  try {
    raw = JSON.parse(decodeURIComponent(atob(token)));
  } catch {
    throw new TwilioError(31000, 'connectToken is not a token from Call.connectToken');
  }
  const strings = (v: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries(typeof v === 'object' && v !== null ? v : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const { parameters, customParameters, signalingReconnectToken } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const params = strings(parameters);
  const callSid = params['CallSid'];
  if (typeof signalingReconnectToken !== 'string' || signalingReconnectToken === '' || callSid === undefined || !callSid.startsWith('CA')) {
    throw new TwilioError(31000, 'connectToken lacks its call sid or reconnect token');
  }
  return { callSid, reconnect: signalingReconnectToken, parameters: params, customParameters: strings(customParameters) };
}
