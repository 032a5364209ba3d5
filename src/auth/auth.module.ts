import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { CreditsModule } from '../credits/credits.module';
import { OrgsModule } from '../orgs/orgs.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { LoginThrottle } from './accounts/login-throttle';
import { PasswordHasher } from './accounts/password-hasher';
import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ClientTokenKeysController } from './client-tokens/client-token-keys.controller';
import { ClientTokenKeysRepository } from './client-tokens/client-token-keys.repository';
import { ClientTokenKeysService } from './client-tokens/client-token-keys.service';
import { ClientTokenVerifier } from './client-tokens/client-token-verifier';
import { CredentialResolver } from './credential-resolver';
import { AccessGuard } from './access.guard';
import { Authorizer } from './authorizer';
import { MeController } from './me/me.controller';
import { MeService } from './me/me.service';
import { RouteAccessAudit } from './route-access-audit';
import { RouteMetadataReader } from './route-metadata';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository';
import { SessionTokens } from './sessions/session-tokens';
import { SessionsService } from './sessions/sessions.service';
import { UserDirectory } from './users/user-directory';
import { UsersRepository } from './users/users.repository';

/** Accounts, sessions, API keys, client tokens, and the guard every request passes: authenticate, authorise, throttle. */
@Module({
  imports: [DiscoveryModule, OrgsModule, CreditsModule, AuditModule, ThrottlingModule],
  controllers: [AccountsController, MeController, ApiKeysController, ClientTokenKeysController],
  providers: [
    AccountsService, PasswordHasher, LoginThrottle, UsersRepository, UserDirectory,
    SessionTokens, SessionsService, RefreshTokensRepository,
    ApiKeysService, ApiKeysRepository, ApiKeyAuthenticator,
    ClientTokenKeysService, ClientTokenKeysRepository, ClientTokenVerifier,
    CredentialResolver, Authorizer, RouteMetadataReader, MeService, RouteAccessAudit,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [RouteAccessAudit, RouteMetadataReader],
})
export class AuthModule {}
