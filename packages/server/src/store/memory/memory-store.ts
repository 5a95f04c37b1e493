import type { AccountSid, ApiKeySid, ApplicationSid, NotificationSid, TwimlBinSid } from '@denwa/protocol';
import type {
  AccountRecord,
  AccountStore,
  ApiKeyRecord,
  ApiKeyStore,
  ApplicationFilter,
  ApplicationPatch,
  ApplicationRecord,
  ApplicationStore,
  NotificationFilter,
  NotificationRecord,
  NotificationStore,
  Page,
  PageRequest,
  Store,
  TwimlBinPatch,
  TwimlBinRecord,
  TwimlBinStore,
} from '../ports.ts';
import { MemoryCallStore } from './memory-call-store.ts';
import { MemoryPhoneNumberStore } from './memory-phone-number-store.ts';
import { MemoryRecordingStore } from './memory-recording-store.ts';
import { MemorySipTrunkStore } from './memory-sip-trunk-store.ts';
import {
  deleteScoped,
  findScoped,
  insertUnique,
  MemoryState,
  newestFirst,
  oldestFirst,
  pageOf,
  pickDefined,
} from './memory-state.ts';

const APPLICATION_PATCH_KEYS = [
  'friendlyName',
  'voiceUrl',
  'voiceMethod',
  'voiceFallbackUrl',
  'voiceFallbackMethod',
  'statusCallback',
  'statusCallbackMethod',
  'voiceCallerIdLookup',
  'dateUpdated',
] as const satisfies readonly (keyof ApplicationPatch)[];

const TWIML_BIN_PATCH_KEYS = ['friendlyName', 'twiml', 'dateUpdated'] as const satisfies readonly (keyof TwimlBinPatch)[];

function copyOrNull<T extends object>(record: T | undefined): T | null {
  return record === undefined ? null : { ...record };
}

class MemoryAccountStore implements AccountStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  get(sid: AccountSid): Promise<AccountRecord | null> {
    return this.#state.run(() => copyOrNull(this.#state.accounts.get(sid)));
  }

  upsert(account: AccountRecord): Promise<void> {
    return this.#state.run(() => {
      const existing = this.#state.accounts.get(account.sid);
      this.#state.accounts.set(account.sid, { ...account, dateCreated: existing?.dateCreated ?? account.dateCreated });
    });
  }
}

class MemoryApiKeyStore implements ApiKeyStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(key: ApiKeyRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(key.accountSid);
      insertUnique(this.#state.apiKeys, key.sid, key);
    });
  }

  get(accountSid: AccountSid, sid: ApiKeySid): Promise<ApiKeyRecord | null> {
    return this.#state.run(() => copyOrNull(findScoped(this.#state.apiKeys, accountSid, sid)));
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return this.#state.run(() =>
      pageOf(this.#state.apiKeys.values(), (key) => key.accountSid === accountSid, oldestFirst, page),
    );
  }

  update(
    accountSid: AccountSid,
    sid: ApiKeySid,
    patch: { readonly friendlyName: string; readonly dateUpdated: number },
  ): Promise<ApiKeyRecord | null> {
    return this.#state.run(() => {
      const key = findScoped(this.#state.apiKeys, accountSid, sid);
      if (key === undefined) return null;
      const updated: ApiKeyRecord = { ...key, friendlyName: patch.friendlyName, dateUpdated: patch.dateUpdated };
      this.#state.apiKeys.set(sid, updated);
      return { ...updated };
    });
  }

  delete(accountSid: AccountSid, sid: ApiKeySid): Promise<boolean> {
    return this.#state.run(() => deleteScoped(this.#state.apiKeys, accountSid, sid));
  }
}

