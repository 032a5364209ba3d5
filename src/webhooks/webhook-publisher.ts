import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '../common/ttl-cache';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WebhookDelivery } from './webhook-delivery.entity';
import type { WebhookEvent, WebhookEventType } from './webhook-events';
import { WebhooksRepository } from './webhooks.repository';
import { WebhookDispatcher } from './webhook-dispatcher';

/** A job's own URL, signed with the organisation's default secret rather than an endpoint's. */
export interface JobTarget {
  jobId: string;
  url: string;
}

/**
 * Turns an event into deliveries: one per enabled endpoint subscribed to its type, plus the job's own
 * webhookUrl. Writing them is idempotent per event and target, so publishing an event twice (a sweep
 * after a crash) delivers it once.
 */
@Injectable()
export class WebhookPublisher {
  /** Which event types each organisation's enabled endpoints want, so that finishing a job with nobody to tell costs no query. */
  private readonly subscriptions: TtlCache<string, Set<WebhookEventType>>;

  constructor(private readonly repo: WebhooksRepository, private readonly dispatcher: WebhookDispatcher, @Inject(APP_CONFIG) config: AppConfig) {
    this.subscriptions = new TtlCache(config.auth.credentialCacheSeconds * 1000);
  }

  /** Cached for CREDENTIAL_CACHE_SECONDS; this node's endpoint changes evict it at once. */
  async hasSubscribers(orgId: string, type: WebhookEventType): Promise<boolean> {
    const types = await this.subscriptions.getOrLoad(orgId, async () => new Set((await this.repo.listEndpoints(orgId)).filter((e) => e.enabled).flatMap((e) => e.events)));
    return types.has(type);
  }

  forget(orgId: string): void {
    this.subscriptions.delete(orgId);
  }

  async publish(orgId: string, event: WebhookEvent, jobTarget?: JobTarget): Promise<number> {
    const payload = JSON.stringify({ type: event.type, timestamp: new Date().toISOString(), data: event.data });
    const endpoints = (await this.repo.listEndpoints(orgId)).filter((e) => e.enabled && e.events.includes(event.type));
    const delivery = (target: string, url: string, endpointId: string | null) =>
      Object.assign(new WebhookDelivery(), { orgId, eventId: event.id, eventType: event.type, target, url, endpointId, payload });
    const deliveries = endpoints.map((e) => delivery(e.id, e.url, e.id));
    if (jobTarget) deliveries.push(delivery(`job:${jobTarget.jobId}`, jobTarget.url, null));
    const written = await this.repo.insertDeliveries(deliveries);
    if (written) this.dispatcher.kick();
    return written;
  }
}
