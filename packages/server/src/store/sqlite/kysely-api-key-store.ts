import type { AccountSid, ApiKeySid } from '@denwa/protocol';
import type { Selectable } from 'kysely';
import type { ApiKeyRecord, ApiKeyStore, Page, PageRequest } from '../ports.ts';
import type { ApiKeysTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    friendlyName: row.friendly_name,
    secret: row.secret,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

/** {@link ApiKeyStore} in kysely's dialect-neutral builder. @internal */
export class KyselyApiKeyStore implements ApiKeyStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(key: ApiKeyRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db
        .insertInto('api_keys')
        .values({
          sid: key.sid,
          account_sid: key.accountSid,
          friendly_name: key.friendlyName,
          secret: key.secret,
          date_created: key.dateCreated,
          date_updated: key.dateUpdated,
        })
        .execute();
    });
  }

  get(accountSid: AccountSid, sid: ApiKeySid): Promise<ApiKeyRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('api_keys').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.selectFrom('api_keys').selectAll().where('account_sid', '=', accountSid);
      return fetchPage(query, 'asc', page, toRecord);
    });
  }

  update(
    accountSid: AccountSid,
    sid: ApiKeySid,
    patch: { readonly friendlyName: string; readonly dateUpdated: number },
  ): Promise<ApiKeyRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db
        .updateTable('api_keys')
        .set({ friendly_name: patch.friendlyName, date_updated: patch.dateUpdated })
        .returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: ApiKeySid): Promise<boolean> {
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('api_keys'), accountSid, sid));
  }
}
