import { Injectable } from '@nestjs/common';
import { OutboundHttp } from '../common/net/outbound-http';
import { TtlCache } from '../common/ttl-cache';
import type { RegisteredProvider } from '../plugins/plugin-registry';
import { declaredOperations } from '../plugins/provider-checks';
import type { ProviderCost } from '../plugins/provider-context';
import { smallestSize, type ProviderModel } from '../plugins/provider-models';
import { callContext } from './call-context';
import { circuitKey, CircuitBreakers } from './circuit-breakers';
import { credentialFieldNames, hasPlatformKey, ProviderRouter, requestOptionNames } from './provider-router';
import type { ProviderDto, ProviderListDto, ProviderModelDto } from './providers.dto';

/** A remote backend's health check may be slow; its answer is reused for this long. */
const HEALTH_CACHE_MS = 30_000;
const HEALTH_TIMEOUT_MS = 10_000;

const unique = <T>(items: T[]) => [...new Set(items)];

/** GET /api/v1/providers: the enabled providers, what their models can do, what they cost and whether they answer. */
@Injectable()
export class ProvidersService {
  private readonly health = new TtlCache<string, boolean>(HEALTH_CACHE_MS);

  constructor(private readonly router: ProviderRouter, private readonly http: OutboundHttp, private readonly breakers: CircuitBreakers) {}

  async list(): Promise<ProviderListDto> {
    return { data: await Promise.all(this.router.enabled().map((p) => this.map(p))) };
  }

  private async map(provider: RegisteredProvider): Promise<ProviderDto> {
    const { metadata: m } = provider;
    const operations = declaredOperations(m);
    const pricing: Record<string, number> = {};
    const providerPricing: Record<string, ProviderCost> = {};
    for (const operation of operations) {
      const route = this.router.route(operation, provider.id);
      const quote = { operation, n: 1, ...smallestSize(route.model.sizes), format: route.model.formats[0], durationSeconds: 1 };
      pricing[operation] = this.router.quote(route, quote);
      const listed = route.model.providerPrice?.({ ...quote, model: route.model.id });
      if (listed) providerPricing[operation] = listed;
    }
    return {
      id: provider.id,
      name: m.name,
      description: m.description,
      operations,
      models: m.models.map(modelDto),
      sizes: unique(m.models.flatMap((x) => (Array.isArray(x.sizes) ? x.sizes : []))),
      styles: unique(m.models.flatMap((x) => x.styles ?? [])),
      formats: unique(m.models.flatMap((x) => x.formats)),
      pricing,
      ...(Object.keys(providerPricing).length ? { providerPricing } : {}),
      byok: m.byok,
      requestOptions: requestOptionNames(provider),
      credentialFields: credentialFieldNames(provider),
      ...(await this.status(provider)),
    };
  }

  /** The platform key's circuit, worsened to degraded by a failing health check; unconfigured without a platform key. */
  private async status(provider: RegisteredProvider): Promise<Pick<ProviderDto, 'status' | 'retryAt'>> {
    if (!hasPlatformKey(provider)) return { status: 'unconfigured' };
    const key = circuitKey(provider.id, 'platform', '');
    const circuit = this.breakers.state(key);
    if (circuit === 'open') return { status: 'open', retryAt: new Date(this.breakers.reopensAt(key)!).toISOString() };
    return { status: circuit === 'healthy' && (await this.healthy(provider)) ? 'healthy' : 'degraded' };
  }

  private healthy(provider: RegisteredProvider): Promise<boolean> {
    const { plugin } = provider;
    if (!plugin.health) return Promise.resolve(true);
    return this.health.getOrLoad(provider.id, async () => {
      const signal = AbortSignal.timeout(HEALTH_TIMEOUT_MS);
      try {
        const ctx = callContext(this.http, provider, { credentials: this.router.platformCredentials(provider), signal, callId: `health-${provider.id}` });
        return (await plugin.health!(ctx)).ok;
      } catch {
        return false;
      }
    });
  }
}

function modelDto(model: ProviderModel): ProviderModelDto {
  const listed = Array.isArray(model.sizes);
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    operations: model.operations,
    sizes: Array.isArray(model.sizes) ? model.sizes : [],
    ...(listed ? {} : { sizeConstraints: model.sizes as Exclude<ProviderModel['sizes'], string[]> }),
    formats: model.formats,
    styles: model.styles ?? [],
    maxImagesPerCall: model.maxImagesPerCall,
    seed: model.seed,
    ...(model.durations ? { durations: model.durations } : {}),
    ...(model.operations.includes('edit') ? { maxSourceImages: model.maxSourceImages ?? 1, mask: model.mask ?? false } : {}),
  };
}
