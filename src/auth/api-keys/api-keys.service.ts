import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { sha256 } from '../../common/crypto/hash';
import { AppError } from '../../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/pagination';
import { OrgsRepository } from '../../tenancy/orgs.repository';
import { orgIdOf, type RequestAuth } from '../../tenancy/principal';
import { PUBLISHABLE_SCOPES, type Scope } from '../../tenancy/scopes';
import { ApiKey } from './api-key.entity';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { generateApiKeySecret } from './api-key-secret';
import type { ApiKeyCreateDto, ApiKeyDto, ApiKeyPageDto, ApiKeyRotateDto, ApiKeyRotationDto, ApiKeySecretDto } from './api-keys.dto';
import { ApiKeysRepository } from './api-keys.repository';
import { assertVerifiedEmail } from '../verified-email';

/** Keys of an organisation: the secret is shown once, only its hash is kept. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly orgs: OrgsRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly audit: AuditService,
  ) {}

  async create(auth: RequestAuth, dto: ApiKeyCreateDto): Promise<ApiKeySecretDto> {
    const orgId = orgIdOf(auth);
    const p = auth.principal;
    assertVerifiedEmail(p, 'creating API keys');
    const type = dto.type ?? 'live';
    const scopes = type === 'publishable' ? PUBLISHABLE_SCOPES : dto.scopes;
    if (!scopes?.length) {
      throw new AppError('validation_failed', 'Choose at least one scope', { fields: [{ field: 'scopes', messages: ['scopes must name at least one scope for live and test keys'] }] });
    }
    this.assertCanGrant(auth, scopes);
    if (dto.expiresAt && dto.expiresAt <= new Date()) {
      throw new AppError('validation_failed', 'expiresAt must be in the future', { fields: [{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }] });
    }
    if (dto.teamId && !(await this.orgs.getTeam(orgId, dto.teamId))) throw AppError.notFound('Team');
    const { secret, prefix } = generateApiKeySecret(type);
    const key = Object.assign(new ApiKey(), {
      orgId,
      type,
      name: dto.name,
      prefix,
      secretHash: sha256(secret),
      scopes,
      teamId: dto.teamId ?? null,
      expiresAt: dto.expiresAt ?? null,
      createdByUserId: p.kind === 'user' ? p.userId : null,
      createdByKeyId: p.kind === 'api_key' ? p.keyId : null,
    });
    await this.keys.create(key);
    await this.audit.record({ orgId, action: 'api_key.created', actor: AuditService.actorOf(auth), target: { type: 'api_key', id: key.id }, details: { name: key.name, type, scopes } });
    return { ...this.map(key), secret };
  }

  async list(orgId: string, query: { limit?: number; cursor?: string }): Promise<ApiKeyPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.keys.listInOrg(orgId, { after: decodeCursor(query.cursor), limit: limit + 1 });
    return toPage(rows, limit, (k) => this.map(k));
  }

  async get(orgId: string, keyId: string): Promise<ApiKeyDto> {
    return this.map(await this.require(orgId, keyId));
  }

  async revoke(auth: RequestAuth, keyId: string): Promise<ApiKeyDto> {
    const key = await this.require(orgIdOf(auth), keyId);
    if (!key.revokedAt) {
      await this.keys.revoke(key, new Date());
      await this.audit.record({ orgId: key.orgId, action: 'api_key.revoked', actor: AuditService.actorOf(auth), target: { type: 'api_key', id: key.id } });
    }
    this.authenticator.forget(key.id);
    return this.map(key);
  }

  /**
   * Issues a new secret as a new key with the same settings; the old one keeps working for the
   * grace period, then expires. Rotating a key hands over its powers, so it needs all its scopes.
   */
  async rotate(auth: RequestAuth, keyId: string, dto: ApiKeyRotateDto): Promise<ApiKeyRotationDto> {
    const old = await this.require(orgIdOf(auth), keyId);
    if (this.status(old) !== 'active') throw new AppError('conflict', `Only an active key can be rotated; this one is ${this.status(old)}`);
    if (old.replacedById) throw new AppError('conflict', `This key was already rotated; rotate its replacement ${old.replacedById} instead`);
    this.assertCanGrant(auth, old.scopes);
    const { secret, prefix } = generateApiKeySecret(old.type);
    const p = auth.principal;
    const fresh = Object.assign(new ApiKey(), {
      orgId: old.orgId,
      type: old.type,
      name: old.name,
      prefix,
      secretHash: sha256(secret),
      scopes: old.scopes,
      teamId: old.teamId,
      expiresAt: old.expiresAt,
      createdByUserId: p.kind === 'user' ? p.userId : null,
      createdByKeyId: p.kind === 'api_key' ? p.keyId : null,
    });
    const graceEnds = new Date(Date.now() + (dto?.gracePeriodSeconds ?? 0) * 1000);
    old.expiresAt = old.expiresAt && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
    await this.keys.saveRotation(old, fresh);
    this.authenticator.forget(old.id);
    await this.audit.record({
      orgId: old.orgId,
      action: 'api_key.rotated',
      actor: AuditService.actorOf(auth),
      target: { type: 'api_key', id: old.id },
      details: { newKeyId: fresh.id, gracePeriodSeconds: dto?.gracePeriodSeconds ?? 0 },
    });
    return { key: { ...this.map(fresh), secret }, previous: this.map(old) };
  }

  private assertCanGrant(auth: RequestAuth, scopes: readonly Scope[]): void {
    const missing = scopes.filter((s) => !auth.scopes.has(s));
    if (missing.length) {
      throw new AppError('insufficient_scope', `You cannot grant scopes you do not hold: ${missing.join(', ')}`, { requiredScope: missing[0], missingScopes: missing });
    }
  }

  private async require(orgId: string, keyId: string): Promise<ApiKey> {
    const key = await this.keys.getInOrg(orgId, keyId);
    if (!key) throw AppError.notFound('API key');
    return key;
  }

  private status(key: ApiKey): ApiKeyDto['status'] {
    if (key.revokedAt) return 'revoked';
    if (key.expiresAt && key.expiresAt <= new Date()) return 'expired';
    return 'active';
  }

  private map(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      type: key.type,
      prefix: key.prefix,
      scopes: key.scopes,
      teamId: key.teamId,
      createdBy: key.createdByUserId ? { type: 'user', id: key.createdByUserId } : key.createdByKeyId ? { type: 'api_key', id: key.createdByKeyId } : null,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      status: this.status(key),
      replacedById: key.replacedById,
    };
  }
}
