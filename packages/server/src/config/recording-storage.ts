/**
 * `--recording-storage`: where finished recordings live. `file` (the default) keeps them under
 * `<data dir>/recordings`; `s3://BUCKET[/PREFIX][?region=R&endpoint=URL&path-style=true|false]` puts
 * them in any S3-compatible bucket (AWS, MinIO, R2, …), with the keys from `DENWA_S3_ACCESS_KEY_ID`
 * and `DENWA_S3_SECRET_ACCESS_KEY` (never from a flag, so they stay out of `ps` and shell history).
 * Recordings are always written to the local spool folder during the call and moved or uploaded when
 * they complete.
 */
import { z } from 'zod';

/** Where recordings go, as `--recording-storage` names it (keys are added by the loader). */
export type RecordingStorageSetting =
  | { readonly kind: 'filesystem' }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Put before every key (no leading or trailing `/`); empty for none. */
      readonly prefix: string;
      readonly region: string;
      /** `http(s)://host[:port]` of an S3-compatible service; null for AWS. */
      readonly endpoint: string | null;
      /** null: path style with an endpoint, virtual-hosted for AWS. */
      readonly pathStyle: boolean | null;
    };

/** A bucket name as S3 allows it (3–63 lowercase letters, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Parses the setting's text. @internal */
export const recordingStorageSchema: z.ZodType<RecordingStorageSetting, string> = z.string().transform((raw, ctx) => {
  if (raw === 'file') return { kind: 'filesystem' as const };
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (url === null || url.protocol !== 's3:') return fail('must be file or s3://BUCKET[/PREFIX][?region=…&endpoint=…&path-style=true|false]');
  if (url.username !== '' || url.password !== '') return fail('must not carry credentials (use DENWA_S3_ACCESS_KEY_ID and DENWA_S3_SECRET_ACCESS_KEY)');
  if (!BUCKET.test(url.hostname)) return fail(`names an invalid bucket "${url.hostname}"`);
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !PREFIX.test(prefix)) return fail('has an invalid prefix (letters, digits, . _ - and /)');
  const known = new Set(['region', 'endpoint', 'path-style']);
  for (const key of url.searchParams.keys()) if (!known.has(key)) return fail(`has an unknown parameter "${key}" (region, endpoint, path-style)`);
  const endpoint = url.searchParams.get('endpoint');
  if (endpoint !== null && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol))) return fail('endpoint must be an http:// or https:// URL');
  const pathStyle = url.searchParams.get('path-style');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') return fail('path-style must be true or false');
  const region = url.searchParams.get('region') ?? 'us-east-1';
  if (!/^[a-z0-9-]{1,32}$/.test(region)) return fail('region must be like us-east-1');
  return {
    kind: 's3' as const,
    bucket: url.hostname,
    prefix,
    region,
    endpoint: endpoint === null ? null : new URL(endpoint).origin,
    pathStyle: pathStyle === null ? null : pathStyle === 'true',
  };
});
