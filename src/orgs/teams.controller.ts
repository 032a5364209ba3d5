import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { IdParam } from '../common/http/id-param';
import { TeamCreateDto, TeamDto, TeamListDto, TeamMemberAddDto, TeamUpdateDto } from './orgs.dto';
import { TeamsService } from './teams.service';
import { ApiOrgIdParam } from '../docs/org-id-param';

@ApiTags('Teams')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @RequireScope('keys:read')
  @ApiOperation({ summary: 'List the teams' })
  @ApiOkResponse({ type: TeamListDto })
  listTeams(@OrgId() orgId: string): Promise<TeamListDto> {
    return this.teams.list(orgId);
  }

  @Post()
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Create a team' })
  @ApiCreatedResponse({ type: TeamDto })
  createTeam(@OrgId() orgId: string, @Body() dto: TeamCreateDto): Promise<TeamDto> {
    return this.teams.create(orgId, dto);
  }

  @Get(':teamId')
  @RequireScope('keys:read')
  @ApiOperation({ summary: 'Get a team' })
  @ApiOkResponse({ type: TeamDto })
  getTeam(@OrgId() orgId: string, @IdParam('teamId', 'Team') teamId: string): Promise<TeamDto> {
    return this.teams.get(orgId, teamId);
  }

  @Patch(':teamId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Rename a team' })
  @ApiOkResponse({ type: TeamDto })
  updateTeam(@OrgId() orgId: string, @IdParam('teamId', 'Team') teamId: string, @Body() dto: TeamUpdateDto): Promise<TeamDto> {
    return this.teams.rename(orgId, teamId, dto.name);
  }

  @Delete(':teamId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Delete a team' })
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteTeam(@OrgId() orgId: string, @IdParam('teamId', 'Team') teamId: string): Promise<void> {
    return this.teams.remove(orgId, teamId);
  }

  @Post(':teamId/members')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Add a member to a team' })
  @HttpCode(200)
  @ApiOkResponse({ type: TeamDto })
  addTeamMember(@OrgId() orgId: string, @IdParam('teamId', 'Team') teamId: string, @Body() dto: TeamMemberAddDto): Promise<TeamDto> {
    return this.teams.addMember(orgId, teamId, dto.userId);
  }

  @Delete(':teamId/members/:userId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Remove a member from a team' })
  @ApiOkResponse({ type: TeamDto })
  removeTeamMember(@OrgId() orgId: string, @IdParam('teamId', 'Team') teamId: string, @IdParam('userId', 'Team member') userId: string): Promise<TeamDto> {
    return this.teams.removeMember(orgId, teamId, userId);
  }
}
