import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuditService } from '../audit/audit.service';
import { credentialHint } from '../common/crypto/credential-hint';
import { SecretBox } from '../common/crypto/secret-box';
import { AppError } from '../common/errors/app-error';
import { OutboundHttp } from '../common/net/outbound-http';
import { PluginRegistry, type RegisteredProvider } from '../plugins/plugin-registry';
import { ProviderError } from '../plugins/provider-error';
import type { ProviderHealth } from '../plugins/provider-plugin';
import { OrgDirectory } from '../tenancy/org-directory';
import { principalId, type RequestAuth } from '../tenancy/principal';
import { callContext } from './call-context';
import { circuitKey, CircuitBreakers, type CircuitState } from './circuit-breakers';
import { ProviderCredentialRecord } from './provider-credential.entity';
import type { ProviderCredentialDto, ProviderCredentialListDto } from './provider-credentials.dto';
import { OrgProviderKeys } from './provider-credentials.keys';
import { ProviderCredentialsRepository } from './provider-credentials.repository';

const VERIFY_TIMEOUT_MS = 15_000;

/** The provider's words with the key's own values masked, should it echo them. */
const masked = (message: string, values: Record<string, string>) => Object.values(values).reduce((m, v) => (v.length >= 4 ? m.split(v).join('***') : m), message);

/**
 * Organisations' own provider keys (BYOK, plan feature `byok`): saved only once the provider accepts
 * them (the plugin's health check, run with the key), kept sealed and never answered (a hint of each
 * field instead), rotated by saving again, deleted, each change audited without the secret.
 */
@Injectable()
export class ProviderCredentialsService {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly repo: ProviderCredentialsRepository,
    private readonly keys: OrgProviderKeys,
    private readonly http: OutboundHttp,
    private readonly orgs: OrgDirectory,
    private readonly audit: AuditService,
    @Inject(SecretBox) private readonly box: SecretBox,
    private readonly breakers: CircuitBreakers,
  ) {}

  async list(orgId: string): Promise<ProviderCredentialListDto> {
    return { data: (await this.repo.listInOrg(orgId)).map((r) => this.describe(r)) };
  }

  async save(auth: RequestAuth, orgId: string, providerId: string, credentials: Record<string, unknown>): Promise<ProviderCredentialDto> {
    const plan = await this.orgs.planOf(orgId);
    if (!plan.features.byok) throw new AppError('plan_limit', `The ${plan.name} plan does not include bringing your own provider keys`, { feature: 'byok' });
    const provider = this.byokProvider(providerId);
    const values = await checkedValues(provider, credentials);
    const verifiedAt = await this.verify(provider, values, orgId);
    const { record, rotated } = await this.repo.save(Object.assign(new ProviderCredentialRecord(), {
      orgId, provider: provider.id, sealedValues: this.box.seal(JSON.stringify(values)), hint: credentialHint(values), verifiedAt, createdBy: principalId(auth.principal),
    }));
    this.keys.forget(orgId, provider.id);
    // A new key is tried afresh, whatever its predecessor's circuit said.
    this.breakers.reset(circuitKey(provider.id, 'organization', orgId));
    await this.audit.record({
      orgId, action: rotated ? 'provider_credentials.rotated' : 'provider_credentials.created', actor: AuditService.actorOf(auth),
      target: { type: 'provider_credentials', id: record.id }, details: { provider: provider.id, hint: record.hint, verified: verifiedAt !== null },
    });
    return this.describe(record);
  }

  async remove(auth: RequestAuth, orgId: string, providerId: string): Promise<void> {
    const record = await this.repo.delete(orgId, providerId);
    if (!record) throw AppError.notFound(`A key for the provider "${providerId}"`);
    this.keys.forget(orgId, providerId);
    this.breakers.reset(circuitKey(providerId, 'organization', orgId));
    await this.audit.record({ orgId, action: 'provider_credentials.deleted', actor: AuditService.actorOf(auth), target: { type: 'provider_credentials', id: record.id }, details: { provider: providerId } });
  }

  private describe(record: ProviderCredentialRecord): ProviderCredentialDto {
    return describe(record, this.breakers.state(circuitKey(record.provider, 'organization', record.orgId)));
  }

  /** A configured, enabled provider id whose plugin takes organisations' own keys. */
  private byokProvider(providerId: string): RegisteredProvider {
    const provider = this.registry.provider(providerId);
    const byok = this.registry.listProviders().filter((p) => p.enabled && p.metadata.byok && p.metadata.credentials).map((p) => p.id);
    if (!provider?.enabled) {
      throw new AppError('invalid_model', provider ? `The provider "${providerId}" is disabled` : `Unknown provider "${providerId}"`, { available: byok });
    }
    if (!provider.metadata.byok || !provider.metadata.credentials) {
      throw new AppError('conflict', `The provider "${providerId}" does not take organisations' own keys${byok.length ? `; these do: ${byok.join(', ')}` : ''}`, { available: byok });
    }
    return provider;
  }

  /**
   * Asks the provider whether it takes the key (the plugin's health check, with the key): a refusal
   * is 422 provider_credentials_rejected in the provider's words; a provider that cannot be reached, 502.
   * A plugin without a health check cannot be asked: null, and the key is saved on its fields alone.
   */
  private async verify(provider: RegisteredProvider, values: Record<string, string>, orgId: string): Promise<Date | null> {
    const { plugin } = provider;
    if (!plugin.health) return null;
    const ctx = callContext(this.http, provider, { credentials: { owner: 'organization', values }, signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS), callId: `verify-${orgId}-${provider.id}` });
    let health: ProviderHealth;
    try {
      health = await plugin.health(ctx);
    } catch (err) {
      const message = masked(err instanceof Error ? err.message : String(err), values);
      if (err instanceof ProviderError && err.kind === 'invalid_credentials') throw rejected(provider.id, message);
      throw new AppError('provider_unavailable', `${provider.id} could not check the key: ${message}`, { provider: provider.id });
    }
    if (!health.ok) throw rejected(provider.id, masked(health.detail ?? 'the key was refused', values));
    return new Date();
  }
}

const rejected = (provider: string, message: string) => new AppError('provider_credentials_rejected', `${provider} refused the key: ${message}`, { provider });

/** The values as the plugin's credentials DTO checks them: unknown fields refused, every problem named `credentials.<field>`. */
async function checkedValues(provider: RegisteredProvider, credentials: Record<string, unknown>): Promise<Record<string, string>> {
  const errors = await validate(plainToInstance(provider.metadata.credentials!, credentials), { whitelist: true, forbidNonWhitelisted: true });
  const fields = errors.map((e) => ({
    field: `credentials.${e.property}`,
    messages: Object.entries(e.constraints ?? {}).map(([rule, message]) => (rule === 'whitelistValidation' ? `${provider.id} takes no credential "${e.property}"` : message)),
  }));
  const notText = Object.entries(credentials).filter(([k, v]) => typeof v !== 'string' && !fields.some((f) => f.field === `credentials.${k}`));
  fields.push(...notText.map(([k]) => ({ field: `credentials.${k}`, messages: [`${k} must be a string`] })));
  if (fields.length) throw new AppError('validation_failed', fields.flatMap((f) => f.messages.map((m) => `${f.field}: ${m}`)).join('; '), { fields });
  return credentials as Record<string, string>;
}

function describe(record: ProviderCredentialRecord, status: CircuitState): ProviderCredentialDto {
  return {
    provider: record.provider,
    status,
    hint: record.hint,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    verifiedAt: record.verifiedAt?.toISOString() ?? null,
  };
}
