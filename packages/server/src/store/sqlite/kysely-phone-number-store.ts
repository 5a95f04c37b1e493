import type { AccountSid, PhoneNumberSid } from '@denwa/protocol';
import { sql, type Insertable, type RawBuilder, type Selectable, type SqlBool, type Updateable } from 'kysely';
import {
  StoreConflictError,
  type Page,
  type PageRequest,
  type PhoneNumberFilter,
  type PhoneNumberPatch,
  type PhoneNumberRecord,
  type PhoneNumberStore,
} from '../ports.ts';
import type { PhoneNumbersTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<PhoneNumbersTable>): PhoneNumberRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    phoneNumber: row.phone_number,
    friendlyName: row.friendly_name,
    voiceUrl: row.voice_url,
    voiceMethod: row.voice_method,
    voiceFallbackUrl: row.voice_fallback_url,
    voiceFallbackMethod: row.voice_fallback_method,
    voiceApplicationSid: row.voice_application_sid,
    statusCallback: row.status_callback,
    statusCallbackMethod: row.status_callback_method,
    trunkSid: row.trunk_sid,
    virtual: row.virtual === 1,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toRow(n: PhoneNumberRecord): Insertable<PhoneNumbersTable> {
  return {
    sid: n.sid,
    account_sid: n.accountSid,
    phone_number: n.phoneNumber,
    friendly_name: n.friendlyName,
    voice_url: n.voiceUrl,
    voice_method: n.voiceMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_application_sid: n.voiceApplicationSid,
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    trunk_sid: n.trunkSid,
    virtual: n.virtual ? 1 : 0,
    date_created: n.dateCreated,
    date_updated: n.dateUpdated,
  };
}

/** The columns a patch sets: only its defined fields, so absent ones keep their value. */
function toPatchRow(patch: PhoneNumberPatch): Updateable<PhoneNumbersTable> {
  const set: Updateable<PhoneNumbersTable> = { date_updated: patch.dateUpdated };
  if (patch.friendlyName !== undefined) set.friendly_name = patch.friendlyName;
  if (patch.voiceUrl !== undefined) set.voice_url = patch.voiceUrl;
  if (patch.voiceMethod !== undefined) set.voice_method = patch.voiceMethod;
  if (patch.voiceFallbackUrl !== undefined) set.voice_fallback_url = patch.voiceFallbackUrl;
  if (patch.voiceFallbackMethod !== undefined) set.voice_fallback_method = patch.voiceFallbackMethod;
  if (patch.voiceApplicationSid !== undefined) set.voice_application_sid = patch.voiceApplicationSid;
  if (patch.statusCallback !== undefined) set.status_callback = patch.statusCallback;
  if (patch.statusCallbackMethod !== undefined) set.status_callback_method = patch.statusCallbackMethod;
  if (patch.trunkSid !== undefined) set.trunk_sid = patch.trunkSid;
  if (patch.virtual !== undefined) set.virtual = patch.virtual ? 1 : 0;
  return set;
}

/** The escape character of {@link likeContaining}'s patterns. */
const LIKE_ESCAPE = '!';

/** `phone_number LIKE '%…%'` for a filter pattern: `*` is any one character, everything else literal. */
function likeContaining(pattern: string): RawBuilder<SqlBool> {
  const body = pattern.replace(/[*%_!]/g, (c) => (c === '*' ? '_' : `${LIKE_ESCAPE}${c}`));
  return sql<SqlBool>`${sql.ref('phone_number')} like ${`%${body}%`} escape ${LIKE_ESCAPE}`;
}

/** {@link PhoneNumberStore} in kysely's dialect-neutral builder. @internal */
export class KyselyPhoneNumberStore implements PhoneNumberStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(n: PhoneNumberRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      // A taken number inserts nothing; other failures (sid, account, references) still throw.
      const result = await this.#ctx.db
        .insertInto('phone_numbers')
        .values(toRow(n))
        .onConflict((oc) => oc.column('phone_number').doNothing())
        .executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) {
        throw new StoreConflictError('phoneNumber', `phone number ${n.phoneNumber} is already in the store`);
      }
    });
  }

  get(accountSid: AccountSid, sid: PhoneNumberSid): Promise<PhoneNumberRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('phone_numbers').selectAll(), accountSid, sid, toRecord),
    );
  }

  getByNumber(phoneNumber: string): Promise<PhoneNumberRecord | null> {
    return this.#ctx.gate.run(async () => {
      const row = await this.#ctx.db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('phone_number', '=', phoneNumber)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    });
  }

  list(accountSid: AccountSid, filter: PhoneNumberFilter, page: PageRequest): Promise<Page<PhoneNumberRecord>> {
    return this.#ctx.gate.run(async () => {
      let query = this.#ctx.db.selectFrom('phone_numbers').selectAll().where('account_sid', '=', accountSid);
      if (filter.friendlyName !== undefined) query = query.where('friendly_name', '=', filter.friendlyName);
      if (filter.phoneNumber !== undefined) query = query.where(likeContaining(filter.phoneNumber));
      return fetchPage(query, 'asc', page, toRecord);
    });
  }

  update(accountSid: AccountSid, sid: PhoneNumberSid, patch: PhoneNumberPatch): Promise<PhoneNumberRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('phone_numbers').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: PhoneNumberSid): Promise<boolean> {
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('phone_numbers'), accountSid, sid));
  }
}
