import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
import { CursorQueryDto } from '../common/pagination';
import { CreditPackListDto, CreditsSummaryDto, LedgerPageDto } from './credits.dto';
import { LedgerService } from './ledger.service';

@ApiTags('Credits')
@Controller('api/v1/credits')
export class CreditsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @RequireScope('credits:read')
  @ApiOkResponse({ type: CreditsSummaryDto })
  getCredits(@Auth() auth: RequestAuth): Promise<CreditsSummaryDto> {
    return this.ledger.summary(auth.orgId!);
  }

  @Get('ledger')
  @RequireScope('credits:read')
  @ApiOkResponse({ type: LedgerPageDto, description: 'Newest first' })
  listLedger(@Auth() auth: RequestAuth, @Query() query: CursorQueryDto): Promise<LedgerPageDto> {
    return this.ledger.list(auth.orgId!, query);
  }

  @Get('packs')
  @RequireScope('credits:read')
  @ApiOkResponse({ type: CreditPackListDto })
  listCreditPacks(): CreditPackListDto {
    return this.ledger.packs();
  }
}
