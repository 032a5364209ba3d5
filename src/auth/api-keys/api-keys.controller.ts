import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/http/id-param';
import { CursorQueryDto } from '../../common/pagination';
import { Auth, OrgId, RequireScope } from '../../tenancy/access.decorators';
import type { RequestAuth } from '../../tenancy/principal';
import { ApiKeyCreateDto, ApiKeyDto, ApiKeyPageDto, ApiKeyRotateDto, ApiKeyRotationDto, ApiKeySecretDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import { ApiOrgIdParam } from '../../docs/org-id-param';

@ApiTags('API keys')
@ApiOrgIdParam()
@Controller('api/v1/orgs/:orgId/api-keys')
export class ApiKeysController {
  constructor(private readonly service: ApiKeysService) {}

  @Post()
  @RequireScope('keys:write')
  @ApiOperation({ summary: 'Create an API key' })
  @ApiCreatedResponse({ type: ApiKeySecretDto, description: 'The secret is in this response only' })
  createApiKey(@Auth() auth: RequestAuth, @Body() dto: ApiKeyCreateDto): Promise<ApiKeySecretDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @RequireScope('keys:read')
  @ApiOperation({ summary: 'List the API keys' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  listApiKeys(@OrgId() orgId: string, @Query() query: CursorQueryDto): Promise<ApiKeyPageDto> {
    return this.service.list(orgId, query);
  }

  @Get(':keyId')
  @RequireScope('keys:read')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiOkResponse({ type: ApiKeyDto })
  getApiKey(@OrgId() orgId: string, @IdParam('keyId', 'API key') keyId: string): Promise<ApiKeyDto> {
    return this.service.get(orgId, keyId);
  }

  @Delete(':keyId')
  @RequireScope('keys:write')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiOkResponse({ type: ApiKeyDto })
  revokeApiKey(@Auth() auth: RequestAuth, @IdParam('keyId', 'API key') keyId: string): Promise<ApiKeyDto> {
    return this.service.revoke(auth, keyId);
  }

  @Post(':keyId/rotate')
  @RequireScope('keys:write')
  @ApiOperation({ summary: 'Rotate an API key: a new secret, the old one valid for a grace period' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: ApiKeyRotationDto })
  rotateApiKey(@Auth() auth: RequestAuth, @IdParam('keyId', 'API key') keyId: string, @Body() dto: ApiKeyRotateDto): Promise<ApiKeyRotationDto> {
    return this.service.rotate(auth, keyId, dto);
  }
}
