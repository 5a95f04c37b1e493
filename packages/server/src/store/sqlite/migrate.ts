import type { Kysely } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, Migrator } from 'kysely/migration';
import type { Database } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { messageOf } from './open-database.ts';

/** The one column of kysely's migration table that the newer-schema check reads. */
type MigrationTable = Record<typeof DEFAULT_MIGRATION_TABLE, { name: string }>;

/**
 * Brings the schema of the database at `path` up to date. Runs each migration once, recorded in
 * kysely's migration table, so reopening is a no-op. Fails with an Error naming the path when the
 * database was migrated by a newer version (a migration this code does not know) or a migration
 * fails.
 * @internal
 */
export async function migrateToLatest(db: Kysely<Database>, path: string): Promise<void> {
  await refuseNewerSchema(db, path);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'setup';
    throw new Error(`cannot migrate SQLite store at ${path} (migration ${failed}): ${messageOf(error)}`, {
      cause: error,
    });
  }
}

async function refuseNewerSchema(db: Kysely<Database>, path: string): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE)) return;
  const executed = await db
    .$extendTables<MigrationTable>()
    .selectFrom(DEFAULT_MIGRATION_TABLE)
    .select('name')
    .orderBy('name')
    .execute();
  const unknown = executed.map((row) => row.name).filter((name) => !Object.hasOwn(MIGRATIONS, name));
  if (unknown.length === 0) return;
  const known = Object.keys(MIGRATIONS).sort().at(-1) ?? 'none';
  throw new Error(
    `SQLite store at ${path} has a newer schema than this version of Denwa knows ` +
      `(unknown migrations: ${unknown.join(', ')}; latest known: ${known}). ` +
      'Upgrade Denwa, or point it at another database file.',
  );
}
