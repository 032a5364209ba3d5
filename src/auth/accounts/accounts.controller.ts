import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { SessionTokenPair } from '../sessions/sessions.service';
import { Auth, Public, UserOnly } from '../../tenancy/access.decorators';
import type { RequestAuth, UserPrincipal } from '../../tenancy/principal';
import { AcceptedDto, LoginDto, RefreshDto, RegisterDto, RegisterResponseDto, SessionTokensDto, VerifiedDto, VerifyEmailDto } from './accounts.dto';
import { AccountsService } from './accounts.service';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie';

const ApiSeeOtherResponse = (options: { description: string }) => ApiResponse({ status: 303, ...options });

/** A browser opening a link asks for HTML first; an API client asks for JSON or anything. */
const prefersHtml = (req: FastifyRequest) => /^text\/html\b/.test(String(req.headers.accept ?? ''));

@ApiTags('Accounts')
@Controller('api/v1/auth')
export class AccountsController {
  constructor(private readonly accounts: AccountsService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

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
  @ApiOperation({ summary: 'The link in the verification mail: verifies for API clients; a browser is sent to the console page that verifies and says so' })
  @ApiOkResponse({ type: VerifiedDto })
  @ApiSeeOtherResponse({ description: 'A browser (Accept: text/html): to /console/verify with the token' })
  async verifyEmailLink(@Query() dto: VerifyEmailDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<VerifiedDto | void> {
    if (prefersHtml(req)) return void reply.redirect(`/console/verify?token=${encodeURIComponent(dto.token)}`, 303);
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
  async login(@Body() dto: LoginDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionTokensDto> {
    const tokens = await this.accounts.login(dto, { ip: req.ip, requestId: String(req.id) });
    return dto.refreshCookie ? this.inCookie(reply, tokens) : tokens;
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; presenting a used one ends the whole session' })
  @ApiOkResponse({ type: SessionTokensDto })
  async refresh(@Body() dto: RefreshDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionTokensDto> {
    const fromCookie = dto.refreshToken === undefined;
    const token = dto.refreshToken ?? refreshCookieOf(req);
    if (!token) throw new AppError('invalid_refresh_token', 'Send refreshToken, or sign in with refreshCookie for a session kept in a cookie');
    const tokens = await this.accounts.refresh(token).catch((err: unknown) => {
      // A refused cookie is of no further use: the browser forgets it.
      if (fromCookie) clearRefreshCookie(reply, this.config);
      throw err;
    });
    return fromCookie ? this.inCookie(reply, tokens) : tokens;
  }

  @Post('logout')
  @UserOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session: its refresh tokens and access tokens stop working' })
  async logout(@Auth() auth: RequestAuth, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.accounts.logout(auth.principal as UserPrincipal);
    clearRefreshCookie(reply, this.config);
  }

  /** The answer of a browser session: the refresh token goes to the cookie, not the page. */
  private inCookie(reply: FastifyReply, tokens: SessionTokenPair): SessionTokensDto {
    const { refreshToken, ...rest } = tokens;
    setRefreshCookie(reply, this.config, refreshToken);
    return rest;
  }
}
