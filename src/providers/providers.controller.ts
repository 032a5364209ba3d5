import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../tenancy/access.decorators';
import { ProviderListDto, ProviderPriceDto } from './providers.dto';
import { ProvidersService } from './providers.service';

@ApiTags('Providers')
// providerPricing's values refer to it by name.
@ApiExtraModels(ProviderPriceDto)
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
