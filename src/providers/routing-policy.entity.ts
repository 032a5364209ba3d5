import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import type { ProviderOperation } from '../plugins/provider-models';
import { Organization } from '../tenancy/organization.entity';

/**
 * An organisation's routing policy for one operation: the targets (`provider/model`, a provider id
 * for its default model, or `library`) tried in order, each the fallback of the one before.
 */
@Entity({ tableName: 'routing_policies' })
@Unique({ properties: ['orgId', 'operation'] })
export class RoutingPolicy {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 32 })
  operation!: ProviderOperation;

  @Property({ type: 'json' })
  targets!: string[];

  /** The credential that saved it last: principalId(). */
  @Property({ type: 'string', length: 80 })
  updatedBy!: string;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
