import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { loadChannelPlugins } from './channel-loader';
import { loadProviderPlugins } from './provider-loader';

export type PluginKind = 'providers' | 'channels';

/** Where plugin folders are, seen from here in src/ and in dist/ alike. */
const PLUGINS_ROOT = join(__dirname, '..', '..', 'plugins');

/**
 * Loads the configured plugins from plugins/<kind>/<id>, by path: the core never imports a plugin.
 * A plugin folder's index default-exports its plugin class: a provider's is made once per configured
 * id (provider-loader.ts), a channel's once (channel-loader.ts). Tests may add `channelRoots`, folders
 * searched after plugins/channels, for plugins that exist only for them (test/fixtures/plugins). Unknown
 * ids, and every option a plugin refuses, stop start-up with one ConfigError naming them all.
 */
export async function loadPluginModules(config: Pick<AppConfig, 'plugins' | 'channels'>, roots: { channelRoots?: string[] } = {}): Promise<(Type | DynamicModule)[]> {
  const problems: string[] = [];
  const modules: (Type | DynamicModule)[] = [
    await loadProviderPlugins(join(PLUGINS_ROOT, 'providers'), config.plugins.providers, problems),
    await loadChannelPlugins([join(PLUGINS_ROOT, 'channels'), ...(roots.channelRoots ?? [])], config.plugins.channels, config.channels, problems),
  ];
  if (problems.length) throw new ConfigError(problems);
  return modules;
}
