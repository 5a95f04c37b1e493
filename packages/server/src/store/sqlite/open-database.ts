/**
 * The only SQLite-specific code of the store: opening the file with better-sqlite3, applying the
 * pragmas and wrapping it in kysely's SQLite dialect. Everything above this speaks kysely.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.ts';

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

const PRAGMAS: readonly string[] = [
  `busy_timeout = ${BUSY_TIMEOUT_MS}`,
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
];

/** The message of an unknown thrown value. @internal */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens (creating if needed) the SQLite database at `path` and returns kysely over it.
 *
 * Fails with an Error naming the path when the file cannot be opened or is not a SQLite database;
 * the pragmas and a schema read run here so such a file fails now, not on the first query.
 * @internal
 */
export function openDatabase(path: string): Kysely<Database> {
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(path);
    for (const pragma of PRAGMAS) sqlite.pragma(pragma);
    sqlite.prepare('select count(*) from sqlite_schema').get();
  } catch (error) {
    sqlite?.close();
    throw new Error(`cannot open SQLite store at ${path}: ${messageOf(error)}`, { cause: error });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
