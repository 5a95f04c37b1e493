/**
 * The webhook client: fetches voice URLs (TwiML) and delivers status callbacks over HTTP(S), signed
 * with `X-Twilio-Signature` as Twilio signs them, and records every failure as a notification.
 */
import { randomUUID } from 'node:crypto';
import { VoiceError, moreInfoUrl, type AccountSid } from '@denwa/protocol';
import type { CallbackResult, TwimlFetchResult, TwimlRequest, WebhookClient, WebhookRequest } from '../calls/ports.ts';
import type { Clock, IdGenerator, Logger } from '../core/index.ts';
import type { HttpMethod, NotificationRecord, NotificationStore } from '../store/ports.ts';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  FORM_CONTENT_TYPE,
  NOTIFICATION_CAPTURE_BYTES,
  REDIRECT_STATUSES,
  TWIML_MEDIA_TYPES,
} from './defaults.ts';
import { fetchFailure } from './fetch-error.ts';
import {
  captureHeaders,
  captureResponse,
  decodeUtf8,
  discardBody,
  mediaType,
  readCapped,
  type CapturedResponse,
} from './response-body.ts';
import { twilioSignature } from './signature.ts';
import { formEncode, logUrl, parseWebhookUrl, wireTarget, withQueryParams, withoutCredentials } from './webhook-url.ts';

/** Collaborators and limits of {@link HttpWebhookClient}. */
export interface HttpWebhookClientConfig {
  /** The auth token that signs the account's requests; null for an unknown account. */
  authTokenFor(accountSid: AccountSid): Promise<string | null>;
  readonly notifications: NotificationStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly log: Logger;
  /** Deadline per URL, covering redirects and the body. Default 15000. */
  readonly timeoutMs?: number;
  /** Largest TwiML body accepted; more is 11750. Default 65536. */
  readonly maxBodyBytes?: number;
  /** Redirects followed; one more is 11215. Default 10. */
  readonly maxRedirects?: number;
  /** Default `TwilioProxy/1.1`, as Twilio sends. */
  readonly userAgent?: string;
}

type Kind = 'twiml' | 'callback';

/** One request of a redirect chain. `url` is as configured or as the `Location` said. */
interface Hop {
  readonly url: URL;
  /** How the result names this URL: the configured string for the first hop. */
  readonly label: string;
  readonly method: HttpMethod;
  /** Whether the request parameters go along (the first hop, and POSTs kept by 307/308). */
  readonly withParams: boolean;
}

type AttemptOutcome =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly hop: Hop }
  | {
      readonly ok: false;
      readonly error: VoiceError;
      /** The request that failed, as a notification names it. */
      readonly requestUrl: string;
      readonly requestMethod: HttpMethod;
      readonly response: CapturedResponse | null;
    };

/** Browsers' rule: 303 always, and 301/302 after a POST, continue with a GET without body. */
function redirectMethod(status: number, method: HttpMethod): HttpMethod {
  return status === 303 || ((status === 301 || status === 302) && method === 'POST') ? 'GET' : method;
}

/**
 * {@link WebhookClient} over `fetch`. Requests carry `X-Twilio-Signature` (over exactly the URL
 * requested, plus the form parameters of a POST), `I-Twilio-Idempotency-Token` (new for every HTTP
 * request), `User-Agent: TwilioProxy/1.1` and `Accept: *\/*`. A GET carries the parameters in its
 * query; a POST as a form body. Redirects are followed and re-signed. Credentials in a URL
 * (`https://user:pass@host/…`) are sent as a preemptive Basic `Authorization` header and are not
 * part of the signed URL.
 *
 * Error codes: 11100 bad URL, 11200 non-2xx, 11205 refused/reset/timeout, 11206 malformed HTTP,
 * 11210 DNS, 11215 too many redirects, 11220 TLS, 11750 TwiML body too large, 12300 TwiML
 * `Content-Type` not `text/xml`, `application/xml` or `text/html`. An account with no auth token
 * (`authTokenFor` → null) is 20404 and nothing is sent or recorded (there is no account to file
 * a notification under); a failing token lookup is 20500. Every other failure becomes a level-0
 * notification of the account. No method throws or rejects.
 */
export class HttpWebhookClient implements WebhookClient {
  readonly #config: HttpWebhookClientConfig;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #maxRedirects: number;
  readonly #userAgent: string;

  constructor(config: HttpWebhookClientConfig) {
    this.#config = config;
    this.#log = config.log.child({ mod: 'webhooks' });
    this.#timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#maxRedirects = config.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.#userAgent = config.userAgent ?? DEFAULT_USER_AGENT;
  }

