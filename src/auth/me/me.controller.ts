import { Controller, Get, Headers } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../tenancy/access.decorators';
import type { RequestAuth } from '../../tenancy/principal';
import { MeDto } from './me.dto';
import { MeService } from './me.service';

@ApiTags('Accounts')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Who is calling: the credential, its organisations, plan and credits' })
  @ApiHeader({ name: 'x-org-id', required: false, description: 'For session tokens: the organisation to describe (default: your personal one)' })
  @ApiOkResponse({ type: MeDto })
  getMe(@Auth() auth: RequestAuth, @Headers('x-org-id') orgId?: string): Promise<MeDto> {
    return this.me.get(auth, orgId);
  }
}
