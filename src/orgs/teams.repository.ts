import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ApiKey } from '../auth/api-keys/api-key.entity';
import { TeamMember } from './team-member.entity';
import { Team } from '../tenancy/team.entity';

@Injectable()
export class TeamsRepository {
  constructor(private readonly em: EntityManager) {}

  listInOrg(orgId: string): Promise<Team[]> {
    return this.em.fork().find(Team, { orgId }, { orderBy: { name: 'asc' } });
  }

  /** The team and its first members are written together. */
  async create(team: Team, memberIds: string[]): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(team);
      for (const userId of memberIds) em.persist(Object.assign(new TeamMember(), { teamId: team.id, userId }));
    });
  }

  async rename(team: Team, name: string): Promise<void> {
    await this.em.fork().nativeUpdate(Team, { id: team.id }, { name });
    team.name = name;
  }

  /** The team's keys stay, without a team, in the same transaction. */
  async remove(team: Team): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      await em.nativeUpdate(ApiKey, { orgId: team.orgId, teamId: team.id }, { teamId: null });
      await em.nativeDelete(Team, { id: team.id });
    });
  }

  members(teamIds: string[]): Promise<TeamMember[]> {
    return teamIds.length ? this.em.fork().find(TeamMember, { teamId: { $in: teamIds } }, { orderBy: { createdAt: 'asc' } }) : Promise.resolve([]);
  }

  getMember(teamId: string, userId: string): Promise<TeamMember | null> {
    return this.em.fork().findOne(TeamMember, { teamId, userId });
  }

  async addMember(member: TeamMember): Promise<void> {
    await this.em.fork().persistAndFlush(member);
  }

  async removeMember(member: TeamMember): Promise<void> {
    await this.em.fork().nativeDelete(TeamMember, { id: member.id });
  }

  async removeUserFromOrgTeams(orgId: string, userId: string): Promise<void> {
    const em = this.em.fork();
    const teams = await em.find(Team, { orgId }, { fields: ['id'] });
    if (teams.length) await em.nativeDelete(TeamMember, { userId, teamId: { $in: teams.map((t) => t.id) } });
  }
}
