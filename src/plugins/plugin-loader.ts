import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

export type PluginKind = 'providers' | 'channels';

/** Where plugin folders are, seen from here in src/ and in dist/ alike. */
const PLUGINS_ROOT = join(__dirname, '..', '..', 'plugins');
const ID = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Loads the Nest module of each configured plugin from plugins/<kind>/<id>, by path: the core never
 * imports a plugin. Each folder's index exports its module as `default`. Unknown ids stop start-up.
 */
export async function loadPluginModules(config: Pick<AppConfig, 'plugins'>): Promise<(Type | DynamicModule)[]> {
  const modules: (Type | DynamicModule)[] = [];
  const problems: string[] = [];
  for (const kind of ['providers', 'channels'] as const) {
    for (const id of config.plugins[kind]) {
      const dir = join(PLUGINS_ROOT, kind, id);
      if (!ID.test(id) || !existsSync(dir)) {
        problems.push(`${kind === 'providers' ? 'PROVIDER_PLUGINS' : 'CHANNEL_PLUGINS'} names "${id}", but there is no plugins/${kind}/${id}`);
        continue;
      }
      const loaded = (await import(dir)) as { default?: Type | DynamicModule };
      if (!loaded.default) problems.push(`plugins/${kind}/${id} does not export its module as default`);
      else modules.push(loaded.default);
    }
  }
  if (problems.length) throw new Error(`Cannot load plugins:\n  - ${problems.join('\n  - ')}`);
  return modules;
}
