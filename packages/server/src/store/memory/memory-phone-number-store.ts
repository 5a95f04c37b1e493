import type { AccountSid, PhoneNumberSid } from '@denwa/protocol';
import {
  StoreConflictError,
  type Page,
  type PageRequest,
  type PhoneNumberFilter,
  type PhoneNumberPatch,
  type PhoneNumberRecord,
  type PhoneNumberStore,
} from '../ports.ts';
import { deleteScoped, findScoped, oldestFirst, pageOf, pickDefined, type MemoryState } from './memory-state.ts';

const PHONE_NUMBER_PATCH_KEYS = [
  'friendlyName',
  'voiceUrl',
  'voiceMethod',
  'voiceFallbackUrl',
  'voiceFallbackMethod',
  'voiceApplicationSid',
  'statusCallback',
  'statusCallbackMethod',
  'trunkSid',
  'virtual',
  'dateUpdated',
] as const satisfies readonly (keyof PhoneNumberPatch)[];

/** ASCII letters folded to lower case, as SQLite's `LIKE` compares them. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * True when `phoneNumber` contains `pattern`, `*` matching any one character: the memory twin of the
 * SQLite store's `LIKE '%…%'` (ASCII case-insensitive, one code point per `*`).
 * @internal
 */
export function matchesNumberPattern(phoneNumber: string, pattern: string): boolean {
  const source = foldAscii(pattern).replace(/[.*+?^${}()|[\]\\/]/g, (c) => (c === '*' ? '.' : `\\${c}`));
  return new RegExp(source, 'su').test(foldAscii(phoneNumber));
}

/**
 * {@link PhoneNumberStore} over the maps of a {@link MemoryState}. Enforces what SQLite's keys do:
 * unique numbers, and applications and trunks that exist.
 * @internal
 */
export class MemoryPhoneNumberStore implements PhoneNumberStore {
  readonly #state: MemoryState;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  insert(n: PhoneNumberRecord): Promise<void> {
    return this.#state.run(() => {
      this.#state.requireAccount(n.accountSid);
      this.#requireReferences(n);
      if (this.#state.phoneNumbers.has(n.sid)) throw new Error(`duplicate sid ${n.sid}`);
      if (this.#findByNumber(n.phoneNumber) !== undefined) {
        throw new StoreConflictError('phoneNumber', `phone number ${n.phoneNumber} is already in the store`);
      }
      this.#state.phoneNumbers.set(n.sid, { ...n });
    });
  }

  get(accountSid: AccountSid, sid: PhoneNumberSid): Promise<PhoneNumberRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.phoneNumbers, accountSid, sid);
      return found === undefined ? null : { ...found };
    });
  }

  getByNumber(phoneNumber: string): Promise<PhoneNumberRecord | null> {
    return this.#state.run(() => {
      const found = this.#findByNumber(phoneNumber);
      return found === undefined ? null : { ...found };
    });
  }

  list(accountSid: AccountSid, filter: PhoneNumberFilter, page: PageRequest): Promise<Page<PhoneNumberRecord>> {
    const keep = (n: PhoneNumberRecord): boolean =>
      n.accountSid === accountSid &&
      (filter.friendlyName === undefined || n.friendlyName === filter.friendlyName) &&
      (filter.phoneNumber === undefined || matchesNumberPattern(n.phoneNumber, filter.phoneNumber));
    return this.#state.run(() => pageOf(this.#state.phoneNumbers.values(), keep, oldestFirst, page));
  }

  update(accountSid: AccountSid, sid: PhoneNumberSid, patch: PhoneNumberPatch): Promise<PhoneNumberRecord | null> {
    return this.#state.run(() => {
      const found = findScoped(this.#state.phoneNumbers, accountSid, sid);
      if (found === undefined) return null;
      const updated: PhoneNumberRecord = { ...found, ...pickDefined(patch, PHONE_NUMBER_PATCH_KEYS) };
      this.#requireReferences(updated);
      this.#state.phoneNumbers.set(sid, updated);
      return { ...updated };
    });
  }

  delete(accountSid: AccountSid, sid: PhoneNumberSid): Promise<boolean> {
    return this.#state.run(() => deleteScoped(this.#state.phoneNumbers, accountSid, sid));
  }

  #findByNumber(phoneNumber: string): PhoneNumberRecord | undefined {
    for (const n of this.#state.phoneNumbers.values()) if (n.phoneNumber === phoneNumber) return n;
    return undefined;
  }

  /** Throws unless the application and trunk a number names exist, as SQLite's foreign keys do. */
  #requireReferences(n: PhoneNumberRecord): void {
    if (n.voiceApplicationSid !== null && !this.#state.applications.has(n.voiceApplicationSid)) {
      throw new Error(`unknown application ${n.voiceApplicationSid}`);
    }
    if (n.trunkSid !== null && !this.#state.sipTrunks.has(n.trunkSid)) {
      throw new Error(`unknown trunk ${n.trunkSid}`);
    }
  }
}
