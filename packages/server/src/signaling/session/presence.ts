/**
 * Registered browsers by (account, identity): `register {audio:true}` adds a connection,
 * `register {audio:false}`, a closed socket (after its grace) or 90 s without a refresh remove it.
 */
import type { AccountSid } from '@denwa/protocol';
import type { ClientConnection, ClientDirectory } from '../../calls/index.ts';

/** A registration expires when no `register` refreshed it for this long (the SDKs refresh every 30 s). */
export const REGISTRATION_TTL_MS = 90_000;

interface Entry {
  readonly connection: ClientConnection;
  readonly since: number;
  refreshedAt: number;
}

export class PresenceRegistry implements ClientDirectory {
  readonly #byKey = new Map<string, Entry[]>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  #key(accountSid: AccountSid, identity: string): string {
    return `${accountSid}\u0000${identity}`;
  }

  /** Registers or refreshes `connection` under its identity. */
  register(connection: ClientConnection): void {
    const key = this.#key(connection.accountSid, connection.identity);
    const entries = this.#byKey.get(key) ?? [];
    const now = this.#now();
    const existing = entries.find((e) => e.connection.id === connection.id);
    if (existing !== undefined) existing.refreshedAt = now;
    else entries.push({ connection, since: now, refreshedAt: now });
    this.#byKey.set(key, entries);
  }

  /** Removes `connection` from every identity it was registered under. */
  unregister(connection: ClientConnection): void {
    for (const [key, entries] of this.#byKey) {
      const kept = entries.filter((e) => e.connection.id !== connection.id);
      if (kept.length === 0) this.#byKey.delete(key);
      else if (kept.length !== entries.length) this.#byKey.set(key, kept);
    }
  }

  isRegistered(connection: ClientConnection): boolean {
    return (this.#byKey.get(this.#key(connection.accountSid, connection.identity)) ?? []).some((e) => e.connection.id === connection.id);
  }

  registered(accountSid: AccountSid, identity: string): readonly ClientConnection[] {
    const key = this.#key(accountSid, identity);
    const entries = this.#byKey.get(key);
    if (entries === undefined) return [];
    const now = this.#now();
    const live = entries.filter((e) => now - e.refreshedAt < REGISTRATION_TTL_MS);
    if (live.length !== entries.length) {
      if (live.length === 0) this.#byKey.delete(key);
      else this.#byKey.set(key, live);
    }
    return live.map((e) => e.connection);
  }

  /** Registered connections in all (for the console and tests). */
  get size(): number {
    let n = 0;
    for (const entries of this.#byKey.values()) n += entries.length;
    return n;
  }
}
