import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ProviderInstanceConfig } from '../config/provider-instances';
import { optionProblems } from './plugin-options';
import { PLUGIN_ID } from './provider-checks';
import { providerMetadataOf, type ProviderPluginClass, type ProviderPluginMetadata } from './provider-plugin';

/** A configured provider id with its plugin class, loaded and its options checked, not yet made. */
export interface LoadedProvider {
  config: ProviderInstanceConfig;
  plugin: ProviderPluginClass;
  metadata: ProviderPluginMetadata;
}

export const PROVIDER_INSTANCES = Symbol('PROVIDER_INSTANCES');

@Module({})
class ProviderInstancesModule {}

/**
 * Loads the plugin class of each configured provider id from plugins/providers/<use>, by path, and
 * checks what only the plugin can: its decorator's id is its folder's name, the id's options pass
 * its validateOptions(), its credentials pass its credentials DTO. Every problem goes into
 * `problems`; the ids are handed to the registry through PROVIDER_INSTANCES.
 */
export async function loadProviderPlugins(root: string, instances: ProviderInstanceConfig[], problems: string[]): Promise<DynamicModule> {
  const classes = new Map<string, { plugin: ProviderPluginClass; metadata: ProviderPluginMetadata } | null>();
  const loaded: LoadedProvider[] = [];
  for (const config of instances) {
    if (!classes.has(config.use)) classes.set(config.use, await loadClass(root, config, problems));
    const found = classes.get(config.use);
    if (!found) continue;
    problems.push(...instanceProblems(config, found.plugin, found.metadata));
    loaded.push({ config, ...found });
  }
  return { module: ProviderInstancesModule, providers: [{ provide: PROVIDER_INSTANCES, useValue: loaded }], exports: [PROVIDER_INSTANCES] };
}

async function loadClass(root: string, config: ProviderInstanceConfig, problems: string[]) {
  const { id, use } = config;
  const dir = join(root, use);
  if (!PLUGIN_ID.test(use) || !existsSync(dir)) {
    problems.push(`PROVIDER_PLUGINS names "${use}"${id === use ? '' : ` (for the id "${id}")`}, but there is no plugins/providers/${use}`);
    return null;
  }
  const plugin = ((await import(dir)) as { default?: unknown }).default;
  const metadata = providerMetadataOf(plugin);
  if (!metadata) {
    problems.push(`plugins/providers/${use} does not default-export a class marked @ProviderPlugin`);
    return null;
  }
  if (metadata.id !== use) {
    problems.push(`plugins/providers/${use} holds the plugin "${metadata.id}": a plugin's id must be its folder's name`);
    return null;
  }
  return { plugin: plugin as ProviderPluginClass, metadata };
}

function instanceProblems(config: ProviderInstanceConfig, plugin: ProviderPluginClass, metadata: ProviderPluginMetadata): string[] {
  const about = `plugins.providers "${config.id}" (${config.use})`;
  const problems = plugin.validateOptions
    ? plugin.validateOptions(config.options).map((p) => `${about} options: ${p}`)
    : Object.keys(config.options).length ? [`${about} takes no options`] : [];
  if (config.credentials && !metadata.credentials) problems.push(`${about} takes no credentials`);
  if (config.credentials && metadata.credentials) problems.push(...optionProblems(metadata.credentials, config.credentials).map((p) => `${about} credentials: ${p}`));
  if (!config.credentials && metadata.credentials && !metadata.byok) problems.push(`${about} needs credentials (organisations cannot bring their own key for it)`);
  return problems;
}
