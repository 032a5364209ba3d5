import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, RequireScope, UserOnly } from '../tenancy/access.decorators';
import type { RequestAuth, UserPrincipal } from '../tenancy/principal';
import { MembersService } from './members.service';
import { OrgCreateDto, OrgDto, OrgListDto, OrgUpdateDto } from './orgs.dto';
import { OrgsService } from './orgs.service';

/** On routes with :orgId the guards have put the caller in that organisation (or answered 404). */
@ApiTags('Organizations')
@Controller('api/v1')
export class OrgsController {
  constructor(private readonly orgs: OrgsService, private readonly members: MembersService) {}

  @Get('orgs')
  @Authenticated()
  @ApiOperation({ summary: 'List the organisations you belong to' })
  @ApiOkResponse({ type: OrgListDto })
  listOrgs(@Auth() auth: RequestAuth): Promise<OrgListDto> {
    return this.orgs.listMine(auth);
  }

  @Post('orgs')
  @UserOnly()
  @ApiOperation({ summary: 'Create an organisation, with you as its owner' })
  @ApiCreatedResponse({ type: OrgDto })
  createOrg(@Auth() auth: RequestAuth, @Body() dto: OrgCreateDto): Promise<OrgDto> {
    return this.orgs.create(auth.principal as UserPrincipal, dto);
  }

  @Get('orgs/:orgId')
  @Authenticated()
  @ApiOperation({ summary: 'Get an organisation' })
  @ApiOkResponse({ type: OrgDto })
  getOrg(@Auth() auth: RequestAuth, @Param('orgId') orgId: string): Promise<OrgDto> {
    return this.orgs.get(orgId, auth.role);
  }

  @Patch('orgs/:orgId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Rename an organisation' })
  @ApiOkResponse({ type: OrgDto })
  updateOrg(@Auth() auth: RequestAuth, @Param('orgId') orgId: string, @Body() dto: OrgUpdateDto): Promise<OrgDto> {
    return this.orgs.rename(orgId, auth.role, dto);
  }

  @Post('orgs/:orgId/leave')
  @UserOnly()
  @ApiOperation({ summary: 'Leave an organisation' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'You are no longer a member' })
  leaveOrg(@Auth() auth: RequestAuth, @Param('orgId') _orgId: string): Promise<void> {
    return this.members.leave(auth);
  }

  @Post('invitations/:token/accept')
  @UserOnly()
  @ApiOperation({ summary: 'Accept an invitation and join its organisation' })
  @HttpCode(200)
  @ApiOkResponse({ type: OrgDto, description: 'The organisation you joined' })
  acceptInvitation(@Auth() auth: RequestAuth, @Param('token') token: string): Promise<OrgDto> {
    return this.members.accept(auth.principal as UserPrincipal, token);
  }
}
