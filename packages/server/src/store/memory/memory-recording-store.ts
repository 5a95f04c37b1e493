import type { AccountSid, RecordingSid } from '@denwa/protocol';
import type {
  Page,
  PageRequest,
  RecordingFilter,
  RecordingPatch,
  RecordingRecord,
  RecordingStatus,
  RecordingStore,
} from '../ports.ts';
import { deleteScoped, findScoped, newestFirst, oldestFirst, pageOf, pickDefined, type MemoryState } from './memory-state.ts';

const RECORDING_PATCH_KEYS = [
  'status',
  'durationMs',
  'spoolPath',
  'wavKey',
  'mp3Key',
  'errorCode',
  'startTime',
  'dateUpdated',
] as const satisfies readonly (keyof RecordingPatch)[];

/** The statuses of a recording that has not reached its end: what `listUnfinished` returns. */
const UNFINISHED: ReadonlySet<RecordingStatus> = new Set<RecordingStatus>(['in-progress', 'paused', 'processing']);

/** A copy that shares no array with `r`, so neither side can change the other. */
function copyRecording(r: RecordingRecord): RecordingRecord {
  return { ...r, statusCallbackEvents: [...r.statusCallbackEvents] };
}

function matches(r: RecordingRecord, accountSid: AccountSid, filter: RecordingFilter): boolean {
  if (r.accountSid !== accountSid) return false;
  if (filter.callSid !== undefined && r.callSid !== filter.callSid) return false;
  if (filter.conferenceSid !== undefined && r.conferenceSid !== filter.conferenceSid) return false;
  if (filter.dateCreatedAfter !== undefined && r.dateCreated < filter.dateCreatedAfter) return false;
  if (filter.dateCreatedBefore !== undefined && r.dateCreated > filter.dateCreatedBefore) return false;
  return true;
}

/**
 * {@link RecordingStore} over the maps of a {@link MemoryState}. Like SQLite, it requires a known
 * account but not a known call: a recording may outlive its call's record.
 * @internal
 */
export class MemoryRecordingStore implements RecordingStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(r: RecordingRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(r.accountSid);
      if (this.#state.recordings.has(r.sid)) throw new Error(`duplicate sid ${r.sid}`);
      this.#state.recordings.set(r.sid, copyRecording(r));
    });
  }

  get(accountSid: AccountSid, sid: RecordingSid): Promise<RecordingRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.recordings, accountSid, sid);
      return found === undefined ? null : copyRecording(found);
    });
  }

  list(accountSid: AccountSid, filter: RecordingFilter, page: PageRequest): Promise<Page<RecordingRecord>> {
    return this.#state.run(() => {
      const keep = (r: RecordingRecord): boolean => matches(r, accountSid, filter);
      const listed = pageOf(this.#state.recordings.values(), keep, newestFirst, page);
      return { items: listed.items.map(copyRecording), hasMore: listed.hasMore };
    });
  }

  update(accountSid: AccountSid, sid: RecordingSid, patch: RecordingPatch): Promise<RecordingRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.recordings, accountSid, sid);
      if (found === undefined) return null;
      const updated: RecordingRecord = { ...found, ...pickDefined(patch, RECORDING_PATCH_KEYS) };
      this.#state.recordings.set(sid, updated);
      return copyRecording(updated);
    });
  }

  delete(accountSid: AccountSid, sid: RecordingSid): Promise<boolean> {
    return this.#state.run(() => deleteScoped(this.#state.recordings, accountSid, sid));
  }

  listUnfinished(): Promise<readonly RecordingRecord[]> {
    return this.#state.run(() =>
      [...this.#state.recordings.values()]
        .filter((r) => UNFINISHED.has(r.status))
        .sort(oldestFirst)
        .map(copyRecording),
    );
  }
}
