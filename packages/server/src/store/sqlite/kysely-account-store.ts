import type { AccountSid } from '@denwa/protocol';
import type { Selectable } from 'kysely';
import type { AccountRecord, AccountStore } from '../ports.ts';
import type { AccountsTable } from './database.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<AccountsTable>): AccountRecord {
  return {
    sid: row.sid,
    friendlyName: row.friendly_name,
    authToken: row.auth_token,
    status: row.status,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

/** {@link AccountStore} in kysely's dialect-neutral builder. @internal */
export class KyselyAccountStore implements AccountStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  get(sid: AccountSid): Promise<AccountRecord | null> {
    return this.#ctx.gate.run(async () => {
      const row = await this.#ctx.db.selectFrom('accounts').selectAll().where('sid', '=', sid).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    });
  }

  upsert(account: AccountRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db
        .insertInto('accounts')
        .values({
          sid: account.sid,
          friendly_name: account.friendlyName,
          auth_token: account.authToken,
          status: account.status,
          date_created: account.dateCreated,
          date_updated: account.dateUpdated,
        })
        .onConflict((oc) =>
          oc.column('sid').doUpdateSet((eb) => ({
            friendly_name: eb.ref('excluded.friendly_name'),
            auth_token: eb.ref('excluded.auth_token'),
            status: eb.ref('excluded.status'),
            date_updated: eb.ref('excluded.date_updated'),
          })),
        )
        .execute();
    });
  }
}
