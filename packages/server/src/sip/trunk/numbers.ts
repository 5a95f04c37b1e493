/**
 * Phone numbers on a trunk: E.164 normalisation of what a carrier sends (`+81…`, `81…`, `0…` with the
 * trunk's country code), how numbers are written back to it, and the country of a number for geo
 * permissions.
 */

/** Country calling codes → ISO 3166 alpha-2 (the main country of shared codes: +1 → US, +7 → RU). */
const COUNTRIES: ReadonlyMap<string, string> = new Map([
  ['1', 'US'], ['7', 'RU'], ['20', 'EG'], ['27', 'ZA'], ['30', 'GR'], ['31', 'NL'], ['32', 'BE'], ['33', 'FR'], ['34', 'ES'],
  ['36', 'HU'], ['39', 'IT'], ['40', 'RO'], ['41', 'CH'], ['43', 'AT'], ['44', 'GB'], ['45', 'DK'], ['46', 'SE'], ['47', 'NO'],
  ['48', 'PL'], ['49', 'DE'], ['51', 'PE'], ['52', 'MX'], ['54', 'AR'], ['55', 'BR'], ['56', 'CL'], ['57', 'CO'], ['60', 'MY'],
  ['61', 'AU'], ['62', 'ID'], ['63', 'PH'], ['64', 'NZ'], ['65', 'SG'], ['66', 'TH'], ['81', 'JP'], ['82', 'KR'], ['84', 'VN'],
  ['86', 'CN'], ['90', 'TR'], ['91', 'IN'], ['92', 'PK'], ['94', 'LK'], ['98', 'IR'], ['212', 'MA'], ['234', 'NG'], ['254', 'KE'],
  ['351', 'PT'], ['352', 'LU'], ['353', 'IE'], ['354', 'IS'], ['358', 'FI'], ['359', 'BG'], ['370', 'LT'], ['371', 'LV'],
  ['372', 'EE'], ['380', 'UA'], ['420', 'CZ'], ['421', 'SK'], ['852', 'HK'], ['853', 'MO'], ['855', 'KH'], ['880', 'BD'],
  ['886', 'TW'], ['966', 'SA'], ['971', 'AE'], ['972', 'IL'], ['974', 'QA'], ['977', 'NP'],
]);

/** `+` then 8 to 15 digits, the first not 0. */
export function isE164(text: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(text);
}

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

/** The calling code of an E.164 number (the longest known prefix, else its first digit). */
export function callingCode(e164: string): string {
  const digits = e164.slice(1);
  for (const len of [3, 2, 1]) {
    const code = digits.slice(0, len);
    if (COUNTRIES.has(code)) return code;
  }
  return digits.slice(0, 1);
}

/** ISO 3166 alpha-2 country of an E.164 number; `ZZ` when the calling code is unknown. */
export function countryOf(e164: string): string {
  return COUNTRIES.get(callingCode(e164)) ?? 'ZZ';
}

/** The country of a calling code (`81` → `JP`); `ZZ` when unknown. */
export function countryOfCode(code: string): string {
  return COUNTRIES.get(code) ?? 'ZZ';
}
