import { Injectable } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AppError } from '../common/errors/app-error';
import { PluginRegistry, type RegisteredProvider } from '../plugins/plugin-registry';
import { declaredOperations } from '../plugins/provider-checks';
import type { ProviderCredentials } from '../plugins/provider-context';
import { optionProblems } from '../plugins/plugin-options';
import { ProviderError } from '../plugins/provider-error';
import { describeSizes, modelTakesSize, type ImageFormat, type PriceQuote, type ProviderModel, type ProviderOperation } from '../plugins/provider-models';
import { OrgProviderKeys } from './provider-credentials.keys';

/** A provider id and one of its models: where a request goes. */
export interface ProviderRoute {
  provider: RegisteredProvider;
  model: ProviderModel;
}

/** What a request asks of routing: the provider and model it names (each may default) and the targets to fall back to, in order. */
export interface RouteRequest {
  provider?: string;
  model?: string;
  /** `provider/model`, or a provider id for its default model. */
  fallback?: string[];
}

/** A routing policy's first target for generate that looks in the asset library before generating. */
export const LIBRARY_TARGET = 'library';

/** A request's route and each fallback after it, at most this many in all. */
export const MAX_TARGETS = 5;

/** Whether the platform has a key for the provider (or it needs none); without one it serves only organisations' own keys (BYOK). */
export const hasPlatformKey = (provider: RegisteredProvider) => !provider.metadata.credentials || provider.platformCredentials !== null;

