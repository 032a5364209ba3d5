import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { sha256 } from '../../common/crypto/hash';
import { AppError } from '../../common/errors/app-error';
import { TtlCache } from '../../common/ttl-cache';
import type { ApiKeyPrincipal } from '../../tenancy/principal';
import { PUBLISHABLE_SCOPES } from '../../tenancy/scopes';
import type { ApiKey } from './api-key.entity';
import { parseApiKeySecret } from './api-key-secret';
import { ApiKeysRepository } from './api-keys.repository';

interface CachedKey {
  principal: ApiKeyPrincipal;
  expiresAt: number | null;
  revoked: boolean;
}

const LAST_USED_FLUSH_MS = 10_000;

/**
 * Checks API keys without a database round trip on the hot path: a key check is cached for
 * CREDENTIAL_CACHE_SECONDS (so a revocation reaches other nodes within that), revoking on this node
 * evicts at once, and "last used" times are collected in memory and written in batches.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache: TtlCache<string, CachedKey | null>;
  private readonly lastUsed = new Map<string, number>();
  private flushTimer?: NodeJS.Timeout;

  constructor(private readonly keys: ApiKeysRepository, @Inject(APP_CONFIG) config: AppConfig) {
    this.cache = new TtlCache(config.auth.credentialCacheSeconds * 1000);
  }

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Before the database closes: Nest destroys modules before shutting down the ORM. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  async authenticate(secret: string): Promise<ApiKeyPrincipal> {
    // Cached by the presented secret (in memory only) so a hit costs neither a query nor a hash.
    let entry = this.cache.get(secret);
    if (entry === undefined) {
      if (!parseApiKeySecret(secret)) throw new AppError('invalid_api_key', 'The API key is malformed (bad format or checksum)');
      const key = await this.keys.getBySecretHash(sha256(secret));
      entry = key ? this.toCached(key) : null;
      this.cache.set(secret, entry);
    }
    if (!entry || entry.revoked) throw new AppError('invalid_api_key', 'The API key is unknown or has been revoked');
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) throw new AppError('invalid_api_key', 'The API key has expired');
    this.lastUsed.set(entry.principal.keyId, Date.now());
    return entry.principal;
  }

  /** Called by the node that revoked or rotated a key, so it stops working here at once. */
  forget(keyId: string): void {
    this.cache.deleteWhere((v) => v?.principal.keyId === keyId);
  }

  async flushLastUsed(): Promise<void> {
    if (!this.lastUsed.size) return;
    const batch = new Map([...this.lastUsed].map(([id, at]) => [id, new Date(at)]));
    this.lastUsed.clear();
    try {
      await this.keys.touchLastUsed(batch);
    } catch (err) {
      this.logger.warn({ err }, 'could not record API key last-used times');
    }
  }

  private toCached(key: ApiKey): CachedKey {
    return {
      principal: {
        kind: 'api_key',
        keyId: key.id,
        keyType: key.type,
        orgId: key.orgId,
        teamId: key.teamId,
        scopes: new Set(key.type === 'publishable' ? PUBLISHABLE_SCOPES : key.scopes),
      },
      expiresAt: key.expiresAt ? key.expiresAt.getTime() : null,
      revoked: key.revokedAt !== null,
    };
  }
}
