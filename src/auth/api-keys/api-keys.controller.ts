import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CursorQueryDto } from '../../common/pagination';
import { Auth, RequireScope } from '../access.decorators';
import type { RequestAuth } from '../principal';
import { ApiKeyCreateDto, ApiKeyDto, ApiKeyPageDto, ApiKeyRotateDto, ApiKeyRotationDto, ApiKeySecretDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('API keys')
@Controller('api/v1/orgs/:orgId/api-keys')
export class ApiKeysController {
  constructor(private readonly service: ApiKeysService) {}

  @Post()
  @RequireScope('keys:write')
  @ApiCreatedResponse({ type: ApiKeySecretDto, description: 'The secret is in this response only' })
  createApiKey(@Auth() auth: RequestAuth, @Body() dto: ApiKeyCreateDto): Promise<ApiKeySecretDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @RequireScope('keys:read')
  @ApiOkResponse({ type: ApiKeyPageDto })
  listApiKeys(@Auth() auth: RequestAuth, @Query() query: CursorQueryDto): Promise<ApiKeyPageDto> {
    return this.service.list(auth, query);
  }

  @Get(':keyId')
  @RequireScope('keys:read')
  @ApiOkResponse({ type: ApiKeyDto })
  getApiKey(@Auth() auth: RequestAuth, @Param('keyId') keyId: string): Promise<ApiKeyDto> {
    return this.service.get(auth, keyId);
  }

  @Delete(':keyId')
  @RequireScope('keys:write')
  @ApiOkResponse({ type: ApiKeyDto })
  revokeApiKey(@Auth() auth: RequestAuth, @Param('keyId') keyId: string): Promise<ApiKeyDto> {
    return this.service.revoke(auth, keyId);
  }

  @Post(':keyId/rotate')
  @RequireScope('keys:write')
  @HttpCode(201)
  @ApiCreatedResponse({ type: ApiKeyRotationDto })
  rotateApiKey(@Auth() auth: RequestAuth, @Param('keyId') keyId: string, @Body() dto: ApiKeyRotateDto): Promise<ApiKeyRotationDto> {
    return this.service.rotate(auth, keyId, dto);
  }
}
