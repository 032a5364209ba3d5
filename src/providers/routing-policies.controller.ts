import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiOrgIdParam } from '../docs/org-id-param';
import { PROVIDER_OPERATIONS } from '../plugins/provider-models';
import { Auth, OrgId, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { RoutingPolicyDto, RoutingPolicyListDto, RoutingPolicySaveDto } from './routing-policies.dto';
import { RoutingPoliciesService } from './routing-policies.service';

const OperationParam = () => ApiParam({ name: 'operation', enum: PROVIDER_OPERATIONS, description: 'The operation the policy routes' });

/** An organisation's routing policies: where its requests go when they name no provider, with their fallbacks. */
@ApiTags('Providers')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId/routing-policies')
export class RoutingPoliciesController {
  constructor(private readonly service: RoutingPoliciesService) {}

  @Get()
  @RequireScope('providers:read')
  @ApiOperation({ summary: "List the organisation's routing policies, one per operation it has set" })
  @ApiOkResponse({ type: RoutingPolicyListDto })
  listRoutingPolicies(@OrgId() orgId: string): Promise<RoutingPolicyListDto> {
    return this.service.list(orgId);
  }

  @Put(':operation')
  @RequireScope('providers:write')
  @OperationParam()
  @ApiOperation({ summary: 'Set the targets requests of an operation go to when they name no provider, in fallback order' })
  @ApiOkResponse({ type: RoutingPolicyDto })
  saveRoutingPolicy(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Param('operation') operation: string, @Body() dto: RoutingPolicySaveDto): Promise<RoutingPolicyDto> {
    return this.service.save(auth, orgId, operation, dto.targets);
  }

  @Delete(':operation')
  @RequireScope('providers:write')
  @OperationParam()
  @HttpCode(204)
  @ApiOperation({ summary: "Remove the organisation's policy for an operation: its requests go to the default provider again" })
  @ApiNoContentResponse({ description: 'Removed' })
  deleteRoutingPolicy(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Param('operation') operation: string): Promise<void> {
    return this.service.remove(auth, orgId, operation);
  }
}
