/** Date formats of Twilio's APIs: RFC 2822 in the 2010-04-01 API, ISO 8601 (seconds) in v1 APIs. */

import { rfc2822Date } from '../core/index.ts';

/** `Tue, 31 Aug 2010 20:36:28 +0000`, or null. */
export function rfc2822(ms: number | null): string | null {
  return ms === null ? null : rfc2822Date(ms);
}

/** `2015-07-30T20:00:00Z`, or null. */
export function iso8601(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
