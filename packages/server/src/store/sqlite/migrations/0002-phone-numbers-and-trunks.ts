import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Phone numbers and SIP trunks. A number is unique across the store and may name an application and
 * a trunk; deleting either sets the reference to null (the number keeps its other settings). A
 * trunk's lists (codecs, allowed sources, allowed countries) are JSON text.
 * @internal
 */
export const phoneNumbersAndTrunksMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sip_trunks')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('outbound_proxy', 'text')
      .addColumn('transport', 'text', (c) => c.notNull())
      .addColumn('username', 'text')
      .addColumn('password', 'text')
      .addColumn('register', 'integer', (c) => c.notNull().check(sql`${sql.ref('register')} in (0, 1)`))
      .addColumn('register_expires', 'integer', (c) => c.notNull())
      .addColumn('codecs', 'text', (c) => c.notNull())
      .addColumn('country_code', 'text', (c) => c.notNull())
      .addColumn('number_format', 'text', (c) => c.notNull())
      .addColumn('allowed_sources', 'text', (c) => c.notNull())
      .addColumn('srtp', 'text', (c) => c.notNull())
      .addColumn('allowed_countries', 'text', (c) => c.notNull())
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sip_trunks_account_order')
      .on('sip_trunks')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();

    await db.schema
      .createTable('phone_numbers')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid'))
      .addColumn('phone_number', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('voice_url', 'text')
      .addColumn('voice_method', 'text', (c) => c.notNull())
      .addColumn('voice_fallback_url', 'text')
      .addColumn('voice_fallback_method', 'text', (c) => c.notNull())
      .addColumn('voice_application_sid', 'text', (c) => c.references('applications.sid').onDelete('set null'))
      .addColumn('status_callback', 'text')
      .addColumn('status_callback_method', 'text', (c) => c.notNull())
      .addColumn('trunk_sid', 'text', (c) => c.references('sip_trunks.sid').onDelete('set null'))
      .addColumn('virtual', 'integer', (c) => c.notNull().check(sql`${sql.ref('virtual')} in (0, 1)`))
      .addColumn('date_created', 'integer', (c) => c.notNull())
      .addColumn('date_updated', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('phone_numbers_number').on('phone_numbers').column('phone_number').unique().execute();
    await db.schema
      .createIndex('phone_numbers_account_order')
      .on('phone_numbers')
      .columns(['account_sid', 'date_created', 'sid'])
      .execute();
    // The child keys of the two references, so deleting an application or a trunk finds its numbers.
    await db.schema
      .createIndex('phone_numbers_application')
      .on('phone_numbers')
      .column('voice_application_sid')
      .execute();
    await db.schema.createIndex('phone_numbers_trunk').on('phone_numbers').column('trunk_sid').execute();
  },
};
