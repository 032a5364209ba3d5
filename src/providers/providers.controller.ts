import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../tenancy/access.decorators';
import { ProviderListDto } from './providers.dto';
import { ProvidersService } from './providers.service';

@ApiTags('Providers')
@Controller('api/v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @RequireScope('providers:read')
  @ApiOperation({ summary: 'List the generation providers, their models and sizes' })
  @ApiOkResponse({ type: ProviderListDto, description: 'The generation backends this installation loaded' })
  listProviders(): Promise<ProviderListDto> {
    return this.providers.list();
  }
}
