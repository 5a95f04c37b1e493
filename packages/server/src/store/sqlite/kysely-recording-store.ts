import type { AccountSid, RecordingSid } from '@denwa/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  Page,
  PageRequest,
  RecordingCallbackEvent,
  RecordingFilter,
  RecordingPatch,
  RecordingRecord,
  RecordingStatus,
  RecordingStore,
} from '../ports.ts';
import type { RecordingsTable } from './database.ts';
import { deleteScoped, fetchPage, findScoped, updateScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

/** The statuses of a recording that has not reached its end: what `listUnfinished` returns. */
const UNFINISHED: readonly RecordingStatus[] = ['in-progress', 'paused', 'processing'];

const CALLBACK_EVENTS: ReadonlySet<string> = new Set<RecordingCallbackEvent>(['in-progress', 'completed', 'absent']);

function isCallbackEvent(value: unknown): value is RecordingCallbackEvent {
  return typeof value === 'string' && CALLBACK_EVENTS.has(value);
}

/** Parses the stored callback events, refusing anything but a JSON array of known event names. */
function parseEvents(text: string, sid: RecordingSid): readonly RecordingCallbackEvent[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every(isCallbackEvent)) {
    throw new Error(`corrupt status_callback_events in recording ${sid}: not an array of callback events`);
  }
  return value;
}

function toRecord(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    callSid: row.call_sid,
    conferenceSid: row.conference_sid,
    status: row.status,
    source: row.source,
    channels: row.channels,
    track: row.track,
    sampleRate: row.sample_rate,
    trim: row.trim === 1,
    startTime: row.start_time,
    durationMs: row.duration_ms,
    spoolPath: row.spool_path,
    wavKey: row.wav_key,
    mp3Key: row.mp3_key,
    statusCallback: row.status_callback,
    statusCallbackMethod: row.status_callback_method,
    statusCallbackEvents: parseEvents(row.status_callback_events, row.sid),
    errorCode: row.error_code,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}

function toRow(r: RecordingRecord): Insertable<RecordingsTable> {
  return {
    sid: r.sid,
    account_sid: r.accountSid,
    call_sid: r.callSid,
    conference_sid: r.conferenceSid,
    status: r.status,
    source: r.source,
    channels: r.channels,
    track: r.track,
    sample_rate: r.sampleRate,
    trim: r.trim ? 1 : 0,
    start_time: r.startTime,
    duration_ms: r.durationMs,
    spool_path: r.spoolPath,
    wav_key: r.wavKey,
    mp3_key: r.mp3Key,
    status_callback: r.statusCallback,
    status_callback_method: r.statusCallbackMethod,
    status_callback_events: JSON.stringify(r.statusCallbackEvents),
    error_code: r.errorCode,
    date_created: r.dateCreated,
    date_updated: r.dateUpdated,
  };
}

/** The columns a patch sets: only its defined fields, so absent ones keep their value. */
function toPatchRow(patch: RecordingPatch): Updateable<RecordingsTable> {
  const set: Updateable<RecordingsTable> = { date_updated: patch.dateUpdated };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.durationMs !== undefined) set.duration_ms = patch.durationMs;
  if (patch.spoolPath !== undefined) set.spool_path = patch.spoolPath;
  if (patch.wavKey !== undefined) set.wav_key = patch.wavKey;
  if (patch.mp3Key !== undefined) set.mp3_key = patch.mp3Key;
  if (patch.errorCode !== undefined) set.error_code = patch.errorCode;
  if (patch.startTime !== undefined) set.start_time = patch.startTime;
  return set;
}

/** {@link RecordingStore} in kysely's dialect-neutral builder. @internal */
export class KyselyRecordingStore implements RecordingStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(r: RecordingRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db.insertInto('recordings').values(toRow(r)).execute();
    });
  }

  get(accountSid: AccountSid, sid: RecordingSid): Promise<RecordingRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('recordings').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, filter: RecordingFilter, page: PageRequest): Promise<Page<RecordingRecord>> {
    return this.#ctx.gate.run(async () => {
      let query = this.#ctx.db.selectFrom('recordings').selectAll().where('account_sid', '=', accountSid);
      if (filter.callSid !== undefined) query = query.where('call_sid', '=', filter.callSid);
      if (filter.conferenceSid !== undefined) query = query.where('conference_sid', '=', filter.conferenceSid);
      if (filter.dateCreatedAfter !== undefined) query = query.where('date_created', '>=', filter.dateCreatedAfter);
      if (filter.dateCreatedBefore !== undefined) query = query.where('date_created', '<=', filter.dateCreatedBefore);
      return fetchPage(query, 'desc', page, toRecord);
    });
  }

  update(accountSid: AccountSid, sid: RecordingSid, patch: RecordingPatch): Promise<RecordingRecord | null> {
    return this.#ctx.gate.run(async () => {
      const query = this.#ctx.db.updateTable('recordings').set(toPatchRow(patch)).returningAll();
      return updateScoped(query, accountSid, sid, toRecord);
    });
  }

  delete(accountSid: AccountSid, sid: RecordingSid): Promise<boolean> {
    return this.#ctx.gate.run(async () => deleteScoped(this.#ctx.db.deleteFrom('recordings'), accountSid, sid));
  }

  listUnfinished(): Promise<readonly RecordingRecord[]> {
    return this.#ctx.gate.run(async () => {
      const rows = await this.#ctx.db
        .selectFrom('recordings')
        .selectAll()
        .where('status', 'in', UNFINISHED)
        .orderBy('date_created', 'asc')
        .orderBy('sid', 'asc')
        .execute();
      return rows.map(toRecord);
    });
  }
}
