import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { channelPluginProblems } from './channel-checks';
import { CHANNEL_CLASSES, type LoadedChannel } from './channel-loader';
import type { ChannelPlugin, ChannelPluginMetadata } from './channel-plugin';
import { providerPluginProblems } from './provider-checks';
import { PROVIDER_INSTANCES, type LoadedProvider } from './provider-loader';
import { instanceMetadata, type ProviderPlugin, type ProviderPluginMetadata } from './provider-plugin';

/** A configured provider id and the plugin instance made for it from its options. */
export interface RegisteredProvider {
  /** The id requests, jobs and images name (several ids may share one plugin). */
  id: string;
  /** The plugin folder behind it. */
  use: string;
  enabled: boolean;
  metadata: ProviderPluginMetadata;
  plugin: ProviderPlugin;
  /** The platform's own key for it, from configuration. */
  platformCredentials: Record<string, string> | null;
  /** The origin of its `baseUrl` option, chosen by the operator: calls there may reach private addresses. */
  trustedOrigin: string | null;
}

export interface RegisteredChannel {
  metadata: ChannelPluginMetadata;
  plugin: ChannelPlugin;
}

/**
 * Makes one instance of each configured provider id's plugin (loaded by provider-loader.ts) and of
 * each configured channel plugin (channel-loader.ts), keyed by id. A plugin whose declared
 * operations and methods disagree, two plugins with one id, or a configured id with no plugin behind
 * it stop start-up, every problem named. After that the registry does not change.
 */
@Injectable()
export class PluginRegistry implements OnModuleInit {
  private providers: ReadonlyMap<string, RegisteredProvider> = new Map();
  private channels: ReadonlyMap<string, RegisteredChannel> = new Map();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROVIDER_INSTANCES) private readonly providerInstances: LoadedProvider[],
    @Inject(CHANNEL_CLASSES) private readonly channelClasses: LoadedChannel[],
  ) {}

  onModuleInit(): void {
    const problems = new Set<string>();
    const providers = this.makeProviders(problems);
    const channels = this.makeChannels(problems);
    for (const id of this.config.plugins.channels) if (!channels.has(id)) problems.add(`channel plugin "${id}" is configured but no @ChannelPlugin has that id`);
    if (problems.size) throw new Error(`Plugin registry:\n  - ${[...problems].join('\n  - ')}`);
    this.providers = providers;
    this.channels = channels;
  }

  listProviders(): RegisteredProvider[] {
    return [...this.providers.values()];
  }

  provider(id: string): RegisteredProvider | undefined {
    return this.providers.get(id);
  }

  listChannels(): RegisteredChannel[] {
    return [...this.channels.values()];
  }

  channel(id: string): RegisteredChannel | undefined {
    return this.channels.get(id);
  }

  private add<T>(into: Map<string, T>, id: string, entry: T, problems: Set<string>): void {
    if (into.has(id)) problems.add(`two plugins share the id "${id}"`);
    else into.set(id, entry);
  }

  /** One instance per configured id, from that id's options; a plugin's own problems are named once, whatever the number of its ids. */
  private makeProviders(problems: Set<string>): Map<string, RegisteredProvider> {
    const providers = new Map<string, RegisteredProvider>();
    for (const { config, plugin: Plugin, metadata } of this.providerInstances) {
      let plugin: ProviderPlugin;
      try {
        plugin = new Plugin(config.options);
      } catch (err) {
        problems.add(`provider "${config.id}" (${config.use}) could not be made from its options: ${(err as Error).message}`);
        continue;
      }
      const ofInstance = instanceMetadata(Plugin, metadata, config.options);
      for (const problem of providerPluginProblems(ofInstance, plugin)) problems.add(problem);
      const baseUrl = typeof config.options.baseUrl === 'string' && URL.canParse(config.options.baseUrl) ? new URL(config.options.baseUrl).origin : null;
      this.add(providers, config.id, { id: config.id, use: config.use, enabled: config.enabled, metadata: ofInstance, plugin, platformCredentials: config.credentials, trustedOrigin: baseUrl }, problems);
    }
    return providers;
  }

  private makeChannels(problems: Set<string>): Map<string, RegisteredChannel> {
    const channels = new Map<string, RegisteredChannel>();
    for (const { plugin: Plugin, metadata, options } of this.channelClasses) {
      let plugin: ChannelPlugin;
      try {
        plugin = new Plugin(options);
      } catch (err) {
        problems.add(`channel plugin "${metadata.id}" could not be made from its options: ${(err as Error).message}`);
        continue;
      }
      for (const problem of channelPluginProblems(metadata, plugin)) problems.add(problem);
      this.add(channels, metadata.id, { metadata, plugin }, problems);
    }
    return channels;
  }
}
