import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { UrlGuard } from '../common/net/url-guard';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { OrgDirectory } from '../tenancy/org-directory';
import type { WebhookAttempt, WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookSecrets } from './webhook-secrets';
import { newWebhookSecret } from './webhook-signer';
import { WebhooksRepository } from './webhooks.repository';
import type {
  CreateWebhookEndpointDto, DefaultSecretStatusDto, DeliveryQueryDto, UpdateWebhookEndpointDto, WebhookDeliveryDetailDto,
  WebhookAttemptDto, WebhookDeliveryDto, WebhookDeliveryPageDto, WebhookEndpointCreatedDto, WebhookEndpointDto, WebhookSecretDto,
} from './webhooks.dto';

const MAX_ENDPOINTS = 20;

/** Endpoints, the delivery log and the default secret, as the API offers them. Every read is scoped to the organisation. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
    private readonly guard: UrlGuard,
    private readonly orgs: OrgDirectory,
    private readonly dispatcher: WebhookDispatcher,
    private readonly publisher: WebhookPublisher,
  ) {}

  /** Webhooks are a plan feature; 403 plan_limit when the organisation's plan lacks it. */
  async assertPlanAllows(orgId: string): Promise<void> {
    const plan = await this.orgs.planOf(orgId);
    if (!plan.features.webhooks) throw new AppError('plan_limit', `The ${plan.name} plan does not include webhooks`, { feature: 'webhooks' });
  }

  /**
   * Checks a job's webhookUrl before the job is accepted, and makes the organisation's default secret
   * on first use: returned then (and only then) so the caller can verify the signatures.
   */
  async prepareJobWebhook(orgId: string, url: string): Promise<{ url: string; newSecret: string | null }> {
    await this.assertPlanAllows(orgId);
    const checked = await this.guard.assertAllowed(url, 'webhookUrl');
    return { url: checked.toString(), newSecret: await this.secrets.ensureDefault(orgId) };
  }

  async create(orgId: string, dto: CreateWebhookEndpointDto): Promise<WebhookEndpointCreatedDto> {
    await this.assertPlanAllows(orgId);
    const url = await this.guard.assertAllowed(dto.url, 'url');
    if ((await this.repo.listEndpoints(orgId)).length >= MAX_ENDPOINTS) {
      throw new AppError('conflict', `An organisation can have at most ${MAX_ENDPOINTS} webhook endpoints`);
    }
    const secret = newWebhookSecret();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      orgId, url: url.toString(), description: dto.description ?? null, events: dto.events ?? [...WEBHOOK_EVENT_TYPES], secret: this.secrets.seal(secret),
    });
    await this.repo.insertEndpoint(endpoint);
    this.publisher.forget(orgId);
    return { ...this.mapEndpoint(endpoint), secret };
  }

  async list(orgId: string): Promise<WebhookEndpointDto[]> {
    return (await this.repo.listEndpoints(orgId)).map((e) => this.mapEndpoint(e));
  }

  async get(orgId: string, id: string): Promise<WebhookEndpointDto> {
    return this.mapEndpoint(await this.requireEndpoint(orgId, id));
  }

  async update(orgId: string, id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    const current = await this.requireEndpoint(orgId, id);
    const changes: Partial<WebhookEndpoint> = {};
    if (dto.url !== undefined) changes.url = (await this.guard.assertAllowed(dto.url, 'url')).toString();
    if (dto.events !== undefined) changes.events = dto.events;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.enabled === true && !current.enabled) Object.assign(changes, { enabled: true, disabledReason: null, failingSince: null });
    // Disabling one the plan paused keeps it off when the plan comes back.
    if (dto.enabled === false && (current.enabled || current.disabledReason === 'plan')) Object.assign(changes, { enabled: false, disabledReason: 'manual' });
    if (changes.enabled) await this.assertPlanAllows(orgId);
    const updated = await this.repo.updateEndpoint(orgId, id, changes);
    if (!updated) throw AppError.notFound('Webhook endpoint');
    this.publisher.forget(orgId);
    return this.mapEndpoint(updated);
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteEndpoint(orgId, id))) throw AppError.notFound('Webhook endpoint');
    this.publisher.forget(orgId);
  }

  async rotateEndpointSecret(orgId: string, id: string): Promise<WebhookSecretDto> {
    const endpoint = await this.requireEndpoint(orgId, id);
    const secret = newWebhookSecret();
    const rotated = this.secrets.rotation(endpoint.secret, secret);
    await this.repo.updateEndpoint(orgId, id, { secret: rotated });
    return { secret, previousSecretValidUntil: rotated.previousUntil!.toISOString() };
  }

  async defaultSecretStatus(orgId: string): Promise<DefaultSecretStatusDto> {
    const row = await this.repo.getDefaultSecret(orgId);
    return { configured: !!row, createdAt: row?.createdAt.toISOString() ?? null, rotatedAt: row?.rotatedAt?.toISOString() ?? null };
  }

  async rotateDefaultSecret(orgId: string): Promise<WebhookSecretDto> {
    await this.assertPlanAllows(orgId);
    const { secret, previousValidUntil } = await this.secrets.rotateDefault(orgId);
    return { secret, previousSecretValidUntil: previousValidUntil?.toISOString() ?? null };
  }

  async deliveries(orgId: string, query: DeliveryQueryDto): Promise<WebhookDeliveryPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.listDeliveries(orgId, { endpointId: query.endpointId, status: query.status, eventType: query.eventType }, { after: decodeCursor(query.cursor), limit: limit + 1 });
    return toPage(rows, limit, (d) => this.mapDelivery(d));
  }

  async delivery(orgId: string, id: string): Promise<WebhookDeliveryDetailDto> {
    const delivery = await this.requireDelivery(orgId, id);
    const attempts = await this.repo.attempts(delivery.id);
    return { ...this.mapDelivery(delivery), payload: JSON.parse(delivery.payload) as Record<string, unknown>, attemptLog: attempts.map((a) => this.mapAttempt(a)) };
  }

  /** Sends a finished delivery again with the same webhook-id and payload, starting the schedule over. */
  async redeliver(orgId: string, id: string): Promise<WebhookDeliveryDto> {
    const delivery = await this.requireDelivery(orgId, id);
    await this.assertPlanAllows(orgId);
    if (delivery.endpointId) {
      const endpoint = await this.repo.getEndpoint(orgId, delivery.endpointId);
      if (!endpoint?.enabled) throw new AppError('conflict', 'The endpoint is disabled; enable it first (PATCH enabled: true)');
    }
    if (!(await this.repo.restartDelivery(orgId, id))) throw new AppError('conflict', 'The delivery is still pending; it will be attempted on schedule');
    this.dispatcher.kick();
    return this.mapDelivery((await this.repo.getDelivery(orgId, id))!);
  }

  private async requireEndpoint(orgId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repo.getEndpoint(orgId, id);
    if (!endpoint) throw AppError.notFound('Webhook endpoint');
    return endpoint;
  }

  private async requireDelivery(orgId: string, id: string): Promise<WebhookDelivery> {
    const delivery = await this.repo.getDelivery(orgId, id);
    if (!delivery) throw AppError.notFound('Webhook delivery');
    return delivery;
  }

  private mapEndpoint(e: WebhookEndpoint): WebhookEndpointDto {
    return {
      id: e.id, url: e.url, description: e.description, events: e.events, enabled: e.enabled, disabledReason: e.disabledReason,
      failingSince: e.failingSince?.toISOString() ?? null, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString(),
    };
  }

  private mapDelivery(d: WebhookDelivery): WebhookDeliveryDto {
    return {
      id: d.id, eventId: d.eventId, eventType: d.eventType, endpointId: d.endpointId, url: d.url, status: d.status, attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null, lastStatusCode: d.lastStatusCode,
      lastError: d.lastError, createdAt: d.createdAt.toISOString(), deliveredAt: d.deliveredAt?.toISOString() ?? null,
    };
  }

  private mapAttempt(a: WebhookAttempt): WebhookAttemptDto {
    return { attemptedAt: a.attemptedAt.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs, responseBody: a.responseBody };
  }
}
