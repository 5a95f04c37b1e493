import type { AccountSid } from '@denwa/protocol';
import type {
  AccountRecord,
  ApiKeyRecord,
  ApplicationRecord,
  CallEventRecord,
  CallRecord,
  NotificationRecord,
  Page,
  PageRequest,
  PhoneNumberRecord,
  RecordingRecord,
  SipTrunkRecord,
  TwimlBinRecord,
} from '../ports.ts';

/**
 * The maps behind a memory store, plus the closed flag every operation checks. Records are stored
 * as private copies and handed out as copies, so callers can never mutate what is stored.
 * @internal
 */
export class MemoryState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly calls = new Map<string, CallRecord>();
  readonly callEvents = new Map<string, CallEventRecord[]>();
  readonly twimlBins = new Map<string, TwimlBinRecord>();
  readonly phoneNumbers = new Map<string, PhoneNumberRecord>();
  readonly sipTrunks = new Map<string, SipTrunkRecord>();
  readonly notifications = new Map<string, NotificationRecord>();
  readonly recordings = new Map<string, RecordingRecord>();
  #closed = false;

  /** Runs one synchronous operation as a promise; rejects once the store is closed. */
  run<T>(operation: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('memory store is closed'));
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  close(): void {
    this.#closed = true;
  }

  /** Throws unless the account exists: the SQLite store enforces the same with a foreign key. */
  requireAccount(sid: AccountSid): void {
    if (!this.accounts.has(sid)) throw new Error(`unknown account ${sid}`);
  }
}

/** Inserts a copy under `key`, rejecting a duplicate as a primary key would. @internal */
export function insertUnique<T extends object>(map: Map<string, T>, key: string, record: T): void {
  if (map.has(key)) throw new Error(`duplicate sid ${key}`);
  map.set(key, { ...record });
}

/** A record of `accountSid` in `map`, or undefined (a record of another account is not found). @internal */
export function findScoped<T extends { readonly accountSid: AccountSid }>(
  map: ReadonlyMap<string, T>,
  accountSid: AccountSid,
  sid: string,
): T | undefined {
  const record = map.get(sid);
  return record?.accountSid === accountSid ? record : undefined;
}

/** Deletes the record when it belongs to `accountSid`. @internal */
export function deleteScoped<T extends { readonly accountSid: AccountSid }>(
  map: Map<string, T>,
  accountSid: AccountSid,
  sid: string,
): boolean {
  return findScoped(map, accountSid, sid) !== undefined && map.delete(sid);
}

/** Throws a RangeError unless the page is a non-negative offset and a positive limit. @internal */
export function checkPage(page: PageRequest): void {
  if (!Number.isSafeInteger(page.offset) || page.offset < 0) {
    throw new RangeError(`page offset must be a non-negative integer, got ${page.offset}`);
  }
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
    throw new RangeError(`page limit must be a positive integer, got ${page.limit}`);
  }
}

interface Ordered {
  readonly sid: string;
  readonly dateCreated: number;
}

function compareSid(a: string, b: string): number {
  // Code-unit order, which is SQLite's BINARY collation for the ASCII of Sids.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest first, ties by sid ascending. @internal */
export function oldestFirst(a: Ordered, b: Ordered): number {
  return a.dateCreated - b.dateCreated || compareSid(a.sid, b.sid);
}

/** Newest first, ties by sid descending: the exact reverse of {@link oldestFirst}. @internal */
export function newestFirst(a: Ordered, b: Ordered): number {
  return oldestFirst(b, a);
}

/** Filters, sorts and pages `records`, returning copies. @internal */
export function pageOf<T extends object>(
  records: Iterable<T>,
  keep: (record: T) => boolean,
  order: (a: T, b: T) => number,
  page: PageRequest,
): Page<T> {
  checkPage(page);
  const all = [...records].filter(keep).sort(order);
  const end = page.offset + page.limit;
  return { items: all.slice(page.offset, end).map((r) => ({ ...r })), hasMore: all.length > end };
}

/** Copies only the defined keys of `patch` named in `keys` (so stray keys never reach a record). @internal */
export function pickDefined<P extends object, K extends keyof P>(patch: P, keys: readonly K[]): Partial<Pick<P, K>> {
  const out: Partial<Pick<P, K>> = {};
  for (const key of keys) {
    const value = patch[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
