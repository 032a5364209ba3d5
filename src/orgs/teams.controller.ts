import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
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
  listTeams(@Auth() auth: RequestAuth): Promise<TeamListDto> {
    return this.teams.list(auth);
  }

  @Post()
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Create a team' })
  @ApiCreatedResponse({ type: TeamDto })
  createTeam(@Auth() auth: RequestAuth, @Body() dto: TeamCreateDto): Promise<TeamDto> {
    return this.teams.create(auth, dto);
  }

  @Get(':teamId')
  @RequireScope('keys:read')
  @ApiOperation({ summary: 'Get a team' })
  @ApiOkResponse({ type: TeamDto })
  getTeam(@Auth() auth: RequestAuth, @Param('teamId') teamId: string): Promise<TeamDto> {
    return this.teams.get(auth, teamId);
  }

  @Patch(':teamId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Rename a team' })
  @ApiOkResponse({ type: TeamDto })
  updateTeam(@Auth() auth: RequestAuth, @Param('teamId') teamId: string, @Body() dto: TeamUpdateDto): Promise<TeamDto> {
    return this.teams.rename(auth, teamId, dto.name);
  }

  @Delete(':teamId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Delete a team' })
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteTeam(@Auth() auth: RequestAuth, @Param('teamId') teamId: string): Promise<void> {
    return this.teams.remove(auth, teamId);
  }

  @Post(':teamId/members')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Add a member to a team' })
  @HttpCode(200)
  @ApiOkResponse({ type: TeamDto })
  addTeamMember(@Auth() auth: RequestAuth, @Param('teamId') teamId: string, @Body() dto: TeamMemberAddDto): Promise<TeamDto> {
    return this.teams.addMember(auth, teamId, dto.userId);
  }

  @Delete(':teamId/members/:userId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Remove a member from a team' })
  @ApiOkResponse({ type: TeamDto })
  removeTeamMember(@Auth() auth: RequestAuth, @Param('teamId') teamId: string, @Param('userId') userId: string): Promise<TeamDto> {
    return this.teams.removeMember(auth, teamId, userId);
  }
}
