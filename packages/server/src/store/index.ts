/**
 * The store: one port per aggregate (`ports.ts`) and two implementations, in memory and SQLite,
 * which pass the same contract suite (`store.contract.ts`).
 * @packageDocumentation
 */
export type * from './ports.ts';
export { StoreConflictError } from './ports.ts';
export { createMemoryStore } from './memory/memory-store.ts';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
