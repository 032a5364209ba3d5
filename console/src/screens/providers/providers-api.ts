/** GET /api/v1/providers items, the parts the screen shows. */
export interface ProviderModel {
  id: string;
  name: string;
  description: string;
  operations: string[];
  sizes: string[];
  sizeConstraints?: { minWidth: number; maxWidth: number; minHeight: number; maxHeight: number; multipleOf?: number; maxPixels?: number };
  formats: string[];
  styles: string[];
  maxImagesPerCall: number;
  durations?: { seconds: number[]; default: number };
}

export type ProviderStatus = 'healthy' | 'degraded' | 'open' | 'unconfigured';

export interface Provider {
  id: string;
  name: string;
  description: string;
  operations: string[];
  models: ProviderModel[];
  pricing: Record<string, number>;
  providerPricing?: Record<string, { amount: number; currency: string }>;
  byok: boolean;
  requestOptions: string[];
  /** The fields of the provider's key, as BYOK takes them. */
  credentialFields: string[];
  status: ProviderStatus;
  retryAt?: string;
}

/** GET /api/v1/orgs/:orgId/provider-credentials items: hints of the organisation's own keys, never the keys. */
export interface ProviderCredential {
  provider: string;
  status: 'healthy' | 'degraded' | 'open';
  hint: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  verifiedAt: string | null;
}

/** GET /api/v1/orgs/:orgId/routing-policies items. */
export interface RoutingPolicy {
  operation: string;
  targets: string[];
  updatedAt: string;
}

const orgPath = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}`;

export const PROVIDERS_PATH = '/api/v1/providers';
export const providerCredentialsPath = (orgId: string) => `${orgPath(orgId)}/provider-credentials`;
export const providerCredentialPath = (orgId: string, provider: string) => `${providerCredentialsPath(orgId)}/${encodeURIComponent(provider)}`;
export const routingPoliciesPath = (orgId: string) => `${orgPath(orgId)}/routing-policies`;
export const routingPolicyPath = (orgId: string, operation: string) => `${routingPoliciesPath(orgId)}/${encodeURIComponent(operation)}`;

export const providersQueryKey = (orgId: string) => ['providers', orgId];
export const providerCredentialsQueryKey = (orgId: string) => ['provider-credentials', orgId];
export const routingPoliciesQueryKey = (orgId: string) => ['routing-policies', orgId];

/** A policy may hold at most this many targets (RoutingPolicySaveDto's maxItems). */
export const MAX_ROUTING_TARGETS = 5;

const OPERATION_NAMES: Record<string, string> = {
  generate: 'Generate',
  edit: 'Edit',
  upscale: 'Upscale',
  removeBackground: 'Remove background',
  video: 'Video',
};

/** An operation id for display; an operation this console does not know yet shows its id. */
export const operationName = (operation: string) => OPERATION_NAMES[operation] ?? operation;

/** The targets a routing policy may name for an operation: `provider/model` for each model that does it. */
export function targetsFor(providers: Provider[], operation: string): string[] {
  return providers.flatMap((p) => p.models.filter((m) => m.operations.includes(operation)).map((m) => `${p.id}/${m.id}`));
}

/** Every operation some provider does, in the order the providers list them. */
export function operationsOf(providers: Provider[]): string[] {
  return [...new Set(providers.flatMap((p) => p.operations))];
}

/** `list` with the item at `from` moved to `to` (Up and Down in a routing order). */
export function reordered<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}
