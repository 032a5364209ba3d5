import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiOrgIdParam } from '../docs/org-id-param';
import { Auth, OrgId, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { ProviderCredentialDto, ProviderCredentialListDto, ProviderCredentialSaveDto } from './provider-credentials.dto';
import { ProviderCredentialsService } from './provider-credentials.service';

const ProviderParam = () => ApiParam({ name: 'provider', type: String, description: 'A provider id that takes organisations’ own keys (byok in GET /api/v1/providers)' });

/** Organisations' own provider keys (BYOK): owners and admins only. */
@ApiTags('Providers')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId/provider-credentials')
export class ProviderCredentialsController {
  constructor(private readonly service: ProviderCredentialsService) {}

  @Get()
  @RequireScope('org:admin')
  @ApiOperation({ summary: "List the organisation's own provider keys (hints only)" })
  @ApiOkResponse({ type: ProviderCredentialListDto })
  listProviderCredentials(@OrgId() orgId: string): Promise<ProviderCredentialListDto> {
    return this.service.list(orgId);
  }

  @Put(':provider')
  @RequireScope('org:admin')
  @ProviderParam()
  @ApiOperation({ summary: 'Save (or rotate) the organisation’s own key for a provider, once the provider accepts it' })
  @ApiOkResponse({ type: ProviderCredentialDto, description: 'The saved key, as hints' })
  saveProviderCredentials(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Param('provider') provider: string, @Body() dto: ProviderCredentialSaveDto): Promise<ProviderCredentialDto> {
    return this.service.save(auth, orgId, provider, dto.credentials);
  }

  @Delete(':provider')
  @RequireScope('org:admin')
  @ProviderParam()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the organisation’s own key for a provider: its calls use the platform’s key again' })
  @ApiNoContentResponse({ description: 'Deleted' })
  deleteProviderCredentials(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Param('provider') provider: string): Promise<void> {
    return this.service.remove(auth, orgId, provider);
  }
}
