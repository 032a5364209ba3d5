import { Embedded, Entity, OneToOne, Property } from '@mikro-orm/core';
import { SealedSecret } from '../common/crypto/sealed-secret';
import { Organization } from '../tenancy/organization.entity';

/** The organisation's default secret: it signs deliveries to per-job `webhookUrl`s. Created on first use. */
@Entity({ tableName: 'org_webhook_secrets' })
export class OrgWebhookSecret {
  @OneToOne(() => Organization, { primary: true, mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Embedded(() => SealedSecret, { prefix: false })
  secret!: SealedSecret;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  rotatedAt: Date | null = null;
}