  /**
   * Fetches TwiML from `req.url`; when that fails in any way (the failure is recorded) and
   * `req.fallbackUrl` is set, from the fallback URL with `ErrorCode` and `ErrorUrl` added to the
   * parameters, as Twilio does. When both fail, the result carries the primary URL's error (the
   * root cause); both failures are recorded.
   */
  async fetchTwiml(req: TwimlRequest): Promise<TwimlFetchResult> {
    try {
      const token = await this.#tokenFor(req);
      if (token instanceof VoiceError) return { ok: false, error: token };
      const primary = await this.#attempt('twiml', req, token);
      if (primary.ok) return this.#twimlResult(primary.body, primary.hop, false);
      await this.#fail(req, primary);
      const fallbackUrl = req.fallbackUrl ?? null;
      if (fallbackUrl === null || fallbackUrl === '') return { ok: false, error: primary.error };
      const fallbackReq: WebhookRequest = {
        ...req,
        url: fallbackUrl,
        method: req.fallbackMethod ?? 'POST',
        params: { ...req.params, ErrorCode: String(primary.error.code), ErrorUrl: primary.requestUrl },
      };
      const fallback = await this.#attempt('twiml', fallbackReq, token);
      if (fallback.ok) return this.#twimlResult(fallback.body, fallback.hop, true);
      await this.#fail(fallbackReq, fallback);
      return { ok: false, error: primary.error };
    } catch (err) {
      return { ok: false, error: this.#unexpected(err) };
    }
  }

  /** Delivers a callback. Any 2xx is success; its body is not read. A failure is recorded. */
  async sendCallback(req: WebhookRequest): Promise<CallbackResult> {
    try {
      const token = await this.#tokenFor(req);
      if (token instanceof VoiceError) return { ok: false, error: token };
      const outcome = await this.#attempt('callback', req, token);
      if (outcome.ok) return { ok: true, status: outcome.status };
      await this.#fail(req, outcome);
      return { ok: false, error: outcome.error };
    } catch (err) {
      return { ok: false, error: this.#unexpected(err) };
    }
  }

  #twimlResult(body: string, hop: Hop, usedFallback: boolean): TwimlFetchResult {
    return { ok: true, body, url: hop.label, method: hop.method, usedFallback };
  }

  async #tokenFor(req: WebhookRequest): Promise<string | VoiceError> {
    const ctx = { accountSid: req.accountSid, callSid: req.callSid };
    try {
      const token = await this.#config.authTokenFor(req.accountSid);
      if (token !== null) return token;
      this.#log.warn(ctx, 'webhook not sent: unknown account');
      return new VoiceError(20404, `account ${req.accountSid} not found; the webhook was not sent`);
    } catch (err) {
      this.#log.error({ ...ctx, err: errorSummary(err) }, 'webhook not sent: auth token lookup failed');
      return new VoiceError(20500, 'the account auth token could not be read', { cause: err });
    }
  }

