import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from './organization.entity';

@Entity({ tableName: 'teams' })
@Unique({ properties: ['orgId', 'name'] })
export class Team {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
