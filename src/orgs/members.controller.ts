import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgId, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { IdParam } from '../common/http/id-param';
import { MemberRemovedDto } from './members.dto';
import { MembersService } from './members.service';
import { InvitationCreateDto, InvitationDto, InvitationListDto, MemberDto, MemberListDto, MemberUpdateDto } from './orgs.dto';
import { ApiOrgIdParam } from '../docs/org-id-param';

@ApiTags('Organizations')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('members')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'List the members' })
  @ApiOkResponse({ type: MemberListDto })
  listMembers(@OrgId() orgId: string): Promise<MemberListDto> {
    return this.members.list(orgId);
  }

  @Patch('members/:userId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: "Change a member's role" })
  @ApiOkResponse({ type: MemberDto })
  updateMember(@Auth() auth: RequestAuth, @IdParam('userId', 'Member') userId: string, @Body() dto: MemberUpdateDto): Promise<MemberDto> {
    return this.members.changeRole(auth, userId, dto.role);
  }

  @Delete('members/:userId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Remove a member' })
  @ApiOkResponse({ type: MemberRemovedDto, description: 'Removed; the API keys the member had created are revoked with it' })
  removeMember(@Auth() auth: RequestAuth, @IdParam('userId', 'Member') userId: string): Promise<MemberRemovedDto> {
    return this.members.remove(auth, userId);
  }

  @Post('invitations')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Invite someone by e-mail' })
  @ApiCreatedResponse({ type: InvitationDto, description: 'The invitation link is mailed to the address' })
  createInvitation(@Auth() auth: RequestAuth, @Body() dto: InvitationCreateDto): Promise<InvitationDto> {
    return this.members.invite(auth, dto);
  }

  @Get('invitations')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'List the pending invitations' })
  @ApiOkResponse({ type: InvitationListDto })
  listInvitations(@OrgId() orgId: string): Promise<InvitationListDto> {
    return this.members.listInvitations(orgId);
  }

  @Delete('invitations/:invitationId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Revoke an invitation' })
  @HttpCode(204)
  @ApiNoContentResponse()
  revokeInvitation(@Auth() auth: RequestAuth, @IdParam('invitationId', 'Invitation') id: string): Promise<void> {
    return this.members.revokeInvitation(auth, id);
  }
}
