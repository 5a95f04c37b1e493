/** Defaults of the webhook client, after Twilio's documented limits. */

/** Per-URL deadline covering connect, redirects and reading the body (Twilio: 15 s). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Largest TwiML body accepted (Twilio: 64 kB, error 11750). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Redirects followed before giving up with 11215. */
export const DEFAULT_MAX_REDIRECTS = 10;

/** The `User-Agent` Twilio sends. */
export const DEFAULT_USER_AGENT = 'TwilioProxy/1.1';

/** How much of a failed response's headers and body a notification keeps. */
export const NOTIFICATION_CAPTURE_BYTES = 4 * 1024;

/** The `Content-Type` of a POST body. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** Media types accepted as TwiML (anything else, or none, is 12300). */
export const TWIML_MEDIA_TYPES: ReadonlySet<string> = new Set(['text/xml', 'application/xml', 'text/html']);

/** Statuses followed as redirects when they carry a `Location`. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
