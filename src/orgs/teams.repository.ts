import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { TeamMember } from './team-member.entity';
import { Team } from './team.entity';

@Injectable()
export class TeamsRepository {
  constructor(private readonly em: EntityManager) {}

  getInOrg(orgId: string, id: string): Promise<Team | null> {
    return this.em.findOne(Team, { orgId, id });
  }

  listInOrg(orgId: string): Promise<Team[]> {
    return this.em.find(Team, { orgId }, { orderBy: { name: 'asc' } });
  }

  async save(team: Team): Promise<void> {
    await this.em.persistAndFlush(team);
  }

  async remove(team: Team): Promise<void> {
    await this.em.removeAndFlush(team);
  }

  members(teamIds: string[]): Promise<TeamMember[]> {
    return teamIds.length ? this.em.find(TeamMember, { teamId: { $in: teamIds } }, { orderBy: { createdAt: 'asc' } }) : Promise.resolve([]);
  }

  getMember(teamId: string, userId: string): Promise<TeamMember | null> {
    return this.em.findOne(TeamMember, { teamId, userId });
  }

  async addMember(member: TeamMember): Promise<void> {
    await this.em.persistAndFlush(member);
  }

  async removeMember(member: TeamMember): Promise<void> {
    await this.em.removeAndFlush(member);
  }

  async removeUserFromOrgTeams(orgId: string, userId: string): Promise<void> {
    const teams = await this.em.find(Team, { orgId }, { fields: ['id'] });
    if (teams.length) await this.em.nativeDelete(TeamMember, { userId, teamId: { $in: teams.map((t) => t.id) } });
  }
}
