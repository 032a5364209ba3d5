import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CHANNEL_PLUGIN, type ChannelPlugin, type ChannelPluginMetadata } from './channel-plugin';
import { PROVIDER_PLUGIN, type ProviderPlugin, type ProviderPluginMetadata } from './provider-plugin';

export interface RegisteredProvider {
  metadata: ProviderPluginMetadata;
  plugin: ProviderPlugin;
}

export interface RegisteredChannel {
  metadata: ChannelPluginMetadata;
  plugin: ChannelPlugin;
}

/**
 * Finds every decorated plugin with Nest's DiscoveryService at start-up and keys it by id. Two
 * plugins with one id, or a configured id with no plugin behind it, stop start-up. After that the
 * registry does not change.
 */
@Injectable()
export class PluginRegistry implements OnModuleInit {
  private providers: ReadonlyMap<string, RegisteredProvider> = new Map();
  private channels: ReadonlyMap<string, RegisteredChannel> = new Map();

  constructor(private readonly discovery: DiscoveryService, private readonly reflector: Reflector, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const providers = new Map<string, RegisteredProvider>();
    const channels = new Map<string, RegisteredChannel>();
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const provider = this.reflector.get<ProviderPluginMetadata | undefined>(PROVIDER_PLUGIN, metatype);
      const channel = this.reflector.get<ChannelPluginMetadata | undefined>(CHANNEL_PLUGIN, metatype);
      if (provider) this.add(providers, provider.id, { metadata: provider, plugin: instance as ProviderPlugin }, problems);
      if (channel) this.add(channels, channel.id, { metadata: channel, plugin: instance as ChannelPlugin }, problems);
    }
    for (const id of this.config.plugins.providers) if (!providers.has(id)) problems.push(`provider plugin "${id}" is configured but no @ProviderPlugin has that id`);
    for (const id of this.config.plugins.channels) if (!channels.has(id)) problems.push(`channel plugin "${id}" is configured but no @ChannelPlugin has that id`);
    if (problems.length) throw new Error(`Plugin registry:\n  - ${problems.join('\n  - ')}`);
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

  private add<T>(into: Map<string, T>, id: string, entry: T, problems: string[]): void {
    if (into.has(id)) problems.push(`two plugins share the id "${id}"`);
    else into.set(id, entry);
  }
}
