import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124011633 as PgInitial } from './migrations/postgresql/Migration20261124011633';
import { Migration20261124011629 as SqliteInitial } from './migrations/sqlite/Migration20261124011629';

/** Listed so compiled and source runs load the same set. Append new migrations in order. */
export const SQLITE_MIGRATIONS: MigrationObject[] = [{ name: 'Migration20261124011629', class: SqliteInitial }];
export const POSTGRES_MIGRATIONS: MigrationObject[] = [{ name: 'Migration20261124011633', class: PgInitial }];
