import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth, Public, UserOnly } from '../../tenancy/access.decorators';
import type { RequestAuth, UserPrincipal } from '../../tenancy/principal';
import { AcceptedDto, LoginDto, RefreshDto, RegisterDto, RegisterResponseDto, SessionTokensDto, VerifiedDto, VerifyEmailDto } from './accounts.dto';
import { AccountsService } from './accounts.service';

@ApiTags('Accounts')
@Controller('api/v1/auth')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('register')
  @Public()
  @ApiOperation({ summary: 'Create an account with a personal organisation on the default plan' })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.accounts.register(dto);
  }

  @Post('verify-email')
  @Public()
  @ApiOperation({ summary: 'Verify an e-mail address with the token from the verification mail' })
  @HttpCode(200)
  @ApiOkResponse({ type: VerifiedDto })
  async verifyEmail(@Body() dto: VerifyEmailDto): Promise<VerifiedDto> {
    await this.accounts.verifyEmail(dto.token);
    return { verified: true };
  }

  @Get('verify-email')
  @Public()
  @ApiOperation({ summary: 'The link in the verification mail' })
  @ApiOkResponse({ type: VerifiedDto })
  async verifyEmailLink(@Query() dto: VerifyEmailDto): Promise<VerifiedDto> {
    await this.accounts.verifyEmail(dto.token);
    return { verified: true };
  }

  @Post('verify-email/resend')
  @UserOnly()
  @ApiOperation({ summary: 'Send the verification mail again' })
  @HttpCode(202)
  @ApiOkResponse({ type: AcceptedDto })
  async resendVerification(@Auth() auth: RequestAuth): Promise<AcceptedDto> {
    await this.accounts.resendVerification(auth.principal as UserPrincipal);
    return { accepted: true };
  }

  @Post('login')
  @Public()
  @ApiOperation({ summary: 'Sign in: get an access token and a refresh token' })
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokensDto })
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<SessionTokensDto> {
    return this.accounts.login(dto, { ip: req.ip, requestId: String(req.id) });
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; presenting a used one ends the whole session' })
  @ApiOkResponse({ type: SessionTokensDto })
  refresh(@Body() dto: RefreshDto): Promise<SessionTokensDto> {
    return this.accounts.refresh(dto.refreshToken);
  }

  @Post('logout')
  @UserOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session: its refresh tokens and access tokens stop working' })
  async logout(@Auth() auth: RequestAuth): Promise<void> {
    await this.accounts.logout(auth.principal as UserPrincipal);
  }
}
