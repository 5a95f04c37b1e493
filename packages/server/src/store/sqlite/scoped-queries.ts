/**
 * The query endings the aggregate stores share: one record addressed by its account and sid (get,
 * update, delete), and one page of an ordered list. Each helper finishes a builder the store has
 * started on its own table, so rows keep their exact table types; only kysely's builder is used, so
 * a PostgreSQL dialect reuses them as they are.
 */
import type { AccountSid } from '@denwa/protocol';
import { expressionBuilder } from 'kysely';
import type {
  DeleteQueryBuilder,
  DeleteResult,
  Expression,
  OrderByDirection,
  SelectQueryBuilder,
  SqlBool,
  UpdateQueryBuilder,
} from 'kysely';
import type { Page, PageRequest } from '../ports.ts';
import type { Database } from './database.ts';
import { checkPage, toPage } from './paging.ts';

/**
 * The tables whose records belong to one account and are addressed by `(account_sid, sid)`.
 * @internal
 */
export type ScopedTable = {
  [K in keyof Database]: Database[K] extends { account_sid: AccountSid; sid: string } ? K : never;
}[keyof Database];

/** The sid type of a scoped table's records, e.g. `CallSid` for `calls`. @internal */
export type ScopedSid<T extends ScopedTable> = Database[T]['sid'];

/** The columns a paged list is ordered by: creation time, then sid to break ties. @internal */
export interface OrderedRow {
  readonly date_created: number;
  readonly sid: string;
}

/** Conditions over the columns every scoped table has; they name no table, so fit any of them. */
const scoped = expressionBuilder<Database, ScopedTable>();

function accountIs(accountSid: AccountSid): Expression<SqlBool> {
  return scoped('account_sid', '=', accountSid);
}

function sidIs(sid: ScopedSid<ScopedTable>): Expression<SqlBool> {
  return scoped('sid', '=', sid);
}

/**
 * Runs `query` (a `selectAll()` on a scoped table) for the record `sid` of `accountSid`.
 * @returns the record mapped by `toRecord`, or null when the account has no such record.
 * @internal
 */
export async function findScoped<T extends ScopedTable, O, R>(
  query: SelectQueryBuilder<Database, T, O>,
  accountSid: AccountSid,
  sid: ScopedSid<T>,
  toRecord: (row: O) => R,
): Promise<R | null> {
  const row = await query.where(accountIs(accountSid)).where(sidIs(sid)).executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

/**
 * Runs `query` (an `updateTable().set().returningAll()` on a scoped table) on the record `sid` of
 * `accountSid`. The same ending as {@link findScoped}, kept apart because kysely's update and
 * select builders share no type that keeps the row type.
 * @returns the updated record mapped by `toRecord`, or null when the account has no such record.
 * @internal
 */
export async function updateScoped<T extends ScopedTable, O, R>(
  query: UpdateQueryBuilder<Database, T, T, O>,
  accountSid: AccountSid,
  sid: ScopedSid<T>,
  toRecord: (row: O) => R,
): Promise<R | null> {
  const row = await query.where(accountIs(accountSid)).where(sidIs(sid)).executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

/**
 * Runs `query` (a `deleteFrom()` on a scoped table) on the record `sid` of `accountSid`.
 * @returns whether a record was deleted.
 * @internal
 */
export async function deleteScoped<T extends ScopedTable>(
  query: DeleteQueryBuilder<Database, T, DeleteResult>,
  accountSid: AccountSid,
  sid: ScopedSid<T>,
): Promise<boolean> {
  const result = await query.where(accountIs(accountSid)).where(sidIs(sid)).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Runs `query` (already filtered) for one page, ordered by `date_created` then `sid`, both in
 * `order`. Fetches one row past the page to learn whether more follow.
 * @throws RangeError (as a rejection) when `page` is not a valid offset and limit.
 * @internal
 */
export async function fetchPage<DB, TB extends keyof DB, O extends OrderedRow, R>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: OrderByDirection,
  page: PageRequest,
  toRecord: (row: O) => R,
): Promise<Page<R>> {
  checkPage(page);
  const rows = await query
    .orderBy('date_created', order)
    .orderBy('sid', order)
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  return toPage(rows, page, toRecord);
}
