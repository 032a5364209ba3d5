import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';
import type { WebhookEventType } from './webhook-events';

/** `paused`: kept, neither sent nor failed, while the organisation's plan lacks webhooks. */
export type DeliveryStatus = 'pending' | 'paused' | 'succeeded' | 'failed';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'paused', 'succeeded', 'failed'];

/**
 * One event on its way to one target: an endpoint, or a job's own webhookUrl. The payload is stored
 * as sent, so every attempt and a redelivery carry the same bytes and webhook-id.
 */
@Entity({ tableName: 'webhook_deliveries' })
@Unique({ properties: ['eventId', 'target'] })
@Index({ properties: ['orgId', 'id'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 80 })
  eventId!: string;

  @Property({ type: 'string', length: 32 })
  eventType!: WebhookEventType;

  /** The endpoint's id, or `job:<jobId>` for a job's own webhookUrl (signed with the org's default secret). */
  @Property({ type: 'string', length: 48 })
  target!: string;

  @Property({ type: 'string', length: 36, nullable: true })
  endpointId: string | null = null;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'text' })
  payload!: string;

  @Property({ type: 'string', length: 16 })
  status: DeliveryStatus = 'pending';

  /** Attempts made in the current run of the schedule (a redelivery starts a new run). */
  @Property({ type: 'integer' })
  attempts: number = 0;

  /** Pending: when the next attempt is due (pushed ahead while an attempt is in flight). */
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt: Date | null = new Date();

  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  deliveredAt: Date | null = null;
}

/** The log of every attempt of a delivery. */
@Entity({ tableName: 'webhook_attempts' })
@Index({ properties: ['deliveryId'] })
export class WebhookAttempt {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => WebhookDelivery, { mapToPk: true, fieldName: 'delivery_id', deleteRule: 'cascade' })
  deliveryId!: string;

  @Property({ type: 'datetime' })
  attemptedAt: Date = new Date();

  @Property({ type: 'integer', nullable: true })
  statusCode: number | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  error: string | null = null;

  @Property({ type: 'integer' })
  durationMs!: number;

  /** The first 1,000 characters of the response, to show what the receiver said. */
  @Property({ type: 'string', length: 1000, nullable: true })
  responseBody: string | null = null;
}
