/**
 * Ports of the call engine: the interfaces `calls/` depends on and adapters implement. The engine
 * never touches the network itself; `webhooks/` implements {@link WebhookClient}.
 */
import type { AccountSid, CallSid, VoiceError } from '@denwa/protocol';
import type { HttpMethod } from '../store/ports.ts';

/** One webhook request: where to send it and the Twilio parameters it carries. */
export interface WebhookRequest {
  /** Absolute http(s) URL, as configured (a GET's parameters are added to its query). */
  readonly url: string;
  readonly method: HttpMethod;
  /** The Twilio request parameters (`CallSid`, `From`, `CallStatus`, …). */
  readonly params: Readonly<Record<string, string>>;
  /** Whose auth token signs the request and whose notification log records failures. */
  readonly accountSid: AccountSid;
  readonly callSid: CallSid | null;
}

/** A voice URL request, with the fallback URL tried when the primary one fails. */
export type TwimlRequest = WebhookRequest & {
  /** Tried once when the primary URL fails in any way; `null` or absent for none. */
  readonly fallbackUrl?: string | null;
  /** Method for the fallback URL; POST when absent. */
  readonly fallbackMethod?: HttpMethod;
};

/**
 * The outcome of fetching TwiML. On success, `url` and `method` are those of the request that
 * answered (after redirects; the base for relative URLs in the document) and `usedFallback` tells
 * whether the fallback URL answered.
 */
export type TwimlFetchResult =
  | {
      readonly ok: true;
      readonly body: string;
      readonly url: string;
      readonly method: HttpMethod;
      readonly usedFallback: boolean;
    }
  | { readonly ok: false; readonly error: VoiceError };

/** The outcome of delivering a status callback; `status` is the 2xx HTTP status received. */
export type CallbackResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: VoiceError };

/**
 * Fetches voice URLs and delivers callbacks, signed with `X-Twilio-Signature` like Twilio's.
 * Failures are values (and are recorded as the account's notifications): neither method throws or
 * rejects.
 */
export interface WebhookClient {
  /** Requests TwiML from `req.url`, then from `req.fallbackUrl` if the first attempt fails. */
  fetchTwiml(req: TwimlRequest): Promise<TwimlFetchResult>;
  /** Delivers a status callback; any 2xx answer counts as delivered and its body is ignored. */
  sendCallback(req: WebhookRequest): Promise<CallbackResult>;
}
