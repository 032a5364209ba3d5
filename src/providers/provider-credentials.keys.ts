import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SecretBox } from '../common/crypto/secret-box';
import { TtlCache } from '../common/ttl-cache';
import { OrgDirectory } from '../tenancy/org-directory';
import { ProviderCredentialsRepository } from './provider-credentials.repository';

/**
 * Organisations' own provider keys (BYOK) as calls need them: opened from their sealed rows and kept
 * CREDENTIAL_CACHE_SECONDS (saving or deleting one here forgets it at once; other nodes within that
 * time). A key counts only while the organisation's plan has the `byok` feature.
 */
@Injectable()
export class OrgProviderKeys {
  private readonly cache: TtlCache<string, Readonly<Record<string, string>> | null>;
  /** Credits a request run on an organisation's own key costs it (BYOK_PLATFORM_FEE). */
  readonly platformFee: number;

  constructor(
    private readonly repo: ProviderCredentialsRepository,
    private readonly orgs: OrgDirectory,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TtlCache(config.auth.credentialCacheSeconds * 1000);
    this.platformFee = config.byok.platformFee;
  }

  /** The organisation's key for the provider id, or undefined when it has none (or its plan no longer allows one). */
  async valuesFor(orgId: string, provider: string): Promise<Readonly<Record<string, string>> | undefined> {
    if (!(await this.orgs.planOf(orgId)).features.byok) return undefined;
    const values = await this.cache.getOrLoad(`${orgId}:${provider}`, async () => {
      const record = await this.repo.get(orgId, provider);
      return record ? (JSON.parse(this.box.open(record.sealedValues)) as Record<string, string>) : null;
    });
    return values ?? undefined;
  }

  forget(orgId: string, provider: string): void {
    this.cache.delete(`${orgId}:${provider}`);
  }
}
