import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { loadProviderPlugins } from './provider-loader';

export type PluginKind = 'providers' | 'channels';

/** Where plugin folders are, seen from here in src/ and in dist/ alike. */
const PLUGINS_ROOT = join(__dirname, '..', '..', 'plugins');
const ID = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Loads the configured plugins from plugins/<kind>/<id>, by path: the core never imports a plugin.
 * A provider folder's index default-exports its plugin class (one instance per configured id, see
 * provider-loader.ts); a channel folder's, its Nest module. Unknown ids, and every option a plugin
 * refuses, stop start-up with one ConfigError naming them all.
 */
export async function loadPluginModules(config: Pick<AppConfig, 'plugins'>): Promise<(Type | DynamicModule)[]> {
  const problems: string[] = [];
  const modules: (Type | DynamicModule)[] = [await loadProviderPlugins(join(PLUGINS_ROOT, 'providers'), config.plugins.providers, problems)];
  for (const id of config.plugins.channels) {
    const dir = join(PLUGINS_ROOT, 'channels', id);
    if (!ID.test(id) || !existsSync(dir)) {
      problems.push(`CHANNEL_PLUGINS names "${id}", but there is no plugins/channels/${id}`);
      continue;
    }
    const loaded = (await import(dir)) as { default?: Type | DynamicModule };
    if (!loaded.default) problems.push(`plugins/channels/${id} does not export its module as default`);
    else modules.push(loaded.default);
  }
  if (problems.length) throw new ConfigError(problems);
  return modules;
}
