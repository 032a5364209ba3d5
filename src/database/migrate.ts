import { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config/app-config';
import { ormOptions } from './orm-options';

/**
 * Brings the schema up to date before Nest starts, so no module's start-up hook ever sees an old
 * schema. Returns the names of the migrations applied.
 */
export async function migrateDatabase(config: AppConfig): Promise<string[]> {
  const orm = await MikroORM.init(ormOptions(config));
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close();
  }
}