class MemoryApplicationStore implements ApplicationStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(app: ApplicationRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(app.accountSid);
      insertUnique(this.#state.applications, app.sid, app);
    });
  }

  get(accountSid: AccountSid, sid: ApplicationSid): Promise<ApplicationRecord | null> {
    return this.#state.run(() => copyOrNull(findScoped(this.#state.applications, accountSid, sid)));
  }

  list(accountSid: AccountSid, filter: ApplicationFilter, page: PageRequest): Promise<Page<ApplicationRecord>> {
    const keep = (app: ApplicationRecord): boolean =>
      app.accountSid === accountSid && (filter.friendlyName === undefined || app.friendlyName === filter.friendlyName);
    return this.#state.run(() => pageOf(this.#state.applications.values(), keep, oldestFirst, page));
  }

  update(accountSid: AccountSid, sid: ApplicationSid, patch: ApplicationPatch): Promise<ApplicationRecord | null> {
    return this.#state.run(() => {
      const app = findScoped(this.#state.applications, accountSid, sid);
      if (app === undefined) return null;
      const updated: ApplicationRecord = { ...app, ...pickDefined(patch, APPLICATION_PATCH_KEYS) };
      this.#state.applications.set(sid, updated);
      return { ...updated };
    });
  }

  delete(accountSid: AccountSid, sid: ApplicationSid): Promise<boolean> {
    return this.#state.run(() => {
      if (!deleteScoped(this.#state.applications, accountSid, sid)) return false;
      // As SQLite's `on delete set null`: numbers answered by the application keep their other settings.
      for (const n of this.#state.phoneNumbers.values()) {
        if (n.voiceApplicationSid === sid) this.#state.phoneNumbers.set(n.sid, { ...n, voiceApplicationSid: null });
      }
      return true;
    });
  }
}

class MemoryTwimlBinStore implements TwimlBinStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(bin: TwimlBinRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(bin.accountSid);
      insertUnique(this.#state.twimlBins, bin.sid, bin);
    });
  }

  getBySid(sid: TwimlBinSid): Promise<TwimlBinRecord | null> {
    return this.#state.run(() => copyOrNull(this.#state.twimlBins.get(sid)));
  }

  get(accountSid: AccountSid, sid: TwimlBinSid): Promise<TwimlBinRecord | null> {
    return this.#state.run(() => copyOrNull(findScoped(this.#state.twimlBins, accountSid, sid)));
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<TwimlBinRecord>> {
    return this.#state.run(() =>
      pageOf(this.#state.twimlBins.values(), (bin) => bin.accountSid === accountSid, oldestFirst, page),
    );
  }

  update(accountSid: AccountSid, sid: TwimlBinSid, patch: TwimlBinPatch): Promise<TwimlBinRecord | null> {
    return this.#state.run(() => {
      const bin = findScoped(this.#state.twimlBins, accountSid, sid);
      if (bin === undefined) return null;
      const updated: TwimlBinRecord = { ...bin, ...pickDefined(patch, TWIML_BIN_PATCH_KEYS) };
      this.#state.twimlBins.set(sid, updated);
      return { ...updated };
    });
  }

  delete(accountSid: AccountSid, sid: TwimlBinSid): Promise<boolean> {
    return this.#state.run(() => deleteScoped(this.#state.twimlBins, accountSid, sid));
  }
}

class MemoryNotificationStore implements NotificationStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(n: NotificationRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(n.accountSid);
      insertUnique(this.#state.notifications, n.sid, n);
    });
  }

  get(accountSid: AccountSid, sid: NotificationSid): Promise<NotificationRecord | null> {
    return this.#state.run(() => copyOrNull(findScoped(this.#state.notifications, accountSid, sid)));
  }

  list(accountSid: AccountSid, filter: NotificationFilter, page: PageRequest): Promise<Page<NotificationRecord>> {
    const keep = (n: NotificationRecord): boolean =>
      n.accountSid === accountSid &&
      (filter.callSid === undefined || n.callSid === filter.callSid) &&
      (filter.level === undefined || n.level === filter.level);
    return this.#state.run(() => pageOf(this.#state.notifications.values(), keep, newestFirst, page));
  }
}

/**
 * A {@link Store} kept in maps, for tests and for running without a database. Every record goes in
 * and comes out as a copy, so callers cannot change what is stored. It enforces what the SQLite
 * store's constraints enforce (unique sids and phone numbers, records belong to a known account,
 * events to a known call, numbers name existing applications and trunks) and passes the same
 * contract suite.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * await store.accounts.upsert(account);
 * await store.calls.insert(call);
 * ```
 * @public
 */
export function createMemoryStore(): Store {
  const state = new MemoryState();
  return {
    accounts: new MemoryAccountStore(state),
    apiKeys: new MemoryApiKeyStore(state),
    applications: new MemoryApplicationStore(state),
    calls: new MemoryCallStore(state),
    twimlBins: new MemoryTwimlBinStore(state),
    phoneNumbers: new MemoryPhoneNumberStore(state),
    sipTrunks: new MemorySipTrunkStore(state),
    notifications: new MemoryNotificationStore(state),
    recordings: new MemoryRecordingStore(state),
    close: () => {
      state.close();
      return Promise.resolve();
    },
  };
}
