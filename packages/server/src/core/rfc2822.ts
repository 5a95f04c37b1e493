/** Twilio's RFC 2822 dates (2010-04-01 API resources and webhook parameters). */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number): string => String(n).padStart(2, '0');

/** `Tue, 31 Aug 2010 20:36:28 +0000` for `ms` since the epoch. */
export function rfc2822Date(ms: number): string {
  const d = new Date(ms);
  const day = DAYS[d.getUTCDay()] ?? 'Sun';
  const month = MONTHS[d.getUTCMonth()] ?? 'Jan';
  return `${day}, ${pad(d.getUTCDate())} ${month} ${String(d.getUTCFullYear())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
