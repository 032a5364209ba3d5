import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { channelMetadataOf, type ChannelPluginClass, type ChannelPluginMetadata } from './channel-plugin';
import { PLUGIN_ID } from './provider-checks';

/** A configured channel plugin's class, loaded and its options checked, not yet made. */
export interface LoadedChannel {
  plugin: ChannelPluginClass;
  metadata: ChannelPluginMetadata;
  options: Record<string, unknown>;
}

export const CHANNEL_CLASSES = Symbol('CHANNEL_CLASSES');

@Module({})
class ChannelClassesModule {}

/**
 * Loads the class of each configured channel id from <root>/<id> of the first root that has that
 * folder (plugins/channels, then any root a test adds), by path, and checks what only the plugin
 * can: it is marked @ChannelPlugin, its id is its folder's name, its options (its settings under
 * `channels.<id>`, the empty ones left out) pass validateOptions().
 * Every problem goes into `problems`; the classes reach the registry through CHANNEL_CLASSES.
 */
export async function loadChannelPlugins(roots: string[], ids: string[], settings: Record<string, Record<string, string>>, problems: string[]): Promise<DynamicModule> {
  const loaded: LoadedChannel[] = [];
  for (const id of ids) {
    const dir = PLUGIN_ID.test(id) ? roots.map((root) => join(root, id)).find((d) => existsSync(d)) : undefined;
    if (!dir) {
      problems.push(`CHANNEL_PLUGINS names "${id}", but there is no plugins/channels/${id}`);
      continue;
    }
    const plugin = ((await import(dir)) as { default?: unknown }).default;
    const metadata = channelMetadataOf(plugin);
    if (!metadata) {
      problems.push(`plugins/channels/${id} does not default-export a class marked @ChannelPlugin`);
      continue;
    }
    if (metadata.id !== id) {
      problems.push(`plugins/channels/${id} holds the plugin "${metadata.id}": a plugin's id must be its folder's name`);
      continue;
    }
    // The plugin's settings (channels.<id> in the configuration), those left empty not given.
    const options: Record<string, unknown> = Object.fromEntries(Object.entries(settings[id] ?? {}).filter(([, value]) => value !== ''));
    const refused = (plugin as ChannelPluginClass).validateOptions?.(options) ?? [];
    problems.push(...refused.map((p) => `channel plugin "${id}" options: ${p}`));
    if (!refused.length) loaded.push({ plugin: plugin as ChannelPluginClass, metadata, options });
  }
  return { module: ChannelClassesModule, providers: [{ provide: CHANNEL_CLASSES, useValue: loaded }], exports: [CHANNEL_CLASSES] };
}
