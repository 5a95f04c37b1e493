import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { OperationGate } from './operation-gate.ts';

/** What each aggregate's queries share: the database and the gate every operation passes. @internal */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly gate: OperationGate;
}
