import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Operator } from '../tenancy/access.decorators';
import type { RequestAuth, UserPrincipal } from '../tenancy/principal';
import { IdParam } from '../common/http/id-param';
import { CreditGrantDto, CreditGrantResultDto } from './credits.dto';
import { LedgerService } from './ledger.service';

@ApiTags('Operators')
@ApiNotFoundResponse({ description: 'Not an operator' })
@Controller('api/v1/admin/orgs/:orgId/credits')
export class CreditsAdminController {
  constructor(private readonly ledger: LedgerService) {}

  @Post()
  @Operator()
  @ApiOperation({ summary: 'Grant credits to an organisation' })
  @ApiCreatedResponse({ type: CreditGrantResultDto })
  adminGrantCredits(@Auth() auth: RequestAuth, @IdParam('orgId', 'Organization') orgId: string, @Body() dto: CreditGrantDto): Promise<CreditGrantResultDto> {
    return this.ledger.grant(auth.principal as UserPrincipal, orgId, dto);
  }
}
