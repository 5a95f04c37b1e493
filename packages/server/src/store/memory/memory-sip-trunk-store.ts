import type { AccountSid, TrunkSid } from '@denwa/protocol';
import type { Page, PageRequest, SipTrunkPatch, SipTrunkRecord, SipTrunkStore } from '../ports.ts';
import { findScoped, oldestFirst, pageOf, pickDefined, type MemoryState } from './memory-state.ts';

const SIP_TRUNK_PATCH_KEYS = [
  'friendlyName',
  'host',
  'outboundProxy',
  'transport',
  'username',
  'password',
  'register',
  'registerExpires',
  'codecs',
  'countryCode',
  'numberFormat',
  'allowedSources',
  'srtp',
  'allowedCountries',
  'dateUpdated',
] as const satisfies readonly (keyof SipTrunkPatch)[];

/** A copy that shares no array with `trunk`, so neither side can change the other. */
function copyTrunk(trunk: SipTrunkRecord): SipTrunkRecord {
  return {
    ...trunk,
    codecs: [...trunk.codecs],
    allowedSources: [...trunk.allowedSources],
    allowedCountries: [...trunk.allowedCountries],
  };
}

/** {@link SipTrunkStore} over the maps of a {@link MemoryState}. @internal */
export class MemorySipTrunkStore implements SipTrunkStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(trunk: SipTrunkRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(trunk.accountSid);
      if (this.#state.sipTrunks.has(trunk.sid)) throw new Error(`duplicate sid ${trunk.sid}`);
      this.#state.sipTrunks.set(trunk.sid, copyTrunk(trunk));
    });
  }

  get(accountSid: AccountSid, sid: TrunkSid): Promise<SipTrunkRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.sipTrunks, accountSid, sid);
      return found === undefined ? null : copyTrunk(found);
    });
  }

  getBySid(sid: TrunkSid): Promise<SipTrunkRecord | null> {
    return this.#state.run(() => {
      const found = this.#state.sipTrunks.get(sid);
      return found === undefined ? null : copyTrunk(found);
    });
  }

  list(accountSid: AccountSid, page: PageRequest): Promise<Page<SipTrunkRecord>> {
    return this.#state.run(() => {
      const listed = pageOf(this.#state.sipTrunks.values(), (t) => t.accountSid === accountSid, oldestFirst, page);
      return { items: listed.items.map(copyTrunk), hasMore: listed.hasMore };
    });
  }

  listAll(): Promise<readonly SipTrunkRecord[]> {
    return this.#state.run(() => [...this.#state.sipTrunks.values()].sort(oldestFirst).map(copyTrunk));
  }

  update(accountSid: AccountSid, sid: TrunkSid, patch: SipTrunkPatch): Promise<SipTrunkRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.sipTrunks, accountSid, sid);
      if (found === undefined) return null;
      const updated = copyTrunk({ ...found, ...pickDefined(patch, SIP_TRUNK_PATCH_KEYS) });
      this.#state.sipTrunks.set(sid, updated);
      return copyTrunk(updated);
    });
  }

  delete(accountSid: AccountSid, sid: TrunkSid): Promise<boolean> {
    return this.#state.run(() => {
      if (findScoped(this.#state.sipTrunks, accountSid, sid) === undefined) return false;
      this.#state.sipTrunks.delete(sid);
      // As SQLite's `on delete set null`: the numbers stay, no longer bound to a trunk.
      for (const n of this.#state.phoneNumbers.values()) {
        if (n.trunkSid === sid) this.#state.phoneNumbers.set(n.sid, { ...n, trunkSid: null });
      }
      return true;
    });
  }
}
