import { Injectable } from '@nestjs/common';
import { WebhookDelivery } from './webhook-delivery.entity';
import type { WebhookEvent } from './webhook-events';
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
  constructor(private readonly repo: WebhooksRepository, private readonly dispatcher: WebhookDispatcher) {}

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
