import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { mapUniqueViolation } from '../common/errors/db-errors';
import { OrgsRepository } from '../tenancy/orgs.repository';
import { MembersRepository } from './members.repository';
import type { TeamCreateDto, TeamDto } from './orgs.dto';
import { TeamMember } from './team-member.entity';
import { Team } from '../tenancy/team.entity';
import { TeamsRepository } from './teams.repository';

/** Teams group members inside an organisation; API keys can belong to one. */
@Injectable()
export class TeamsService {
  constructor(private readonly teams: TeamsRepository, private readonly orgs: OrgsRepository, private readonly members: MembersRepository) {}

  async list(orgId: string): Promise<{ data: TeamDto[] }> {
    const teams = await this.teams.listInOrg(orgId);
    const members = await this.teams.members(teams.map((t) => t.id));
    return { data: teams.map((t) => this.map(t, members.filter((m) => m.teamId === t.id))) };
  }

  async get(orgId: string, teamId: string): Promise<TeamDto> {
    const team = await this.require(orgId, teamId);
    return this.map(team, await this.teams.members([team.id]));
  }

  async create(orgId: string, dto: TeamCreateDto): Promise<TeamDto> {
    for (const userId of dto.memberIds ?? []) await this.requireOrgMember(orgId, userId);
    const team = Object.assign(new Team(), { orgId, name: dto.name.trim() });
    await mapUniqueViolation(() => this.teams.create(team, dto.memberIds ?? []), 'conflict', `A team named "${team.name}" already exists`);
    return this.get(orgId, team.id);
  }

  async rename(orgId: string, teamId: string, name: string): Promise<TeamDto> {
    const team = await this.require(orgId, teamId);
    await mapUniqueViolation(() => this.teams.rename(team, name.trim()), 'conflict', `A team named "${name.trim()}" already exists`);
    return this.get(orgId, team.id);
  }

  async remove(orgId: string, teamId: string): Promise<void> {
    await this.teams.remove(await this.require(orgId, teamId));
  }

  async addMember(orgId: string, teamId: string, userId: string): Promise<TeamDto> {
    const team = await this.require(orgId, teamId);
    await this.requireOrgMember(orgId, userId);
    if (!(await this.teams.getMember(team.id, userId))) {
      await mapUniqueViolation(() => this.teams.addMember(Object.assign(new TeamMember(), { teamId: team.id, userId })), 'conflict', 'Already in the team');
    }
    return this.get(orgId, team.id);
  }

  async removeMember(orgId: string, teamId: string, userId: string): Promise<TeamDto> {
    const team = await this.require(orgId, teamId);
    const member = await this.teams.getMember(team.id, userId);
    if (!member) throw AppError.notFound('Team member');
    await this.teams.removeMember(member);
    return this.get(orgId, team.id);
  }

  private async require(orgId: string, teamId: string): Promise<Team> {
    const team = await this.orgs.getTeam(orgId, teamId);
    if (!team) throw AppError.notFound('Team');
    return team;
  }

  private async requireOrgMember(orgId: string, userId: string): Promise<void> {
    if (!(await this.members.get(orgId, userId))) {
      throw new AppError('validation_failed', 'Team members must be members of the organisation', { fields: [{ field: 'userId', messages: [`${userId} is not a member`] }] });
    }
  }

  private map(team: Team, members: TeamMember[]): TeamDto {
    return { id: team.id, name: team.name, memberIds: members.map((m) => m.userId), createdAt: team.createdAt.toISOString() };
  }
}
