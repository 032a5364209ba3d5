import { MikroORM } from '@mikro-orm/core';
import { loadConfig } from '../config/load-config';
import { databaseKind } from '../config/database-kind';
import { ormOptions } from './orm-options';

/**
 * Writes a migration for the schema change since the last one, for the database DATABASE_URL
 * points at (SQLite by default). Run it once per dialect: see docs/development.md.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const kind = databaseKind(config);
  const options = ormOptions(config);
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, path: `src/database/migrations/${kind}`, pathTs: `src/database/migrations/${kind}`, emit: 'ts' },
  });
  const migrator = orm.getMigrator();
  await migrator.up();
  const result = await migrator.createMigration(undefined, false, process.argv.includes('--initial'));
  console.log(result.fileName ? `wrote ${kind} migration ${result.fileName}` : 'schema is up to date; nothing written');
  await orm.close();
}

void main();
