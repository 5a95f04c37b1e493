import type { AccountSid, TrunkSid } from '@denwa/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Page, PageRequest, SipTrunkPatch, SipTrunkRecord, SipTrunkStore } from '../ports.ts';
import type { SipTrunksTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

/** Parses a stored list column, refusing anything but a JSON array of strings. */
function parseList(text: string, column: string, sid: TrunkSid): readonly string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`corrupt ${column} in trunk ${sid}: not an array of strings`);
  }
  return value;
}

function toRecord(row: Selectable<SipTrunksTable>): SipTrunkRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    friendlyName: row.friendly_name,
    host: row.host,
    outboundProxy: row.outbound_proxy,
    transport: row.transport,
    username: row.username,
    password: row.password,
    register: row.register === 1,
    registerExpires: row.register_expires,
    codecs: parseList(row.codecs, 'codecs', row.sid),
    countryCode: row.country_code,
    numberFormat: row.number_format,
    allowedSources: parseList(row.allowed_sources, 'allowed_sources', row.sid),
    srtp: row.srtp,
    allowedCountries: parseList(row.allowed_countries, 'allowed_countries', row.sid),
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toRow(t: SipTrunkRecord): Insertable<SipTrunksTable> {
  return {
    sid: t.sid,
    account_sid: t.accountSid,
    friendly_name: t.friendlyName,
    host: t.host,
    outbound_proxy: t.outboundProxy,
    transport: t.transport,
    username: t.username,
    password: t.password,
    register: t.register ? 1 : 0,
    register_expires: t.registerExpires,
    codecs: JSON.stringify(t.codecs),
    country_code: t.countryCode,
    number_format: t.numberFormat,
    allowed_sources: JSON.stringify(t.allowedSources),
    srtp: t.srtp,
    allowed_countries: JSON.stringify(t.allowedCountries),
    date_created: t.dateCreated,
    date_updated: t.dateUpdated,
  };
}

/** The columns a patch sets: only its defined fields, so absent ones keep their value. */
function toPatchRow(patch: SipTrunkPatch): Updateable<SipTrunksTable> {
  const set: Updateable<SipTrunksTable> = { date_updated: patch.dateUpdated };
  if (patch.friendlyName !== undefined) set.friendly_name = patch.friendlyName;
  if (patch.host !== undefined) set.host = patch.host;
  if (patch.outboundProxy !== undefined) set.outbound_proxy = patch.outboundProxy;
  if (patch.transport !== undefined) set.transport = patch.transport;
  if (patch.username !== undefined) set.username = patch.username;
  if (patch.password !== undefined) set.password = patch.password;
  if (patch.register !== undefined) set.register = patch.register ? 1 : 0;
  if (patch.registerExpires !== undefined) set.register_expires = patch.registerExpires;
  if (patch.codecs !== undefined) set.codecs = JSON.stringify(patch.codecs);
  if (patch.countryCode !== undefined) set.country_code = patch.countryCode;
  if (patch.numberFormat !== undefined) set.number_format = patch.numberFormat;
  if (patch.allowedSources !== undefined) set.allowed_sources = JSON.stringify(patch.allowedSources);
  if (patch.srtp !== undefined) set.srtp = patch.srtp;
  if (patch.allowedCountries !== undefined) set.allowed_countries = JSON.stringify(patch.allowedCountries);
  return set;
}

/** {@link SipTrunkStore} in kysely's dialect-neutral builder. @internal */
export class KyselySipTrunkStore implements SipTrunkStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(trunk: SipTrunkRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db.insertInto('sip_trunks').values(toRow(trunk)).execute();
    });
  }

  get(accountSid: AccountSid, sid: TrunkSid): Promise<SipTrunkRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('sip_trunks').selectAll(), accountSid, sid, toRecord),
    );
  }

  getBySid(sid: TrunkSid): Promise<SipTrunkRecord | null> {
    return this.#ctx.gate.run(async () => {
      const row = await this.#ctx.db.selectFrom('sip_trunks').selectAll().where('sid', '=', sid).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    });
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<SipTrunkRecord>> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.selectFrom('sip_trunks').selectAll().where('account_sid', '=', accountSid);
      return fetchPage(query, 'asc', page, toRecord);
    });
  }

  listAll(): Promise<readonly SipTrunkRecord[]> {
    return this.#ctx.gate.run(async () => {
      const rows = await this.#ctx.db
        .selectFrom('sip_trunks')
        .selectAll()
        .orderBy('date_created', 'asc')
        .orderBy('sid', 'asc')
        .execute();
      return rows.map(toRecord);
    });
  }

  update(accountSid: AccountSid, sid: TrunkSid, patch: SipTrunkPatch): Promise<SipTrunkRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('sip_trunks').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: TrunkSid): Promise<boolean> {
    // The foreign key of phone_numbers.trunk_sid (on delete set null) unbinds the trunk's numbers.
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('sip_trunks'), accountSid, sid));
  }
}
