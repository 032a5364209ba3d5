import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CHANNEL_PLUGIN, type ChannelPlugin, type ChannelPluginMetadata } from './channel-plugin';
import { providerPluginProblems } from './provider-checks';
import { PROVIDER_INSTANCES, type LoadedProvider } from './provider-loader';
import type { ProviderPlugin, ProviderPluginMetadata } from './provider-plugin';

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
 * Makes one instance of each configured provider id's plugin (loaded by provider-loader.ts) and
 * finds every channel plugin with Nest's DiscoveryService, keyed by id. A plugin whose declared
 * operations and methods disagree, two plugins with one id, or a configured id with no plugin behind
 * it stop start-up, every problem named. After that the registry does not change.
 */
@Injectable()
export class PluginRegistry implements OnModuleInit {
  private providers: ReadonlyMap<string, RegisteredProvider> = new Map();
  private channels: ReadonlyMap<string, RegisteredChannel> = new Map();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROVIDER_INSTANCES) private readonly providerInstances: LoadedProvider[],
  ) {}

  onModuleInit(): void {
    const channels = new Map<string, RegisteredChannel>();
    const problems = new Set<string>();
    const providers = this.makeProviders(problems);
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const channel = this.reflector.get<ChannelPluginMetadata | undefined>(CHANNEL_PLUGIN, metatype);
      if (channel) this.add(channels, channel.id, { metadata: channel, plugin: instance as ChannelPlugin }, problems);
    }
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
      for (const problem of providerPluginProblems(metadata, plugin)) problems.add(problem);
      const baseUrl = typeof config.options.baseUrl === 'string' && URL.canParse(config.options.baseUrl) ? new URL(config.options.baseUrl).origin : null;
      this.add(providers, config.id, { id: config.id, use: config.use, enabled: config.enabled, metadata, plugin, platformCredentials: config.credentials, trustedOrigin: baseUrl }, problems);
    }
    return providers;
  }
}
