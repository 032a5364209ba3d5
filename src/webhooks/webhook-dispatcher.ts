import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OutboundHttp } from '../common/net/outbound-http';
import { Pump } from '../common/pump';
import { runsJobs } from '../config/process-role';
import { PlansService } from '../config/plans.service';
import { OrgsRepository } from '../tenancy/orgs.repository';
import { UrlNotAllowed } from '../common/net/url-guard';
import { WebhookAttempt, type WebhookDelivery } from './webhook-delivery.entity';
import { signedHeaders } from './webhook-signer';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksRepository } from './webhooks.repository';

const POLL_MS = 1000;
const BATCH = 16;
const RESPONSE_EXCERPT = 1000;

type Outcome = { statusCode: number | null; error: string | null; body: string | null };

/**
 * Sends due deliveries. A delivery is claimed with a lease (its next-attempt time pushed past the
 * request timeout), so several nodes share the work and one that dies mid-attempt leaves it to be
 * tried again. 2xx succeeds; anything else (3xx included, as the spec says) waits for the next slot
 * of the retry schedule; a 410 Gone disables the endpoint at once.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly pump = new Pump(() => this.sendDue(), (err) => this.logger.error({ err }, 'webhook dispatcher could not fetch work'));

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
    private readonly http: OutboundHttp,
    private readonly orgs: OrgsRepository,
    private readonly plans: PlansService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sending is background work: processes with PROCESS_ROLE=api leave it to the workers. */
  onApplicationBootstrap(): void {
    if (runsJobs(this.config)) this.pump.start(POLL_MS);
  }

  onModuleDestroy(): Promise<void> {
    return this.pump.stop();
  }

  /** Looks for due deliveries now rather than at the next poll. */
  kick(): void {
    this.pump.kick();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + (this.config.webhooks.timeoutSeconds + 30) * 1000);
      const batch = await this.repo.claimDue(now, leaseUntil, BATCH);
      if (!batch.length || this.pump.stopping) return;
      await Promise.all(batch.map((d) => this.attempt(d)));
    }
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    try {
      const secrets = await this.signingSecrets(delivery);
      if (secrets === 'paused') return await this.repo.pauseDelivery(delivery.id);
      if (!secrets) return await this.giveUp(delivery, 'The endpoint was disabled or deleted');
      const started = Date.now();
      const outcome = await this.send(delivery, secrets);
      await this.record(delivery, outcome, Date.now() - started);
    } catch (err) {
      // The lease brings the delivery back once it runs out.
      this.logger.error({ err, deliveryId: delivery.id }, 'webhook attempt could not be recorded');
    }
  }

  /**
   * The secrets to sign with; null when the endpoint was disabled or deleted; `paused` while the
   * organisation's plan lacks webhooks (a delivery written just as its plan changed, or a job's own URL).
   */
  private async signingSecrets(delivery: WebhookDelivery): Promise<string[] | null | 'paused'> {
    if (!delivery.endpointId) return (await this.planHasWebhooks(delivery.orgId)) ? this.secrets.defaultSigningSecrets(delivery.orgId) : 'paused';
    const endpoint = await this.repo.getEndpoint(delivery.orgId, delivery.endpointId);
    if (endpoint?.disabledReason === 'plan') return 'paused';
    return endpoint?.enabled ? this.secrets.signingSecrets(endpoint.secret) : null;
  }

  /** Read fresh, not from the plan cache: a node that still saw the old plan would park what an upgrade just resumed. */
  private async planHasWebhooks(orgId: string): Promise<boolean> {
    const org = await this.orgs.getById(orgId);
    return !!org && this.plans.get(org.plan).features.webhooks;
  }

  private async send(delivery: WebhookDelivery, secrets: string[]): Promise<Outcome> {
    try {
      const response = await this.http.send(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Darkroom-Webhooks/1', ...signedHeaders(delivery.eventId, delivery.payload, secrets) },
        body: delivery.payload,
        timeoutMs: this.config.webhooks.timeoutSeconds * 1000,
        followRedirects: false,
      });
      const body = await excerpt(response.body);
      const ok = response.status >= 200 && response.status < 300;
      return { statusCode: response.status, error: ok ? null : `The endpoint answered ${response.status}`, body: body || null };
    } catch (err) {
      return { statusCode: null, error: describeFailure(err), body: null };
    }
  }

  private async record(delivery: WebhookDelivery, outcome: Outcome, durationMs: number): Promise<void> {
    const now = new Date();
    const attempt = Object.assign(new WebhookAttempt(), { deliveryId: delivery.id, attemptedAt: now, statusCode: outcome.statusCode, error: outcome.error, durationMs, responseBody: outcome.body });
    const attempts = delivery.attempts + 1;
    const last = { attempts, lastStatusCode: outcome.statusCode, lastError: outcome.error };
    if (!outcome.error) {
      await this.repo.recordAttempt(delivery.id, attempt, { ...last, status: 'succeeded', nextAttemptAt: null, deliveredAt: now });
      if (delivery.endpointId) await this.repo.endpointSucceeded(delivery.endpointId);
      return;
    }
    const schedule = this.config.webhooks.retrySchedule;
    const gone = outcome.statusCode === 410;
    const exhausted = gone || attempts >= schedule.length;
    const nextAttemptAt = exhausted ? null : new Date(now.getTime() + schedule[attempts] * 1000);
    await this.repo.recordAttempt(delivery.id, attempt, { ...last, status: exhausted ? 'failed' : 'pending', nextAttemptAt });
    // Early retries come seconds apart: wake for them on time instead of at the next poll.
    if (nextAttemptAt && nextAttemptAt.getTime() - now.getTime() < 60_000) setTimeout(() => this.kick(), nextAttemptAt.getTime() - now.getTime()).unref();
    if (!delivery.endpointId) return;
    if (gone) {
      await this.repo.disableEndpoint(delivery.endpointId, 'gone');
      this.logger.warn({ endpointId: delivery.endpointId }, 'webhook endpoint answered 410 Gone; disabled');
    } else if (await this.repo.endpointFailed(delivery.endpointId, now, this.config.webhooks.disableAfterSeconds * 1000)) {
      this.logger.warn({ endpointId: delivery.endpointId }, 'webhook endpoint kept failing; disabled');
    }
  }

  private async giveUp(delivery: WebhookDelivery, reason: string): Promise<void> {
    const attempt = Object.assign(new WebhookAttempt(), { deliveryId: delivery.id, error: reason, durationMs: 0 });
    await this.repo.recordAttempt(delivery.id, attempt, { status: 'failed', nextAttemptAt: null, lastError: reason, lastStatusCode: null });
  }
}

/** The start of the receiver's answer, for the log; the rest is never read, however large. */
async function excerpt(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut short still tells what arrived.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_EXCERPT);
}

function describeFailure(err: unknown): string {
  if (err instanceof UrlNotAllowed) return `Refused: the URL ${err.message}`;
  if (err instanceof Error && err.name === 'TimeoutError') return 'The endpoint did not answer in time';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return `Could not connect: ${cause?.code ?? cause?.message ?? (err as Error).message}`.slice(0, 500);
}
