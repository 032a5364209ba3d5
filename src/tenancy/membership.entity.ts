import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from './user.entity';
import { newId } from '../common/ids';
import { Organization } from './organization.entity';
import type { Role } from './roles';

@Entity({ tableName: 'memberships' })
@Unique({ properties: ['orgId', 'userId'] })
export class Membership {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade' })
  userId!: string;

  @Property({ type: 'string', length: 16 })
  role!: Role;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
