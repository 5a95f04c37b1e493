/**
 * The one error catalog. Each section lives in `catalog/` by domain; `docs/ERRORS.md` is generated
 * from this list (`npm run docs:errors`).
 */
import type { ErrorDefinition } from './definition.ts';
import { PHONE_ERRORS } from './catalog/phone.ts';
import { RECORDING_ERRORS } from './catalog/recording.ts';
import { REST_ERRORS } from './catalog/rest.ts';
import { SIGNALING_ERRORS } from './catalog/signaling.ts';
import { TOKEN_ERRORS } from './catalog/tokens.ts';
import { TWIML_ERRORS } from './catalog/twiml.ts';
import { WEBHOOK_ERRORS } from './catalog/webhooks.ts';

/** Catalog sections in documentation order. @public */
export const ERROR_SECTIONS = [
  { title: 'REST API', errors: REST_ERRORS },
  { title: 'Tokens', errors: TOKEN_ERRORS },
  { title: 'Webhooks and callbacks', errors: WEBHOOK_ERRORS },
  { title: 'TwiML', errors: TWIML_ERRORS },
  { title: 'Signaling and calls', errors: SIGNALING_ERRORS },
  { title: 'Phone network (SIP)', errors: PHONE_ERRORS },
  { title: 'Recording', errors: RECORDING_ERRORS },
] as const;

type Section = (typeof ERROR_SECTIONS)[number]['errors'][number];

/** Every code in the catalog. @public */
export type ErrorCode = Section['code'];

const byCode = new Map<number, ErrorDefinition>();
for (const section of ERROR_SECTIONS) {
  for (const def of section.errors) {
    if (byCode.has(def.code)) throw new TypeError(`duplicate error code ${String(def.code)}`);
    byCode.set(def.code, def);
  }
}

/** The catalog entry for a code. @public */
export function errorDefinition(code: ErrorCode): ErrorDefinition {
  const def = byCode.get(code);
  if (def === undefined) throw new TypeError(`unknown error code ${String(code)}`);
  return def;
}

/** True when `code` is in the catalog. @public */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'number' && byCode.has(code);
}

/** All entries, in documentation order. @public */
export function allErrorDefinitions(): readonly ErrorDefinition[] {
  return [...byCode.values()];
}

/** Twilio's documentation page for a code, used as `more_info`. @public */
export function moreInfoUrl(code: number): string {
  return `https://www.twilio.com/docs/errors/${String(code)}`;
}
