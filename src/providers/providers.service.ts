import { Injectable } from '@nestjs/common';
import { TtlCache } from '../common/ttl-cache';
import { PluginRegistry, type RegisteredProvider } from '../plugins/plugin-registry';
import type { ProviderDto, ProviderListDto } from './providers.dto';

/** A remote backend's health check may be slow; its answer is reused for this long. */
const HEALTH_CACHE_MS = 30_000;

@Injectable()
export class ProvidersService {
  private readonly health = new TtlCache<string, boolean>(HEALTH_CACHE_MS);

  constructor(private readonly registry: PluginRegistry) {}

  async list(): Promise<ProviderListDto> {
    return { data: await Promise.all(this.registry.listProviders().map((p) => this.map(p))) };
  }

  private async map({ metadata: m, plugin }: RegisteredProvider): Promise<ProviderDto> {
    const ok = await this.health.getOrLoad(m.id, async () => {
      try {
        return (await plugin.health()).ok;
      } catch {
        return false;
      }
    });
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      operations: m.operations,
      models: m.models,
      sizes: m.sizes,
      styles: m.styles,
      formats: m.formats,
      pricing: m.pricing as Record<string, number>,
      byok: m.byok,
      status: ok ? 'available' : 'unavailable',
    };
  }
}
