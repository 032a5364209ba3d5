import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Operator } from '../tenancy/access.decorators';
import type { RequestAuth, UserPrincipal } from '../tenancy/principal';
import { IdParam } from '../common/http/id-param';
import { CursorQueryDto } from '../common/pagination';
import { AdminOrgPageDto, AdminOrgUpdateDto, OrgDto } from './orgs.dto';
import { OrgsService } from './orgs.service';

/** Operators of the installation (ADMIN_EMAILS); anyone else gets 404, as if the routes did not exist. */
@ApiTags('Operators')
@ApiNotFoundResponse({ description: 'Not an operator' })
@Controller('api/v1/admin/orgs')
export class AdminController {
  constructor(private readonly orgs: OrgsService) {}

  @Get()
  @Operator()
  @ApiOperation({ summary: 'List every organisation of the installation' })
  @ApiOkResponse({ type: AdminOrgPageDto })
  adminListOrgs(@Query() query: CursorQueryDto): Promise<AdminOrgPageDto> {
    return this.orgs.listAll(query);
  }

  @Patch(':orgId')
  @Operator()
  @ApiOperation({ summary: "Change an organisation's plan" })
  @ApiOkResponse({ type: OrgDto })
  adminUpdateOrg(@Auth() auth: RequestAuth, @IdParam('orgId', 'Organization') orgId: string, @Body() dto: AdminOrgUpdateDto): Promise<OrgDto> {
    return this.orgs.changePlan(auth.principal as UserPrincipal, orgId, dto.plan);
  }
}
