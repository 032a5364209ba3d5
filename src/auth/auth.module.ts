import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { CreditsModule } from '../credits/credits.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { LoginThrottle } from './accounts/login-throttle';
import { PasswordHasher } from './accounts/password-hasher';
import { ApiKeyAuthModule } from './api-keys/api-key-auth.module';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ClientTokenKeysController } from './client-tokens/client-token-keys.controller';
import { ClientTokenKeysRepository } from './client-tokens/client-token-keys.repository';
import { ClientTokenKeysService } from './client-tokens/client-token-keys.service';
import { ClientTokenQuota } from './client-tokens/client-token-quota';
import { ClientTokenUsageRepository } from './client-tokens/client-token-usage.repository';
import { ClientTokenVerifier } from './client-tokens/client-token-verifier';
import { CredentialResolver } from './credential-resolver';
import { AccessGuard } from './access.guard';
import { Authorizer } from './authorizer';
import { MeController } from './me/me.controller';
import { MeService } from './me/me.service';
import { RouteAccessAudit } from './route-access-audit';
import { RouteMetadataReader } from '../tenancy/route-metadata';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository';
import { SessionTokens } from './sessions/session-tokens';
import { SessionsService } from './sessions/sessions.service';
import { UserDirectory } from './users/user-directory';
import { UsersRepository } from './users/users.repository';

/** Accounts, sessions, API keys, client tokens, and the guard every request passes: authenticate, authorise, throttle. */
@Module({
  imports: [DiscoveryModule, ApiKeyAuthModule, TenancyModule, CreditsModule, AuditModule, ThrottlingModule],
  controllers: [AccountsController, MeController, ApiKeysController, ClientTokenKeysController],
  providers: [
    AccountsService, PasswordHasher, LoginThrottle, UsersRepository, UserDirectory,
    SessionTokens, SessionsService, RefreshTokensRepository,
    ApiKeysService,
    ClientTokenKeysService, ClientTokenKeysRepository, ClientTokenVerifier, ClientTokenQuota, ClientTokenUsageRepository,
    CredentialResolver, Authorizer, RouteMetadataReader, MeService, RouteAccessAudit,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [RouteAccessAudit, RouteMetadataReader, ClientTokenQuota],
})
export class AuthModule {}
