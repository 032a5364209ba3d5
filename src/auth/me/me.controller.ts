import { Controller, Get, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../access.decorators';
import type { RequestAuth } from '../principal';
import { MeDto } from './me.dto';
import { MeService } from './me.service';

@ApiTags('Accounts')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: MeDto })
  getMe(@Auth() auth: RequestAuth, @Headers('x-org-id') orgId?: string): Promise<MeDto> {
    return this.me.get(auth, orgId);
  }
}