/** The fields a class-validator DTO declares, sorted. */
const fieldsOf = (dto: (new () => object) | undefined): string[] =>
  dto ? [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort() : [];

/** What a request may pass the provider under providerOptions.<id>: the fields its requestOptions DTO declares. */
export const requestOptionNames = (provider: RegisteredProvider): string[] => fieldsOf(provider.metadata.requestOptions);

/** The fields of the provider's key (its credentials DTO), as an organisation's own key (BYOK) gives them. */
export const credentialFieldNames = (provider: RegisteredProvider): string[] => fieldsOf(provider.metadata.credentials);

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/**
 * Where requests go, in one place: the default provider (the first configured id that offers the
 * operation) and its default model, provider and model lookup (a disabled id is refused as unknown),
 * the capability checks, the price quote, and the credentials a call runs with.
 */
@Injectable()
export class ProviderRouter {
  constructor(private readonly registry: PluginRegistry, private readonly orgKeys: OrgProviderKeys) {}

  /**
   * The provider and model a Darkroom request names, each defaulting (a model named alone goes to the
   * first provider offering it, as on the OpenAI-compatible endpoint); 400 invalid_model listing
   * `provider/model` otherwise.
   */
  route(operation: ProviderOperation, providerId?: string, modelId?: string): ProviderRoute {
    const offering = this.offering(operation);
    if (providerId === undefined && modelId !== undefined) {
      providerId = this.offeringModel(offering, operation, modelId)?.provider.id;
    }
    // The default is the first with a platform key: one without is only for organisations with their own.
    const provider = providerId === undefined ? offering.find(hasPlatformKey) : offering.find((p) => p.id === providerId);
    const available = () => this.available(operation);
    if (!provider) {
      const known = providerId === undefined ? undefined : this.registry.provider(providerId);
      const why = providerId === undefined ? `No provider here can ${operation}${offering.length ? ' with a key of the platform: name one your organisation has its own key for' : ''}`
        : known?.enabled === false ? `The provider "${providerId}" is disabled`
          : known ? `The provider "${providerId}" cannot ${operation}: no model of it has that capability`
            : `Unknown provider "${providerId}"`;
      throw new AppError('invalid_model', why, { available: available() });
    }
    const model = modelId === undefined ? provider.metadata.models.find((m) => m.operations.includes(operation)) : provider.metadata.models.find((m) => m.id === modelId && m.operations.includes(operation));
    if (!model) {
      const unable = provider.metadata.models.some((m) => m.id === modelId);
      throw new AppError('invalid_model', unable ? `The model "${modelId}" of ${provider.id} cannot ${operation}` : `Unknown model "${modelId}" for ${provider.id}`, { available: available() });
    }
    return { provider, model };
  }

  /**
   * The provider and model an OpenAI-style request names by model id alone (the first provider
   * offering it), defaulting to the default provider's model; 400 invalid_model listing model ids otherwise.
   */
  routeByModel(operation: ProviderOperation, modelId?: string): ProviderRoute {
    const offering = this.offering(operation);
    const wanted = modelId ?? offering.find(hasPlatformKey)?.metadata.models.find((m) => m.operations.includes(operation))?.id;
    const found = wanted === undefined ? undefined : this.offeringModel(offering, operation, wanted);
    if (found) return found;
    const available = offering.flatMap((p) => p.metadata.models.filter((m) => m.operations.includes(operation)).map((m) => m.id));
    throw new AppError('invalid_model', `Unknown model "${wanted}"; available: ${available.join(', ')}`, { available });
  }

  /**
   * The targets a request goes to, in order: the one it names (or, naming none, its organisation's
   * routing policy for the operation, else the default) and then each fallback. A target the request
   * names must exist, do the operation and have a key here (the platform's or the organisation's
   * own): 400 invalid_model otherwise. A policy's target that no longer does (its provider removed,
   * its key deleted) is passed over.
   */
  async plan(operation: ProviderOperation, orgId: string, asked: RouteRequest, policy: () => Promise<string[] | null>): Promise<ProviderRoute[]> {
    const named = asked.provider !== undefined || asked.model !== undefined || asked.fallback !== undefined;
    const stored = named ? null : await policy();
    if (stored) {
      const usable: ProviderRoute[] = [];
      for (const target of stored) {
        const route = this.tryTarget(operation, target);
        if (route && (await this.keyed(orgId, route))) usable.push(route);
      }
      if (!usable.length) throw new AppError('invalid_model', `No target of the organisation's routing policy for ${operation} can be used here: ${stored.join(', ')}`, { available: this.available(operation) });
      return usable;
    }
    const routes = [this.route(operation, asked.provider, asked.model), ...(asked.fallback ?? []).map((t) => this.target(operation, t))];
    const ids = routes.map((r) => `${r.provider.id}/${r.model.id}`);
    if (new Set(ids).size !== ids.length) throw invalid('fallback', `a target is named twice: ${ids.join(', ')}`);
    if (routes.length > MAX_TARGETS) throw invalid('fallback', `at most ${MAX_TARGETS - 1} fallback targets`);
    for (const route of routes) {
      if (!(await this.keyed(orgId, route))) {
        throw new AppError('invalid_model', `The provider "${route.provider.id}" has no key here: bring your own (PUT /api/v1/orgs/${orgId}/provider-credentials/${route.provider.id})`, { available: this.available(operation) });
      }
    }
    return routes;
  }

  /** A target as policies and requests write it: `provider/model`, or `provider` for its default model; 400 invalid_model otherwise. */
  target(operation: ProviderOperation, text: string): ProviderRoute {
    const [providerId, ...model] = text.split('/');
    return this.route(operation, providerId, model.length ? model.join('/') : undefined);
  }

  private tryTarget(operation: ProviderOperation, text: string): ProviderRoute | null {
    try {
      return this.target(operation, text);
    } catch {
      return null;
    }
  }

  /** The first provider offering the model for the operation: a model two providers offer goes to the first with a platform key. */
  private offeringModel(offering: RegisteredProvider[], operation: ProviderOperation, modelId: string): ProviderRoute | undefined {
    for (const provider of [...offering.filter(hasPlatformKey), ...offering.filter((p) => !hasPlatformKey(p))]) {
      const model = provider.metadata.models.find((m) => m.id === modelId && m.operations.includes(operation));
      if (model) return { provider, model };
    }
    return undefined;
  }

  /** Whether a call to the route would have a key for this organisation: the platform's, or its own. */
  private async keyed(orgId: string, route: ProviderRoute): Promise<boolean> {
    return hasPlatformKey(route.provider) || (await this.orgKeys.valuesFor(orgId, route.provider.id)) !== undefined;
  }

  /** Every `provider/model` here that can do the operation: what an invalid_model answer offers instead. */
  private available(operation: ProviderOperation): string[] {
    return this.enabled().flatMap((p) => p.metadata.models.filter((m) => m.operations.includes(operation)).map((m) => `${p.id}/${m.id}`));
  }

  /** Refuses, as 400 validation_failed on the field, what the route's model does not take; only the fields given are checked. */
  check(route: ProviderRoute, request: { style?: string; format?: ImageFormat; width?: number; height?: number; sources?: number; mask?: boolean }): void {
    const { model } = route;
    const name = `${route.provider.id}/${model.id}`;
    const maxSources = model.maxSourceImages ?? 1;
    if (request.sources !== undefined && request.sources > maxSources) {
      throw new AppError('too_many_images', `${name} takes at most ${maxSources} source image${maxSources === 1 ? '' : 's'}`, { maxSourceImages: maxSources });
    }
    if (request.mask && !model.mask) {
      const masked = this.enabled().flatMap((p) => p.metadata.models.filter((m) => m.mask && m.operations.includes('edit')).map((m) => `${p.id}/${m.id}`));
      const message = `${name} takes no mask${masked.length ? `; these do: ${masked.join(', ')}` : ''}`;
      throw new AppError('invalid_model', message, { fields: [{ field: 'mask', messages: [message] }], models: masked });
    }
    if (request.style !== undefined && !(model.styles ?? []).includes(request.style)) {
      throw invalid('style', model.styles?.length ? `style must be one of: ${model.styles.join(', ')}` : `${name} takes no style`);
    }
    if (request.format !== undefined && !model.formats.includes(request.format)) throw invalid('format', `format must be one of: ${model.formats.join(', ')}`);
    if (request.width !== undefined && request.height !== undefined && !modelTakesSize(model, request.width, request.height)) {
      // A size the model lacks is the model's refusal, as an unknown model is: invalid_model with the choices.
      const message = `size must be ${describeSizes(model.sizes)}`;
      throw new AppError('invalid_model', message, { fields: [{ field: 'size', messages: [message] }], sizes: model.sizes });
    }
  }

  /** Whether the route's model takes the request as it stands (check without the error): for fallbacks, which are left out when not. */
  /**
   * A request's providerOptions, each checked against its provider's requestOptions, whether or not
   * the route reaches it (a routing policy may change): 400 validation_failed when an id is not a
   * provider here, takes no options, or its options do not pass. What the route's providers take is
   * kept for the calls.
   */
  requestOptions(routes: ProviderRoute[], asked: Record<string, unknown> | undefined): Record<string, Record<string, unknown>> | undefined {
    const kept: Record<string, Record<string, unknown>> = {};
    for (const [id, options] of Object.entries(asked ?? {})) {
      const field = `providerOptions.${id}`;
      const provider = this.enabled().find((p) => p.id === id);
      if (!provider) throw invalid(field, `${id} is not a provider here; these are: ${this.enabled().map((p) => p.id).join(', ')}`);
      if (!options || typeof options !== 'object' || Array.isArray(options)) throw invalid(field, `${field} must be an object`);
      const dto = provider.metadata.requestOptions;
      if (!dto) throw invalid(field, `${id} takes no request options`);
      const problems = optionProblems(dto, options as Record<string, unknown>);
      if (problems.length) throw new AppError('validation_failed', `${field}: ${problems.join('; ')}`, { fields: problems.map((m) => ({ field, messages: [m] })) });
      if (routes.some((r) => r.provider.id === id)) kept[id] = options as Record<string, unknown>;
    }
    return Object.keys(kept).length ? kept : undefined;
  }

  takes(route: ProviderRoute, request: Parameters<ProviderRouter['check']>[1]): boolean {
    try {
      this.check(route, request);
      return true;
    } catch {
      return false;
    }
  }

  /** Credits for the whole request, as the model prices it: a whole number, at least 1. */
  quote(route: ProviderRoute, quote: Omit<PriceQuote, 'model'>): number {
    const price = route.model.price({ ...quote, model: route.model.id });
    if (!Number.isFinite(price)) throw new Error(`${route.provider.id}/${route.model.id} quoted ${price} credits`);
    return Math.max(1, Math.ceil(price));
  }

  /**
   * The route of a queued job, when it runs: the provider may have been disabled or removed from the
   * configuration since, which fails the job (not worth a retry) rather than the worker.
   */
  forJob(providerId: string, modelId: string, operation: ProviderOperation): ProviderRoute {
    const provider = this.registry.provider(providerId);
    if (!provider?.enabled) throw new ProviderError('unavailable', `The provider "${providerId}" is ${provider ? 'disabled' : 'no longer configured'}`);
    const model = provider.metadata.models.find((m) => m.id === modelId && m.operations.includes(operation));
    if (!model) throw new ProviderError('unavailable', `${providerId} no longer offers the model "${modelId}" for ${operation}`);
    return { provider, model };
  }

  /** The key a call for this organisation runs with: its own for that provider id (BYOK) when it saved one, else the platform's. */
  async credentialsFor(orgId: string, provider: RegisteredProvider): Promise<ProviderCredentials | undefined> {
    const own = await this.orgKeys.valuesFor(orgId, provider.id);
    return own ? { owner: 'organization', values: own } : this.platformCredentials(provider);
  }

  /** What a request costs the organisation: only the platform fee (BYOK_PLATFORM_FEE) when it runs on its own key, else the model's quote. */
  charge(route: ProviderRoute, quote: Omit<PriceQuote, 'model'>, key: ProviderCredentials | undefined): number {
    return key?.owner === 'organization' ? this.orgKeys.platformFee : this.quote(route, quote);
  }

  /** The platform's own key for a provider, from its configured credentials (health checks run with it). */
  platformCredentials(provider: RegisteredProvider): ProviderCredentials | undefined {
    return provider.platformCredentials ? { owner: 'platform', values: provider.platformCredentials } : undefined;
  }

  /** Enabled providers, in configured order. */
  enabled(): RegisteredProvider[] {
    return this.registry.listProviders().filter((p) => p.enabled);
  }

  private offering(operation: ProviderOperation): RegisteredProvider[] {
    return this.enabled().filter((p) => declaredOperations(p.metadata).includes(operation));
  }
}
