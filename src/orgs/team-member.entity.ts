import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from '../tenancy/user.entity';
import { newId } from '../common/ids';
import { Team } from '../tenancy/team.entity';

@Entity({ tableName: 'team_members' })
@Unique({ properties: ['teamId', 'userId'] })
export class TeamMember {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Team, { mapToPk: true, fieldName: 'team_id', deleteRule: 'cascade' })
  teamId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade' })
  userId!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
