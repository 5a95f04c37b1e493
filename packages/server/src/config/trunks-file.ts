/**
 * The trunks file (`--trunks FILE`): SIP trunks and the numbers they carry, as JSON, applied at every
 * start (the same settings as `/v1/SipTrunks` and `IncomingPhoneNumbers`). Untrusted input: checked
 * field by field; the first problem is a {@link ConfigError} naming the file and the field, never a
 * password.
 *
 * ```json
 * { "trunks": [ { "name": "carrier", "host": "sip.carrier.example:5060", "transport": "udp",
 *     "username": "denwa", "password": "…", "register": true, "codecs": ["PCMU", "PCMA"],
 *     "countryCode": "81", "numberFormat": "national", "allowedSources": ["203.0.113.0/24"],
 *     "allowedCountries": ["JP"], "srtp": "off",
 *     "numbers": [ { "phoneNumber": "+815012345678", "voiceUrl": "https://app.example/voice" } ] } ] }
 * ```
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const host = z.string().regex(/^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i, 'must be host[:port] (IPv6 in brackets)');
const source = z.string().refine((s) => {
  const [ip = '', len] = s.split('/');
  const v4 = IPV4.test(ip);
  const v6 = !v4 && /^[0-9a-f:]+$/i.test(ip) && ip.includes(':');
  return (v4 || v6) && (len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= (v4 ? 32 : 128)));
}, 'must be an IPv4 or IPv6 address or CIDR');

const numberSchema = z.strictObject({
  phoneNumber: z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be E.164 (+ and 8–15 digits)'),
  friendlyName: z.string().min(1).max(64).optional(),
  voiceUrl: z.url({ protocol: /^https?$/ }).optional(),
  voiceMethod: z.enum(['GET', 'POST']).default('POST'),
  voiceFallbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  statusCallback: z.url({ protocol: /^https?$/ }).optional(),
});

const trunkSchema = z.strictObject({
  name: z.string().min(1).max(64),
  host,
  outboundProxy: host.optional(),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(256).optional(),
  register: z.boolean().default(false),
  registerExpires: z.int().min(60).max(86_400).default(3600),
  codecs: z.array(z.string().regex(/^(pcmu|pcma|opus)$/i, 'must be PCMU, PCMA or opus')).min(1).default(['PCMU', 'PCMA']),
  countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'must be 1–3 digits').default('1'),
  numberFormat: z.enum(['e164', 'e164-no-plus', 'national']).default('e164'),
  allowedSources: z.array(source).default([]),
  allowedCountries: z.array(z.string().regex(/^([A-Z]{2}|\*)$/, 'must be ISO 3166 alpha-2 codes')).default([]),
  srtp: z.enum(['off', 'optional', 'required']).default('off'),
  numbers: z.array(numberSchema).default([]),
}).refine((t) => !t.register || t.username !== undefined, { message: 'register needs a username', path: ['register'] });

const fileSchema = z.strictObject({ trunks: z.array(trunkSchema).max(100) });

export type TrunkFileEntry = z.infer<typeof trunkSchema>;
export type TrunkFileNumber = z.infer<typeof numberSchema>;

/** Reads and checks the trunks file. @throws ConfigError */
export function readTrunksFile(path: string): readonly TrunkFileEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--trunks (DENWA_TRUNKS): cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`--trunks (DENWA_TRUNKS): ${path} is not valid JSON`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`--trunks (DENWA_TRUNKS): ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`.trim());
  }
  const names = new Set<string>();
  for (const t of parsed.data.trunks) {
    if (names.has(t.name)) throw new ConfigError(`--trunks (DENWA_TRUNKS): ${path}: two trunks are named ${t.name}`);
    names.add(t.name);
  }
  return parsed.data.trunks;
}
