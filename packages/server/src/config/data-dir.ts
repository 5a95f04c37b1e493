/**
 * The data dir bootstrap: on first start it creates the folder (0700), `recordings/`,
 * `credentials.json` (0600) and the local CA with a server certificate under `tls/`; later starts reuse
 * them and re-issue the server certificate when the public IP or host changed or it nears its end.
 */
import { chmod, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { IdGenerator } from '../core/index.ts';
import { serverNames } from './certificates.ts';
import { ConfigError } from './config-error.ts';
import { loadCredentials, type Credentials } from './credentials.ts';
import { PRIVATE_DIR_MODE, errorCode, makePrivateDir } from './files.ts';
import { OPTIONS, optionLabel } from './flags.ts';
import type { DenwaConfig } from './load-config.ts';
import { prepareLocalTls, readProvidedTls, type TlsMaterial } from './tls-material.ts';

/** The prepared data dir: where things are, and the credentials and TLS material to run with. @public */
export interface DataDir {
  /** Absolute path of the data dir. */
  readonly root: string;
  /** `<root>/denwa.db`, the SQLite database (opened by the store, not created here). */
  readonly dbPath: string;
  /** `<root>/recordings`, created 0700. */
  readonly recordingsDir: string;
  readonly credentials: Credentials;
  readonly tls: TlsMaterial;
  /** True when the data dir was missing or empty before this start. */
  readonly created: boolean;
}

/** What {@link prepareDataDir} needs: randomness for Sids, secrets and serial numbers, and the time. @public */
export interface DataDirDeps {
  readonly ids: IdGenerator;
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Makes sure the root exists and is a folder: true when it was missing or empty. */
async function prepareRoot(root: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') return makePrivateDir(root);
    const label = optionLabel(OPTIONS.dataDir);
    if (code === 'ENOTDIR') throw new ConfigError(`${label}: ${root} is not a directory`);
    throw new ConfigError(`${label}: cannot read ${root} (${code ?? 'error'}); check its owner and permissions`, {
      cause: err,
    });
  }
  if (entries.length > 0) return false;
  // An empty folder made beforehand (e.g. a container volume): tighten it as if we had made it.
  await chmod(root, PRIVATE_DIR_MODE).catch(() => undefined);
  return true;
}

/**
 * Prepares the data dir of `config` and returns what the server runs with.
 *
 * - Credentials: `config.credentialsOverride` (source `env`, never written), else `credentials.json`
 *   (source `file`), else new ones written there (source `generated`).
 * - TLS: `config.tls` files (source `provided`, no CA), else the local CA under `tls/` (created on first
 *   start, source `generated`; reused later, source `existing`) and a server certificate it issued for
 *   `localhost`, the machine's host name, 127.0.0.1, ::1, the public IP and the bind host.
 *
 * @throws ConfigError naming the file and the remedy (e.g. delete it to regenerate) when a file is
 *   corrupt or unreadable; never with a secret in the message.
 * @example
 * ```ts
 * const dataDir = await prepareDataDir(config, { ids: new RandomIdGenerator(), now: () => Date.now() });
 * ```
 * @public
 */
export async function prepareDataDir(config: DenwaConfig, deps: DataDirDeps): Promise<DataDir> {
  const root = config.dataDir;
  const created = await prepareRoot(root);
  const recordingsDir = join(root, 'recordings');
  await makePrivateDir(recordingsDir);
  const credentials = await loadCredentials(root, config.credentialsOverride, deps);
  const tls =
    config.tls !== null
      ? await readProvidedTls(config.tls)
      : await prepareLocalTls(
          join(root, 'tls'),
          serverNames({ host: config.host, publicIp: config.publicIp, hostname: hostname() }),
          deps,
        );
  return { root, dbPath: join(root, 'denwa.db'), recordingsDir, credentials, tls, created };
}
