/** Date formats of Twilio's APIs: RFC 2822 in the 2010-04-01 API, ISO 8601 (seconds) in v1 APIs. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number): string => String(n).padStart(2, '0');

/** `Tue, 31 Aug 2010 20:36:28 +0000`, or null. */
export function rfc2822(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  const day = DAYS[d.getUTCDay()] ?? 'Sun';
  const month = MONTHS[d.getUTCMonth()] ?? 'Jan';
  return `${day}, ${pad(d.getUTCDate())} ${month} ${String(d.getUTCFullYear())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `2015-07-30T20:00:00Z`, or null. */
export function iso8601(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
