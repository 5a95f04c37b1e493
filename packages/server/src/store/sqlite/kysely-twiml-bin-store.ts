import type { AccountSid, TwimlBinSid } from '@denwa/protocol';
import type { Selectable, Updateable } from 'kysely';
import type { Page, PageRequest, TwimlBinPatch, TwimlBinRecord, TwimlBinStore } from '../ports.ts';
import type { TwimlBinsTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<TwimlBinsTable>): TwimlBinRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    friendlyName: row.friendly_name,
    twiml: row.twiml,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toPatchRow(patch: TwimlBinPatch): Updateable<TwimlBinsTable> {
  const set: Updateable<TwimlBinsTable> = { date_updated: patch.dateUpdated };
  if (patch.friendlyName !== undefined) set.friendly_name = patch.friendlyName;
  if (patch.twiml !== undefined) set.twiml = patch.twiml;
  return set;
}

/** {@link TwimlBinStore} in kysely's dialect-neutral builder. @internal */
export class KyselyTwimlBinStore implements TwimlBinStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(bin: TwimlBinRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db
        .insertInto('twiml_bins')
        .values({
          sid: bin.sid,
          account_sid: bin.accountSid,
          friendly_name: bin.friendlyName,
          twiml: bin.twiml,
          date_created: bin.dateCreated,
          date_updated: bin.dateUpdated,
        })
        .execute();
    });
  }

  getBySid(sid: TwimlBinSid): Promise<TwimlBinRecord | null> {
    return this.#ctx.gate.run(async () => {
      const row = await this.#ctx.db.selectFrom('twiml_bins').selectAll().where('sid', '=', sid).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    });
  }

  get(accountSid: AccountSid, sid: TwimlBinSid): Promise<TwimlBinRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('twiml_bins').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<TwimlBinRecord>> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.selectFrom('twiml_bins').selectAll().where('account_sid', '=', accountSid);
      return fetchPage(query, 'asc', page, toRecord);
    });
  }

  update(accountSid: AccountSid, sid: TwimlBinSid, patch: TwimlBinPatch): Promise<TwimlBinRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('twiml_bins').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: TwimlBinSid): Promise<boolean> {
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('twiml_bins'), accountSid, sid));
  }
}
