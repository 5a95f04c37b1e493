import type { Store } from '../ports.ts';
import { KyselyAccountStore } from './kysely-account-store.ts';
import { KyselyApiKeyStore } from './kysely-api-key-store.ts';
import { KyselyApplicationStore } from './kysely-application-store.ts';
import { KyselyCallStore } from './kysely-call-store.ts';
import { KyselyNotificationStore } from './kysely-notification-store.ts';
import { KyselyPhoneNumberStore } from './kysely-phone-number-store.ts';
import { KyselyRecordingStore } from './kysely-recording-store.ts';
import { KyselySipTrunkStore } from './kysely-sip-trunk-store.ts';
import { KyselyTwimlBinStore } from './kysely-twiml-bin-store.ts';
import { migrateToLatest } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { OperationGate } from './operation-gate.ts';

/** Where the SQLite store keeps its data. @public */
export interface SqliteStoreOptions {
  /** The database file; created, with its WAL files beside it, when missing. */
  readonly path: string;
}

/**
 * Opens the SQLite {@link Store} at `options.path`: applies the pragmas (WAL, `synchronous =
 * NORMAL`, foreign keys, a 5 s busy timeout) and runs pending schema migrations.
 *
 * `close()` waits for in-flight operations, then closes the database; it is idempotent, and any
 * operation started after it rejects.
 *
 * @throws Error naming the path when the file is not a SQLite database, cannot be opened, or holds
 * a schema from a newer version of Denwa.
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: '.denwa/denwa.db' });
 * try {
 *   await store.calls.insert(call);
 * } finally {
 *   await store.close();
 * }
 * ```
 * @public
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { path } = options;
  const db = openDatabase(path);
  try {
    await migrateToLatest(db, path);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const ctx = { db, gate: new OperationGate(`SQLite store at ${path} is closed`) };
  return {
    accounts: new KyselyAccountStore(ctx),
    apiKeys: new KyselyApiKeyStore(ctx),
    applications: new KyselyApplicationStore(ctx),
    calls: new KyselyCallStore(ctx),
    twimlBins: new KyselyTwimlBinStore(ctx),
    phoneNumbers: new KyselyPhoneNumberStore(ctx),
    sipTrunks: new KyselySipTrunkStore(ctx),
    notifications: new KyselyNotificationStore(ctx),
    recordings: new KyselyRecordingStore(ctx),
    close: () => ctx.gate.close(() => db.destroy()),
  };
}
