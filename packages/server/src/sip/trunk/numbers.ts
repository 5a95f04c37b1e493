/**
 * Phone numbers on a trunk: E.164 normalisation of what a carrier sends (`+81…`, `81…`, `0…` with the
 * trunk's country code) and how numbers are written back to it. Countries come from
 * `core/phone-numbers.ts`.
 */
import { isE164 } from '../../core/index.ts';

export { callingCode, countryOf, countryOfCode, isE164 } from '../../core/index.ts';

/**
 * The E.164 form of a number a carrier sent: `+81…` as is, `0…` (national) with `countryCode`, a
 * number starting with the country code or an international prefix (`00`, `010`), visual
 * separators removed. Null when it cannot be a phone number (then it is used as written).
 */
export function toE164(raw: string, countryCode: string): string | null {
  const text = raw.replace(/[\s().-]/g, '');
  if (text.startsWith('+')) return isE164(text) ? text : null;
  if (!/^\d+$/.test(text)) return null;
  let e164: string;
  if (text.startsWith('010')) e164 = `+${text.slice(3)}`;
  else if (text.startsWith('00')) e164 = `+${text.slice(2)}`;
  else if (text.startsWith('0')) e164 = `+${countryCode}${text.slice(1)}`;
  else e164 = `+${text}`;
  return isE164(e164) ? e164 : null;
}

/** How an E.164 number is written to a trunk. A national number is only used for the trunk's own country. */
export function formatForTrunk(e164: string, format: 'e164' | 'e164-no-plus' | 'national', countryCode: string): string {
  if (format === 'e164') return e164;
  if (format === 'national' && e164.startsWith(`+${countryCode}`)) return `0${e164.slice(1 + countryCode.length)}`;
  return e164.slice(1);
}
