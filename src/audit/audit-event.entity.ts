import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

@Entity({ tableName: 'audit_events' })
@Index({ properties: ['orgId', 'id'] })
export class AuditEvent {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'string', length: 16 })
  actorType!: 'user' | 'api_key' | 'client_token' | 'operator';

  @Property({ type: 'string', length: 64 })
  actorId!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  targetType: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  targetId: string | null = null;

  @Property({ type: 'json' })
  details: Record<string, unknown> = {};

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
