/**
 * The account's credentials: from the environment, from `credentials.json`, or generated into it on
 * first start.
 */
import { join } from 'node:path';
import { isSid, type AccountSid } from '@denwa/protocol';
import { z } from 'zod';
import type { IdGenerator } from '../core/index.ts';
import { ConfigError } from './config-error.ts';
import { SECRET_FILE_MODE, createFileExclusive, readIfExists } from './files.ts';
import type { CredentialsOverride } from './load-config.ts';

/** The name of the credentials file in the data dir. */
export const CREDENTIALS_FILE = 'credentials.json';

/** The account SID and auth token the server runs with, and where they came from. @public */
export interface Credentials {
  readonly accountSid: AccountSid;
  readonly authToken: string;
  /** `generated` on first start, `file` from `credentials.json`, `env` from `DENWA_ACCOUNT_SID`/`DENWA_AUTH_TOKEN`. */
  readonly source: 'generated' | 'file' | 'env';
}

const fileSchema = z.object({
  accountSid: z.custom<AccountSid>((v) => isSid('account', v)),
  authToken: z.string().regex(/^[A-Za-z0-9]{16,256}$/),
  createdAt: z.string().optional(),
});

/** Parses the file's text; the message names fields, never values (the token is a secret). */
function parseFile(path: string, text: string): Omit<Credentials, 'source'> {
  const remedy = 'fix it, or delete it to generate new credentials (the account SID and auth token then change)';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, which may be the token: leave it out.
    throw new ConfigError(`${path} is not valid JSON; ${remedy}`);
  }
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(top level)'))].join(', ');
    throw new ConfigError(`${path} has a missing or malformed ${fields}; ${remedy}`);
  }
  return { accountSid: result.data.accountSid, authToken: result.data.authToken };
}

/**
 * The credentials for the data dir at `root`: the override if given (nothing is written), else those in
 * `credentials.json`, else new ones written there (mode 0600) as `{accountSid, authToken, createdAt}`.
 *
 * @throws ConfigError if `credentials.json` cannot be read or parsed.
 * @internal
 */
export async function loadCredentials(
  root: string,
  override: CredentialsOverride | null,
  deps: { readonly ids: IdGenerator; now(): number },
): Promise<Credentials> {
  if (override !== null) return { ...override, source: 'env' };
  const path = join(root, CREDENTIALS_FILE);
  const existing = await readIfExists(path);
  if (existing !== null) return { ...parseFile(path, existing), source: 'file' };
  const fresh = {
    accountSid: deps.ids.sid('account'),
    authToken: deps.ids.secret(),
    createdAt: new Date(deps.now()).toISOString(),
  };
  if (await createFileExclusive(path, `${JSON.stringify(fresh, null, 2)}\n`, SECRET_FILE_MODE)) {
    return { accountSid: fresh.accountSid, authToken: fresh.authToken, source: 'generated' };
  }
  // Another process created it in the meantime: use theirs.
  const theirs = await readIfExists(path);
  if (theirs === null) throw new ConfigError(`${path} vanished while being created; start again`);
  return { ...parseFile(path, theirs), source: 'file' };
}