  /** One URL, following redirects, under one deadline. Never rejects. */
  async #attempt(kind: Kind, req: WebhookRequest, token: string): Promise<AttemptOutcome> {
    const parsed = parseWebhookUrl(req.url);
    if (parsed instanceof VoiceError) {
      return { ok: false, error: parsed, requestUrl: req.url, requestMethod: req.method, response: null };
    }
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let hop: Hop = { url: parsed, label: req.url, method: req.method, withParams: true };
    const failed = (error: VoiceError, response: CapturedResponse | null): AttemptOutcome => ({
      ok: false,
      error,
      requestUrl: withoutCredentials(hop.url),
      requestMethod: hop.method,
      response,
    });
    for (let redirects = 0; redirects <= this.#maxRedirects; redirects += 1) {
      const sent = await this.#send(hop, req.params, token, signal);
      if (sent instanceof VoiceError) return failed(sent, null);
      const location = REDIRECT_STATUSES.has(sent.status) ? sent.headers.get('location') : null;
      if (location === null) return this.#finish(kind, sent, hop, failed);
      await discardBody(sent);
      if (redirects === this.#maxRedirects) {
        const error = new VoiceError(11215, `more than ${this.#maxRedirects} redirects`);
        return failed(error, { headers: captureHeaders(sent.headers), body: '' });
      }
      const next = parseWebhookUrl(location, hop.url);
      if (next instanceof VoiceError) return failed(next, { headers: captureHeaders(sent.headers), body: '' });
      const method = redirectMethod(sent.status, hop.method);
      hop = { url: next, label: next.href, method, withParams: hop.withParams && method === 'POST' };
    }
    // Unreachable: the last turn of the loop returns 11215 or the final answer.
    return failed(new VoiceError(11215, `more than ${this.#maxRedirects} redirects`), null);
  }

  /** Sends one HTTP request; the response, or the mapped network failure. */
  async #send(
    hop: Hop,
    params: Readonly<Record<string, string>>,
    token: string,
    signal: AbortSignal,
  ): Promise<Response | VoiceError> {
    const post = hop.method === 'POST';
    const target = wireTarget(hop.withParams && !post ? withQueryParams(hop.url, params) : hop.url);
    const signed = post && hop.withParams ? params : null;
    const headers: Record<string, string> = {
      'X-Twilio-Signature': twilioSignature(token, target.href, signed),
      'I-Twilio-Idempotency-Token': randomUUID(),
      'User-Agent': this.#userAgent,
      Accept: '*/*',
    };
    if (target.authorization !== null) headers['Authorization'] = target.authorization;
    const init: RequestInit = { method: hop.method, headers, redirect: 'manual', signal };
    if (signed !== null) {
      headers['Content-Type'] = FORM_CONTENT_TYPE;
      init.body = formEncode(signed);
    }
    const line = { url: logUrl(hop.url), method: hop.method };
    const started = this.#config.clock.now();
    try {
      const res = await fetch(target.href, init);
      this.#log.debug({ ...line, status: res.status, ms: this.#config.clock.now() - started }, 'webhook request');
      return res;
    } catch (err) {
      this.#log.debug({ ...line, status: null, ms: this.#config.clock.now() - started }, 'webhook request');
      return fetchFailure(err, this.#timeoutMs);
    }
  }

  /** Checks the final (non-redirect) response: status, and for TwiML the type and size of the body. */
  async #finish(
    kind: Kind,
    res: Response,
    hop: Hop,
    failed: (error: VoiceError, response: CapturedResponse | null) => AttemptOutcome,
  ): Promise<AttemptOutcome> {
    if (res.status < 200 || res.status > 299) {
      const status = `${res.status}${res.statusText === '' ? '' : ` ${res.statusText}`}`;
      return failed(new VoiceError(11200, `the server answered ${status}`), await captureResponse(res));
    }
    if (kind === 'callback') {
      await discardBody(res);
      return { ok: true, status: res.status, body: '', hop };
    }
    const type = mediaType(res.headers.get('content-type'));
    if (type === null || !TWIML_MEDIA_TYPES.has(type)) {
      const detail = type === null ? 'the response has no Content-Type' : `${type} is not TwiML`;
      return failed(new VoiceError(12300, detail), await captureResponse(res));
    }
    let read;
    try {
      read = await readCapped(res.body, this.#maxBodyBytes);
    } catch (err) {
      return failed(fetchFailure(err, this.#timeoutMs), { headers: captureHeaders(res.headers), body: '' });
    }
    if (read.exceeded) {
      const body = decodeUtf8(read.bytes.subarray(0, NOTIFICATION_CAPTURE_BYTES));
      const error = new VoiceError(11750, `the body is larger than ${this.#maxBodyBytes} bytes`);
      return failed(error, { headers: captureHeaders(res.headers), body });
    }
    return { ok: true, status: res.status, body: decodeUtf8(read.bytes), hop };
  }

  /** Logs a failure and records it as the account's notification. Never rejects. */
  async #fail(req: WebhookRequest, outcome: Extract<AttemptOutcome, { ok: false }>): Promise<void> {
    const { error } = outcome;
    const ctx = { accountSid: req.accountSid, callSid: req.callSid, method: outcome.requestMethod };
    this.#log.warn({ ...ctx, url: safeLogUrl(outcome.requestUrl), code: error.code }, `webhook failed: ${error.message}`);
    try {
      const now = this.#config.clock.now();
      const record: NotificationRecord = {
        sid: this.#config.ids.sid('notification'),
        accountSid: req.accountSid,
        callSid: req.callSid,
        errorCode: error.code,
        level: 0,
        messageText: error.message,
        moreInfo: moreInfoUrl(error.code),
        requestUrl: outcome.requestUrl,
        requestMethod: outcome.requestMethod,
        requestVariables: formEncode(req.params),
        responseHeaders: outcome.response?.headers ?? '',
        responseBody: outcome.response?.body ?? '',
        messageDate: now,
        dateCreated: now,
      };
      await this.#config.notifications.insert(record);
    } catch (err) {
      this.#log.error({ ...ctx, err: errorSummary(err) }, 'could not record the webhook notification');
    }
  }

  /** A bug or an unforeseen failure: logged at error, returned as 20500 so callers never see a rejection. */
  #unexpected(err: unknown): VoiceError {
    this.#log.error({ err: errorSummary(err) }, 'webhook client failure');
    return new VoiceError(20500, 'webhook client failure', { cause: err });
  }
}

/** A URL as logged, for a string that may not parse (an 11100 URL is logged as its scheme-less length). */
function safeLogUrl(url: string): string {
  const parsed = URL.parse(url);
  return parsed === null ? `<invalid URL, ${url.length} chars>` : logUrl(parsed);
}

/** Name, code and message of an error, for logs (never its cause chain, which may carry request data). */
function errorSummary(err: unknown): { name: string; code: unknown; message: string } {
  if (err instanceof Error) return { name: err.name, code: Reflect.get(err, 'code'), message: err.message };
  return { name: typeof err, code: undefined, message: '' };
}
