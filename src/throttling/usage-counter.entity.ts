import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Organization } from '../tenancy/organization.entity';

/** Work done by an organisation on one UTC day; the daily quota is checked against it. */
@Entity({ tableName: 'usage_counters' })
export class UsageCounter {
  // No index of its own: the primary key (orgId, day) begins with it.
  @ManyToOne(() => Organization, { primary: true, mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  /** YYYY-MM-DD, UTC. */
  @PrimaryKey({ type: 'string', length: 10 })
  day!: string;

  @Property({ type: 'integer' })
  units: number = 0;
}
