import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { CursorQueryDto } from '../common/pagination';
import { CreditPackListDto, CreditsSummaryDto, DailyUsageListDto, DailyUsageQueryDto, LedgerPageDto } from './credits.dto';
import { LedgerService } from './ledger.service';

@ApiTags('Credits')
@Controller('api/v1/credits')
export class CreditsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @RequireScope('credits:read')
  @ApiOperation({ summary: 'Get the credit balance' })
  @ApiOkResponse({ type: CreditsSummaryDto })
  getCredits(@OrgId() orgId: string): Promise<CreditsSummaryDto> {
    return this.ledger.summary(orgId);
  }

  @Get('ledger')
  @RequireScope('credits:read')
  @ApiOperation({ summary: 'List the credit ledger, newest first' })
  @ApiOkResponse({ type: LedgerPageDto, description: 'Newest first' })
  listLedger(@OrgId() orgId: string, @Query() query: CursorQueryDto): Promise<LedgerPageDto> {
    return this.ledger.list(orgId, query);
  }

  @Get('usage')
  @RequireScope('credits:read')
  @ApiOperation({ summary: 'Credits spent and granted per UTC day, for the last days (30 by default)' })
  @ApiOkResponse({ type: DailyUsageListDto })
  getDailyUsage(@OrgId() orgId: string, @Query() query: DailyUsageQueryDto): Promise<DailyUsageListDto> {
    return this.ledger.daily(orgId, query.days ?? 30);
  }

  @Get('packs')
  @RequireScope('credits:read')
  @ApiOperation({ summary: 'List the credit packs on sale' })
  @ApiOkResponse({ type: CreditPackListDto })
  listCreditPacks(): CreditPackListDto {
    return this.ledger.packs();
  }
}
