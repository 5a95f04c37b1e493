import type { AccountSid, CallSid } from '@denwa/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { CallEventRecord, CallFilter, CallPatch, CallRecord, CallStore, Page, PageRequest } from '../ports.ts';
import type { CallEventsTable, CallsTable } from './database.ts';
import { fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

type EventDetail = CallEventRecord['detail'];

function toRecord(row: Selectable<CallsTable>): CallRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    parentCallSid: row.parent_call_sid,
    applicationSid: row.application_sid,
    phoneNumberSid: row.phone_number_sid,
    trunkSid: row.trunk_sid,
    from: row.from_address,
    to: row.to_address,
    callerName: row.caller_name,
    forwardedFrom: row.forwarded_from,
    direction: row.direction,
    status: row.status,
    answeredBy: row.answered_by,
    startTime: row.start_time,
    answerTime: row.answer_time,
    endTime: row.end_time,
    duration: row.duration,
    hangupSource: row.hangup_source,
    errorCode: row.error_code,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toRow(call: CallRecord): Insertable<CallsTable> {
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    parent_call_sid: call.parentCallSid,
    application_sid: call.applicationSid,
    phone_number_sid: call.phoneNumberSid,
    trunk_sid: call.trunkSid,
    from_address: call.from,
    to_address: call.to,
    caller_name: call.callerName,
    forwarded_from: call.forwardedFrom,
    direction: call.direction,
    status: call.status,
    answered_by: call.answeredBy,
    start_time: call.startTime,
    answer_time: call.answerTime,
    end_time: call.endTime,
    duration: call.duration,
    hangup_source: call.hangupSource,
    error_code: call.errorCode,
    date_created: call.dateCreated,
    date_updated: call.dateUpdated,
  };
}

/** The columns a patch sets: only its defined fields, so absent ones keep their value. */
function toPatchRow(patch: CallPatch): Updateable<CallsTable> {
  const set: Updateable<CallsTable> = { date_updated: patch.dateUpdated };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.answeredBy !== undefined) set.answered_by = patch.answeredBy;
  if (patch.startTime !== undefined) set.start_time = patch.startTime;
  if (patch.answerTime !== undefined) set.answer_time = patch.answerTime;
  if (patch.endTime !== undefined) set.end_time = patch.endTime;
  if (patch.duration !== undefined) set.duration = patch.duration;
  if (patch.hangupSource !== undefined) set.hangup_source = patch.hangupSource;
  if (patch.errorCode !== undefined) set.error_code = patch.errorCode;
  if (patch.callerName !== undefined) set.caller_name = patch.callerName;
  if (patch.to !== undefined) set.to_address = patch.to;
  if (patch.from !== undefined) set.from_address = patch.from;
  return set;
}

function isDetailValue(value: unknown): value is EventDetail[string] {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Parses a stored detail, refusing anything but a flat object of primitives. */
function parseDetail(text: string, callSid: CallSid, sequence: number): EventDetail {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`corrupt detail in event ${sequence} of call ${callSid}: not an object`);
  }
  const detail: Record<string, EventDetail[string]> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isDetailValue(item)) throw new Error(`corrupt detail in event ${sequence} of call ${callSid}: ${key}`);
    detail[key] = item;
  }
  return detail;
}

function toEvent(row: Selectable<CallEventsTable>): CallEventRecord {
  return {
    callSid: row.call_sid,
    sequence: row.sequence,
    status: row.status,
    timestamp: row.timestamp,
    detail: parseDetail(row.detail, row.call_sid, row.sequence),
  };
}

/** {@link CallStore} in kysely's dialect-neutral builder. @internal */
export class KyselyCallStore implements CallStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(call: CallRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db.insertInto('calls').values(toRow(call)).execute();
    });
  }

  get(accountSid: AccountSid, sid: CallSid): Promise<CallRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('calls').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, filter: CallFilter, page: PageRequest): Promise<Page<CallRecord>> {
    return this.#ctx.gate.run(async () => {
      let query = this.#ctx.db.selectFrom('calls').selectAll().where('account_sid', '=', accountSid);
      if (filter.to !== undefined) query = query.where('to_address', '=', filter.to);
      if (filter.from !== undefined) query = query.where('from_address', '=', filter.from);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.parentCallSid !== undefined) query = query.where('parent_call_sid', '=', filter.parentCallSid);
      if (filter.startTimeFrom !== undefined) query = query.where('start_time', '>=', filter.startTimeFrom);
      if (filter.startTimeTo !== undefined) query = query.where('start_time', '<', filter.startTimeTo);
      return fetchPage(query, 'desc', page, toRecord);
    });
  }

  update(accountSid: AccountSid, sid: CallSid, patch: CallPatch): Promise<CallRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('calls').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  appendEvent(event: Omit<CallEventRecord, 'sequence'>): Promise<CallEventRecord> {
    // Read the last sequence and insert the next one in one transaction, so concurrent appends to
    // the same call never pick the same number (the primary key would refuse it anyway).
    return this.#ctx.gate.run(() =>
      this.#ctx.db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('call_events')
          .select((eb) => eb.fn.max<number | null>('sequence').as('sequence'))
          .where('call_sid', '=', event.callSid)
          .executeTakeFirst();
        const stored: CallEventRecord = {
          callSid: event.callSid,
          sequence: (last?.sequence ?? 0) + 1,
          status: event.status,
          timestamp: event.timestamp,
          detail: { ...event.detail },
        };
        await trx
          .insertInto('call_events')
          .values({
            call_sid: stored.callSid,
            sequence: stored.sequence,
            status: stored.status,
            timestamp: stored.timestamp,
            detail: JSON.stringify(stored.detail),
          })
          .execute();
        return stored;
      }),
    );
  }

  listEvents(callSid: CallSid): Promise<readonly CallEventRecord[]> {
    return this.#ctx.gate.run(async () => {
      const rows = await this.#ctx.db
        .selectFrom('call_events')
        .selectAll()
        .where('call_sid', '=', callSid)
        .orderBy('sequence', 'asc')
        .execute();
      return rows.map(toEvent);
    });
  }
}
