import { Embedded, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { SealedSecret } from '../common/crypto/sealed-secret';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';
import type { WebhookEventType } from './webhook-events';

/** `plan`: paused because the organisation's plan lost webhooks; a plan with them enables it again. */
export type EndpointDisabledReason = 'manual' | 'gone' | 'failing' | 'plan';

/** Where an organisation wants its events, with the secret that signs them (sealed at rest). */
@Entity({ tableName: 'webhook_endpoints' })
@Index({ properties: ['orgId', 'id'] })
export class WebhookEndpoint {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'string', length: 500, nullable: true })
  description: string | null = null;

  @Property({ type: 'json' })
  events!: WebhookEventType[];

  /** The signing secret; after a rotation the previous one signs beside it for a day. */
  @Embedded(() => SealedSecret, { prefix: false })
  secret!: SealedSecret;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: 'string', length: 16, nullable: true })
  disabledReason: EndpointDisabledReason | null = null;

  /** When the current run of failed attempts began; null after a success. */
  @Property({ type: 'datetime', nullable: true })
  failingSince: Date | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
