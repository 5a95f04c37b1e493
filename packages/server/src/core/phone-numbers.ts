/**
 * Phone numbers: E.164 checks, the written forms people type (`+81 90-…`), and the country of a
 * number, for Twilio's `FromCountry`/`ToCountry` parameters and the trunks' geo permissions.
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

/** A number as written (`+81 90-1234-5678`, `(+81) 90 1234 5678`) without its visual separators. */
export function compactNumber(text: string): string {
  return text.trim().replace(/[\s().-]/g, '');
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

/** ISO 3166 alpha-2 country of an E.164 number (the longest known calling code); `ZZ` when unknown. */
export function countryOf(e164: string): string {
  return COUNTRIES.get(callingCode(e164)) ?? 'ZZ';
}

/** The country of a calling code (`81` → `JP`); `ZZ` when unknown. */
export function countryOfCode(code: string): string {
  return COUNTRIES.get(code) ?? 'ZZ';
}

/** Twilio's geo parameters of a call from `from` to `to` (a caller that is not E.164 has no country). */
export function geoParams(from: string, to: string): Record<string, string> {
  const fromCountry = isE164(from) ? countryOf(from) : '';
  const toCountry = isE164(to) ? countryOf(to) : '';
  return { FromCountry: fromCountry, CallerCountry: fromCountry, ToCountry: toCountry, CalledCountry: toCountry };
}
