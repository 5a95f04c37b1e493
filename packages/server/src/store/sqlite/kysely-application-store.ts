import type { AccountSid, ApplicationSid } from '@denwa/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  ApplicationFilter,
  ApplicationPatch,
  ApplicationRecord,
  ApplicationStore,
  Page,
  PageRequest,
} from '../ports.ts';
import type { ApplicationsTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    friendlyName: row.friendly_name,
    voiceUrl: row.voice_url,
    voiceMethod: row.voice_method,
    voiceFallbackUrl: row.voice_fallback_url,
    voiceFallbackMethod: row.voice_fallback_method,
    statusCallback: row.status_callback,
    statusCallbackMethod: row.status_callback_method,
    voiceCallerIdLookup: row.voice_caller_id_lookup === 1,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toRow(app: ApplicationRecord): Insertable<ApplicationsTable> {
  return {
    sid: app.sid,
    account_sid: app.accountSid,
    friendly_name: app.friendlyName,
    voice_url: app.voiceUrl,
    voice_method: app.voiceMethod,
    voice_fallback_url: app.voiceFallbackUrl,
    voice_fallback_method: app.voiceFallbackMethod,
    status_callback: app.statusCallback,
    status_callback_method: app.statusCallbackMethod,
    voice_caller_id_lookup: app.voiceCallerIdLookup ? 1 : 0,
    date_created: app.dateCreated,
    date_updated: app.dateUpdated,
  };
}

/** The columns a patch sets: only its defined fields, so absent ones keep their value. */
function toPatchRow(patch: ApplicationPatch): Updateable<ApplicationsTable> {
  const set: Updateable<ApplicationsTable> = { date_updated: patch.dateUpdated };
  if (patch.friendlyName !== undefined) set.friendly_name = patch.friendlyName;
  if (patch.voiceUrl !== undefined) set.voice_url = patch.voiceUrl;
  if (patch.voiceMethod !== undefined) set.voice_method = patch.voiceMethod;
  if (patch.voiceFallbackUrl !== undefined) set.voice_fallback_url = patch.voiceFallbackUrl;
  if (patch.voiceFallbackMethod !== undefined) set.voice_fallback_method = patch.voiceFallbackMethod;
  if (patch.statusCallback !== undefined) set.status_callback = patch.statusCallback;
  if (patch.statusCallbackMethod !== undefined) set.status_callback_method = patch.statusCallbackMethod;
  if (patch.voiceCallerIdLookup !== undefined) set.voice_caller_id_lookup = patch.voiceCallerIdLookup ? 1 : 0;
  return set;
}

/** {@link ApplicationStore} in kysely's dialect-neutral builder. @internal */
export class KyselyApplicationStore implements ApplicationStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(app: ApplicationRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db.insertInto('applications').values(toRow(app)).execute();
    });
  }

  get(accountSid: AccountSid, sid: ApplicationSid): Promise<ApplicationRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('applications').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, filter: ApplicationFilter, page: PageRequest): Promise<Page<ApplicationRecord>> {
    return this.#ctx.gate.run(async () => {
      let query = this.#ctx.db.selectFrom('applications').selectAll().where('account_sid', '=', accountSid);
      if (filter.friendlyName !== undefined) query = query.where('friendly_name', '=', filter.friendlyName);
      return fetchPage(query, 'asc', page, toRecord);
    });
  }

  update(accountSid: AccountSid, sid: ApplicationSid, patch: ApplicationPatch): Promise<ApplicationRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('applications').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: ApplicationSid): Promise<boolean> {
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('applications'), accountSid, sid));
  }
}
