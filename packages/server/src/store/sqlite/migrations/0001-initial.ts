import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The first schema: accounts, API keys, applications, calls with their events, TwiML Bins and
 * notifications. Every record belongs to an account (foreign key); events belong to a call and are
 * unique per (call_sid, sequence). Indexes follow the list queries: account, then the filter
 * column, then the list order (date_created, sid).
 * @internal
 */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('accounts')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('auth_token', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('api_keys_account_order')
      .on('api_keys')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();

    await db.schema
      .createTable('applications')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('voice_url', 'text')
      .addColumn('voice_method', 'text', (c) => c.notNull())
      .addColumn('voice_fallback_url', 'text')
      .addColumn('voice_fallback_method', 'text', (c) => c.notNull())
      .addColumn('status_callback', 'text')
      .addColumn('status_callback_method', 'text', (c) => c.notNull())
      .addColumn('voice_caller_id_lookup', 'integer', (c) =>
        c.notNull().check(sql`voice_caller_id_lookup in (0, 1)`),
      )
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('applications_account_order')
      .on('applications')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();
    await db.schema
      .createIndex('applications_account_name')
      .on('applications')
      .columns(['account_sid', 'friendly_name'])
      .execute();

    await db.schema
      .createTable('calls')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('parent_call_sid', 'text')
      .addColumn('application_sid', 'text')
      .addColumn('phone_number_sid', 'text')
      .addColumn('trunk_sid', 'text')
      .addColumn('from_address', 'text', (c) => c.notNull())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('caller_name', 'text')
      .addColumn('forwarded_from', 'text')
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('answered_by', 'text')
      .addColumn('start_time', 'integer')
      .addColumn('answer_time', 'integer')
      .addColumn('end_time', 'integer')
      .addColumn('duration', 'integer')
      .addColumn('hangup_source', 'text')
      .addColumn('error_code', 'integer')
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    const callIndexes: readonly (readonly [name: string, columns: string[]])[] = [
      ['calls_account_order', ['account_sid', 'date_created', 'sid']],
      ['calls_account_to', ['account_sid', 'to_address', 'date_created']],
      ['calls_account_from', ['account_sid', 'from_address', 'date_created']],
      ['calls_account_status', ['account_sid', 'status', 'date_created']],
      ['calls_account_parent', ['account_sid', 'parent_call_sid', 'date_created']],
      ['calls_account_start_time', ['account_sid', 'start_time']],
    ];
    for (const [name, columns] of callIndexes) {
      await db.schema.createIndex(name).on('calls').columns(columns).execute();
    }

    await db.schema
      .createTable('call_events')
      .addColumn('call_sid', 'text', (c) => c.notNull().references('calls.sid').onDelete('cascade'))
      .addColumn('sequence', 'integer', (c) => c.notNull().check(sql`sequence >= 1`))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'integer', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('call_events_call_sequence', ['call_sid', 'sequence'])
      .execute();

    await db.schema
      .createTable('twiml_bins')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('twiml', 'text', (c) => c.notNull())
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('twiml_bins_account_order')
      .on('twiml_bins')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('call_sid', 'text')
      .addColumn('error_code', 'integer', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull().check(sql`level in (0, 1)`))
      .addColumn('message_text', 'text', (c) => c.notNull())
      .addColumn('more_info', 'text', (c) => c.notNull())
      .addColumn('request_url', 'text', (c) => c.notNull())
      .addColumn('request_method', 'text', (c) => c.notNull())
      .addColumn('request_variables', 'text', (c) => c.notNull())
      .addColumn('response_headers', 'text', (c) => c.notNull())
      .addColumn('response_body', 'text', (c) => c.notNull())
      .addColumn('message_date', 'integer', (c) => c.notNull())
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notifications_account_order')
      .on('notifications')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();
    await db.schema
      .createIndex('notifications_account_call')
      .on('notifications')
      .columns(['account_sid', 'call_sid', 'date_created'])
      .execute();
  },
};
