/** Phone numbers as the engine sees them (see `core/phone-numbers.ts`). */
export { compactNumber, countryOf, geoParams, isE164 } from '../core/index.ts';
