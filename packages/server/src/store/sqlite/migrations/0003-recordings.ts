import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Recordings. A recording belongs to an account (foreign key). Its `call_sid` is deliberately not a
 * foreign key: a recording outlives its call's row in some flows, so it is a plain indexed column.
 * `trim` is 0/1 and `channels` 1/2; the requested callback events are JSON text. Indexes follow the
 * queries: the account's list order (date_created, sid), a call's recordings, and the unfinished
 * statuses read at start for crash repair.
 * @internal
 */
export const recordingsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('recordings')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('call_sid', 'text', (c) => c.notNull())
      .addColumn('conference_sid', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('channels', 'integer', (c) => c.notNull().check(sql`${sql.ref('channels')} in (1, 2)`))
      .addColumn('track', 'text', (c) => c.notNull())
      .addColumn('sample_rate', 'integer', (c) => c.notNull())
      .addColumn('trim', 'integer', (c) => c.notNull().check(sql`${sql.ref('trim')} in (0, 1)`))
      .addColumn('start_time', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer')
      .addColumn('spool_path', 'text')
      .addColumn('wav_key', 'text')
      .addColumn('mp3_key', 'text')
      .addColumn('status_callback', 'text')
      .addColumn('status_callback_method', 'text', (c) => c.notNull())
      .addColumn('status_callback_events', 'text', (c) => c.notNull())
      .addColumn('error_code', 'integer')
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recordings_account_order')
      .on('recordings')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();
    await db.schema.createIndex('recordings_call').on('recordings').column('call_sid').execute();
    await db.schema.createIndex('recordings_status').on('recordings').column('status').execute();
  },
};
