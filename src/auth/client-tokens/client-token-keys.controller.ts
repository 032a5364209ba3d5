import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgId, RequireScope } from '../../tenancy/access.decorators';
import type { RequestAuth } from '../../tenancy/principal';
import { ClientTokenKeyCreateDto, ClientTokenKeyDto, ClientTokenKeyListDto } from './client-token-keys.dto';
import { ClientTokenKeysService } from './client-token-keys.service';
import { ApiOrgIdParam } from '../../docs/org-id-param';

@ApiTags('Client tokens')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId/client-token-keys')
export class ClientTokenKeysController {
  constructor(private readonly service: ClientTokenKeysService) {}

  @Post()
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Register a key that signs client tokens' })
  @ApiCreatedResponse({ type: ClientTokenKeyDto })
  createClientTokenKey(@Auth() auth: RequestAuth, @Body() dto: ClientTokenKeyCreateDto): Promise<ClientTokenKeyDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'List the client-token signing keys' })
  @ApiOkResponse({ type: ClientTokenKeyListDto })
  listClientTokenKeys(@OrgId() orgId: string): Promise<ClientTokenKeyListDto> {
    return this.service.list(orgId);
  }

  @Delete(':keyId')
  @RequireScope('org:admin')
  @ApiOperation({ summary: 'Revoke a client-token signing key' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Tokens signed with it stop working' })
  revokeClientTokenKey(@Auth() auth: RequestAuth, @Param('keyId') keyId: string): Promise<void> {
    return this.service.revoke(auth, keyId);
  }
}
