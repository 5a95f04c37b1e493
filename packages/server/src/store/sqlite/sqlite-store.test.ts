import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Migrator } from 'kysely/migration';
import { account, ACCOUNT, call, phoneNumber, recording, sid, sipTrunk, T0 } from '../contract/fixtures.ts';
import type { Store } from '../ports.ts';
import { runStoreContract } from '../store.contract.ts';
import { initialMigration } from './migrations/0001-initial.ts';
import { openDatabase } from './open-database.ts';
import { openSqliteStore } from './sqlite-store.ts';

runStoreContract('sqlite', async () => {
  const dir = makeTempDir('denwa-store-');
  const store = await openSqliteStore({ path: join(dir.path, 'denwa.db') });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describe('openSqliteStore', () => {
  let dir: { path: string; remove(): void };
  let path: string;
  const open: Store[] = [];

  async function openStore(): Promise<Store> {
    const store = await openSqliteStore({ path });
    open.push(store);
    return store;
  }

  /** Reads the file with a second, plain connection. */
  function inspect<T>(read: (db: BetterSqlite3.Database) => T): T {
    const db = new BetterSqlite3(path);
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  beforeEach(() => {
    dir = makeTempDir('denwa-store-');
    path = join(dir.path, 'denwa.db');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    dir.remove();
  });

  it('keeps data across close and reopen', async () => {
    const first = await openStore();
    await first.accounts.upsert(account(ACCOUNT));
    await first.calls.insert(call(1));
    await first.calls.appendEvent({ callSid: sid('call', 1), status: 'ringing', timestamp: T0, detail: { n: 1 } });
    const recorded = recording(1, { channels: 2, trim: true, spoolPath: '/spool/RE1.wav', statusCallbackEvents: ['in-progress', 'absent'] });
    await first.recordings.insert(recorded);
    await first.recordings.insert(recording(2));
    await first.recordings.update(ACCOUNT, sid('recording', 2), { status: 'completed', wavKey: 'RE2.wav', dateUpdated: T0 + 9 });
    await first.close();

    const second = await openStore();
    expect(await second.calls.get(ACCOUNT, sid('call', 1))).toStrictEqual(call(1));
    expect(await second.recordings.get(ACCOUNT, recorded.sid)).toStrictEqual(recorded);
    expect(await second.recordings.get(ACCOUNT, sid('recording', 2))).toStrictEqual(
      recording(2, { status: 'completed', wavKey: 'RE2.wav', dateUpdated: T0 + 9 }),
    );
    expect(await second.recordings.listUnfinished()).toStrictEqual([recorded]);
    const next = await second.calls.appendEvent({ callSid: sid('call', 1), status: 'completed', timestamp: T0, detail: {} });
    expect(next.sequence).toBe(2);
  });

  it('runs in WAL mode', async () => {
    await openStore();
    expect(inspect((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('runs each migration once: reopening neither fails nor migrates again', async () => {
    await (await openStore()).close();
    await (await openStore()).close();
    const store = await openStore();
    await store.accounts.upsert(account(ACCOUNT));
    const names = inspect((db) => db.prepare('select name from kysely_migration').pluck().all());
    expect(names).toEqual(['0001-initial', '0002-phone-numbers-and-trunks', '0003-recordings']);
  });

  it('upgrades a database of the first schema, keeping its data', async () => {
    const db = openDatabase(path);
    const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve({ '0001-initial': initialMigration }) } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await db.insertInto('accounts').values({ sid: ACCOUNT, friendly_name: 'Main account', auth_token: 't', status: 'active', date_created: T0, date_updated: T0 }).execute();
    await db.destroy();

    const store = await openStore();
    expect((await store.accounts.get(ACCOUNT))?.friendlyName).toBe('Main account');
    await store.sipTrunks.insert(sipTrunk(1));
    await store.phoneNumbers.insert(phoneNumber(1, { trunkSid: sid('trunk', 1) }));
    expect(await store.phoneNumbers.getByNumber(phoneNumber(1).phoneNumber)).toStrictEqual(phoneNumber(1, { trunkSid: sid('trunk', 1) }));
    await store.recordings.insert(recording(1));
    expect(await store.recordings.listUnfinished()).toStrictEqual([recording(1)]);
    const names = inspect((db) => db.prepare('select name from kysely_migration order by name').pluck().all());
    expect(names).toEqual(['0001-initial', '0002-phone-numbers-and-trunks', '0003-recordings']);
  });

  it('keys recordings to their account but not to their call, and indexes the list, call and status queries', async () => {
    await openStore();
    const references = inspect((db) => db.pragma('foreign_key_list(recordings)') as { table: string; from: string }[]);
    expect(references.map((r) => [r.from, r.table])).toEqual([['account_sid', 'accounts']]);
    const indexes = inspect((db) => db.pragma('index_list(recordings)') as { name: string }[]).map((i) => i.name);
    expect(indexes).toEqual(expect.arrayContaining(['recordings_account_order', 'recordings_call', 'recordings_status']));
  });

  it('lands 100 parallel inserts', async () => {
    const store = await openStore();
    await store.accounts.upsert(account(ACCOUNT));
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.calls.insert(call(i + 1))));
    const page = await store.calls.list(ACCOUNT, {}, { offset: 0, limit: 1000 });
    expect(page.items).toHaveLength(100);
    expect(page.hasMore).toBe(false);
  });

  it('close waits for in-flight writes before closing the database', async () => {
    const store = await openStore();
    await store.accounts.upsert(account(ACCOUNT));
    let settled = 0;
    const writes = Array.from({ length: 50 }, (_, i) =>
      store.calls.insert(call(i + 1)).then(() => {
        settled++;
      }),
    );
    await store.close();
    expect(settled).toBe(50);
    await Promise.all(writes);

    const reopened = await openStore();
    const page = await reopened.calls.list(ACCOUNT, {}, { offset: 0, limit: 1000 });
    expect(page.items).toHaveLength(50);
  });

  it('refuses a file that is not a SQLite database, naming the path', async () => {
    writeFileSync(path, randomBytes(8192));
    await expect(openSqliteStore({ path })).rejects.toThrow(`cannot open SQLite store at ${path}`);
    await expect(openSqliteStore({ path })).rejects.toThrow(/not a database/);
  });

  it('refuses a path whose directory does not exist, naming the path', async () => {
    const missing = join(dir.path, 'no-such-dir', 'denwa.db');
    await expect(openSqliteStore({ path: missing })).rejects.toThrow(`cannot open SQLite store at ${missing}`);
  });

  it('refuses a database migrated by a newer version, naming the path and the unknown migration', async () => {
    await (await openStore()).close();
    inspect((db) =>
      db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-from-the-future', '2099'),
    );
    const error: unknown = await openSqliteStore({ path }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('newer schema');
    expect((error as Error).message).toContain('9999-from-the-future');
  });
});
