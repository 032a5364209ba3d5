import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import { OrgWebhookSecret } from './org-webhook-secret.entity';
import { WebhookAttempt, WebhookDelivery, type DeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpoint, type EndpointDisabledReason } from './webhook-endpoint.entity';

export interface DeliveryFilter {
  endpointId?: string;
  status?: DeliveryStatus;
  eventType?: string;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly em: EntityManager) {}

  async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.em.fork().persistAndFlush(endpoint);
  }

  listEndpoints(orgId: string): Promise<WebhookEndpoint[]> {
    return this.em.fork().find(WebhookEndpoint, { orgId }, { orderBy: { id: 'asc' } });
  }

  getEndpoint(orgId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.em.fork().findOne(WebhookEndpoint, { orgId, id });
  }

  async updateEndpoint(orgId: string, id: string, changes: Partial<WebhookEndpoint>): Promise<WebhookEndpoint | null> {
    const em = this.em.fork();
    const endpoint = await em.findOne(WebhookEndpoint, { orgId, id });
    if (!endpoint) return null;
    em.assign(endpoint, changes);
    await em.flush();
    return endpoint;
  }

  /** The endpoint and its delivery log go together. */
  async deleteEndpoint(orgId: string, id: string): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const n = await em.nativeDelete(WebhookEndpoint, { orgId, id });
      if (n) await em.nativeDelete(WebhookDelivery, { orgId, endpointId: id });
      return n === 1;
    });
  }

  getDefaultSecret(orgId: string): Promise<OrgWebhookSecret | null> {
    return this.em.fork().findOne(OrgWebhookSecret, { orgId });
  }

  /** False when another request created the organisation's secret first. */
  insertDefaultSecret(secret: OrgWebhookSecret): Promise<boolean> {
    return insertOnce(this.em, secret);
  }

  async updateDefaultSecret(orgId: string, changes: Partial<OrgWebhookSecret>): Promise<void> {
    await this.em.fork().nativeUpdate(OrgWebhookSecret, { orgId }, changes);
  }

  /** Writes the deliveries; one already written for the same event and target is left as it is. */
  async insertDeliveries(deliveries: WebhookDelivery[]): Promise<number> {
    let written = 0;
    for (const delivery of deliveries) if (await insertOnce(this.em, delivery)) written++;
    return written;
  }

  /** Takes due deliveries for this node until `leaseUntil`, so no two nodes send one at once. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<WebhookDelivery[]> {
    const em = this.em.fork();
    const due = await em.find(WebhookDelivery, { status: 'pending', nextAttemptAt: { $lte: now } }, { orderBy: { nextAttemptAt: 'asc' }, limit });
    const claimed: WebhookDelivery[] = [];
    for (const delivery of due) {
      const n = await em.nativeUpdate(WebhookDelivery, { id: delivery.id, status: 'pending', nextAttemptAt: delivery.nextAttemptAt }, { nextAttemptAt: leaseUntil });
      if (n === 1) claimed.push(delivery);
    }
    return claimed;
  }

  /** Records an attempt and the delivery's new state together. */
  async recordAttempt(deliveryId: string, attempt: WebhookAttempt, changes: Partial<WebhookDelivery>): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      await em.nativeUpdate(WebhookDelivery, { id: deliveryId, status: 'pending' }, changes);
      em.persist(attempt);
    });
  }

  listDeliveries(orgId: string, filter: DeliveryFilter, opts: { after?: string; limit: number }): Promise<WebhookDelivery[]> {
    const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.em.fork().find(
      WebhookDelivery,
      { orgId, ...where, ...(opts.after ? { id: { $lt: opts.after } } : {}) },
      { orderBy: { id: 'desc' }, limit: opts.limit },
    );
  }

  getDelivery(orgId: string, id: string): Promise<WebhookDelivery | null> {
    return this.em.fork().findOne(WebhookDelivery, { orgId, id });
  }

  attempts(deliveryId: string): Promise<WebhookAttempt[]> {
    return this.em.fork().find(WebhookAttempt, { deliveryId }, { orderBy: { id: 'asc' } });
  }

  /** Starts the schedule over; false if an attempt is in flight (the delivery is still pending). */
  async restartDelivery(orgId: string, id: string): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(
      WebhookDelivery,
      { orgId, id, status: { $in: ['succeeded', 'failed'] } },
      { status: 'pending', attempts: 0, nextAttemptAt: new Date(), deliveredAt: null },
    );
    return n === 1;
  }

  /** Deletes up to `limit` finished deliveries created before `cutoff`, with their attempts; returns how many. */
  async deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.em.fork().transactional(async (em) => {
      const rows = await em.find(WebhookDelivery, { status: { $in: ['succeeded', 'failed'] }, createdAt: { $lt: cutoff } }, { fields: ['id'], limit });
      const ids = rows.map((r) => r.id);
      if (!ids.length) return 0;
      await em.nativeDelete(WebhookAttempt, { deliveryId: { $in: ids } });
      return em.nativeDelete(WebhookDelivery, { id: { $in: ids } });
    });
  }

  /** Starts the run of failures if none is running; disables the endpoint once it has run `disableAfterMs`. */
  async endpointFailed(endpointId: string, now: Date, disableAfterMs: number): Promise<boolean> {
    const em = this.em.fork();
    await em.nativeUpdate(WebhookEndpoint, { id: endpointId, failingSince: null }, { failingSince: now });
    const since = new Date(now.getTime() - disableAfterMs);
    return (await em.nativeUpdate(WebhookEndpoint, { id: endpointId, enabled: true, failingSince: { $lte: since } }, { enabled: false, disabledReason: 'failing' })) === 1;
  }

  async endpointSucceeded(endpointId: string): Promise<void> {
    await this.em.fork().nativeUpdate(WebhookEndpoint, { id: endpointId, failingSince: { $ne: null } }, { failingSince: null });
  }

  /**
   * The plan lost webhooks: enabled endpoints are disabled with reason `plan`, and every pending
   * delivery of the organisation is parked as `paused`, together.
   */
  async pauseOrg(orgId: string): Promise<{ endpoints: number; deliveries: number }> {
    return this.em.fork().transactional(async (em) => ({
      endpoints: await em.nativeUpdate(WebhookEndpoint, { orgId, enabled: true }, { enabled: false, disabledReason: 'plan', updatedAt: new Date() }),
      deliveries: await em.nativeUpdate(WebhookDelivery, { orgId, status: 'pending' }, { status: 'paused', nextAttemptAt: null }),
    }));
  }

  /** The plan has webhooks again: what pauseOrg paused is enabled, and its deliveries are due now. */
  async resumeOrg(orgId: string): Promise<{ endpoints: number; deliveries: number }> {
    return this.em.fork().transactional(async (em) => ({
      endpoints: await em.nativeUpdate(WebhookEndpoint, { orgId, enabled: false, disabledReason: 'plan' }, { enabled: true, disabledReason: null, failingSince: null, updatedAt: new Date() }),
      deliveries: await em.nativeUpdate(WebhookDelivery, { orgId, status: 'paused' }, { status: 'pending', nextAttemptAt: new Date() }),
    }));
  }

  /** Parks a claimed delivery that must wait for the plan, unless it was finished meanwhile. */
  async pauseDelivery(deliveryId: string): Promise<void> {
    await this.em.fork().nativeUpdate(WebhookDelivery, { id: deliveryId, status: 'pending' }, { status: 'paused', nextAttemptAt: null });
  }

  async disableEndpoint(endpointId: string, reason: EndpointDisabledReason): Promise<void> {
    await this.em.fork().nativeUpdate(WebhookEndpoint, { id: endpointId, enabled: true }, { enabled: false, disabledReason: reason });
  }
}
