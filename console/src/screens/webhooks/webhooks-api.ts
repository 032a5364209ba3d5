import type { OpenApiDocument } from '../../api/openapi';

/** GET /api/v1/webhook-endpoints items (never the secret). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: 'manual' | 'gone' | 'failing' | 'plan' | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEndpointCreated extends WebhookEndpoint {
  secret: string;
}

/** A new signing secret, shown once; the previous one keeps signing until previousSecretValidUntil. */
export interface WebhookSecret {
  secret: string;
  previousSecretValidUntil: string | null;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  /** null: a job's own webhookUrl. */
  endpointId: string | null;
  url: string;
  status: 'pending' | 'paused' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface WebhookAttempt {
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  payload: Record<string, unknown>;
  attemptLog: WebhookAttempt[];
}

export interface DefaultSecretStatus {
  configured: boolean;
  createdAt: string | null;
  rotatedAt: string | null;
}

export const ENDPOINTS_PATH = '/api/v1/webhook-endpoints';
export const DELIVERIES_PATH = '/api/v1/webhook-deliveries';
export const DEFAULT_SECRET_PATH = '/api/v1/webhook-secret';

export const endpointsQueryKey = (orgId: string) => ['webhook-endpoints', orgId];
export const deliveriesQueryKey = (orgId: string) => ['webhook-deliveries', orgId];
export const deliveryQueryKey = (orgId: string, id: string) => ['webhook-delivery', orgId, id];
export const defaultSecretQueryKey = (orgId: string) => ['webhook-secret', orgId];

/** Why an endpoint is off, in words (WebhookEndpointDto.disabledReason). */
export const DISABLED_REASONS: Record<NonNullable<WebhookEndpoint['disabledReason']>, string> = {
  manual: 'disabled by you',
  gone: 'disabled: it answered 410 Gone',
  failing: 'disabled: its attempts kept failing',
  plan: "paused: the organisation's plan lacks webhooks",
};

/** The values a query parameter of a route allows, from the OpenAPI document (the delivery log's filters). */
export function queryEnum(doc: OpenApiDocument, path: string, name: string): string[] {
  const parameters = (doc.paths[path]?.get as { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] } | undefined)?.parameters ?? [];
  return parameters.find((p) => p.in === 'query' && p.name === name)?.schema?.enum ?? [];
}
