import { Module } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * The API key check and its cache, in a module of their own so that both AuthModule (which checks
 * keys) and OrgsModule (which revokes a departing member's keys) use the one cache without a cycle.
 */
@Module({ providers: [ApiKeysRepository, ApiKeyAuthenticator], exports: [ApiKeysRepository, ApiKeyAuthenticator] })
export class ApiKeyAuthModule {}
