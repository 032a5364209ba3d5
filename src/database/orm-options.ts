import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations';

function sqlitePath(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl) {
    mkdirSync(config.dataDir, { recursive: true });
    return join(config.dataDir, 'darkroom.sqlite');
  }
  return config.databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '');
}

/**
 * Settings of each new SQLite connection. `synchronous` and `foreign_keys` belong to the connection,
 * so they are set on every one (MikroORM sets foreign_keys on the first only). WAL mode with NORMAL
 * sync: readers never wait for the writer and a commit does not wait for a full disk sync (still
 * durable across process crashes; only a power loss can lose the last commits). The driver runs
 * statements on the main thread, so each waited-for sync stalled every request.
 *
 * The libsql dialect counts a connection stale 10 s after it opened it (`__created`), which suits a
 * remote libsql server, not a file: replacing the connection every 10 s closed the last one, which
 * checkpoints the whole WAL on the main thread, and dropped every prepared statement (PreparedSql).
 * A file's connection is kept for as long as the pool keeps it.
 */
function sqliteSession(connection: { exec(sql: string): void; __created?: number }, done: (err: Error | null, connection: unknown) => void): void {
  try {
    connection.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on');
    connection.__created = Number.POSITIVE_INFINITY;
    done(null, connection);
  } catch (err) {
    done(err as Error, connection);
  }
}

/** MikroORM options for either database; the same entities, one migration set per dialect. */
export function ormOptions(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Options {
  const kind = databaseKind(config);
  const common: Options = {
    entities: ENTITIES,
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  };
  if (kind === 'postgresql') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: 10 },
      migrations: { migrationsList: POSTGRES_MIGRATIONS, tableName: 'mikro_orm_migrations', transactional: true, snapshot: false, silent: true },
    } as Options;
  }
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: sqlitePath(config),
    pool: { afterCreate: sqliteSession },
    migrations: { migrationsList: SQLITE_MIGRATIONS, tableName: 'mikro_orm_migrations', transactional: true, snapshot: false, silent: true },
  } as Options;
}
