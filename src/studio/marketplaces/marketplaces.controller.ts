import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../../tenancy/access.decorators';
import { MarketplacePackDto } from './marketplace-pack.dto';
import { MarketplaceListDto } from './marketplaces.dto';
import { MarketplacesService } from './marketplaces.service';

/** Rule packs are public reference data, the same for every caller (see docs/studio.md). */
@ApiTags('Marketplaces')
@Controller('api/v1/marketplaces')
export class MarketplacesController {
  constructor(private readonly marketplaces: MarketplacesService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'List the marketplace rule packs and their slots' })
  @ApiOkResponse({ type: MarketplaceListDto, description: 'Every pack this installation serves (shipped, added or overridden by the operator)' })
  listMarketplaces(): MarketplaceListDto {
    return this.marketplaces.list();
  }

  @Get(':marketplaceId')
  @Public()
  @ApiOperation({ summary: "Read one marketplace's rule pack: its slots, their `/process` defaults and rules with their sources" })
  @ApiParam({ name: 'marketplaceId', example: 'amazon' })
  @ApiOkResponse({ type: MarketplacePackDto, description: 'The pack: its slots, their `/process` defaults and their rules' })
  @ApiNotFoundResponse({ description: 'No pack has this id (not_found)' })
  getMarketplace(@Param('marketplaceId') id: string): MarketplacePackDto {
    return this.marketplaces.get(id);
  }
}
