import type { Migration } from 'kysely/migration';
import { initialMigration } from './0001-initial.ts';
import { phoneNumbersAndTrunksMigration } from './0002-phone-numbers-and-trunks.ts';
import { recordingsMigration } from './0003-recordings.ts';

/**
 * Every schema migration, by name. Names are numbered so they sort in the order they must run; a
 * new migration gets the next number and is never edited once released.
 * @internal
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initialMigration,
  '0002-phone-numbers-and-trunks': phoneNumbersAndTrunksMigration,
  '0003-recordings': recordingsMigration,
};
