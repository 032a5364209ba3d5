import { Injectable } from '@nestjs/common';
import { importSPKI } from 'jose';
import { AuditService } from '../../audit/audit.service';
import { SecretBox } from '../../common/crypto/secret-box';
import { AppError } from '../../common/errors/app-error';
import { orgIdOf, type RequestAuth } from '../../tenancy/principal';
import { ClientTokenKey } from './client-token-key.entity';
import { ClientTokenKeysRepository } from './client-token-keys.repository';
import type { ClientTokenKeyCreateDto, ClientTokenKeyDto } from './client-token-keys.dto';
import { ClientTokenVerifier } from './client-token-verifier';
import { assertVerifiedEmail } from '../verified-email';

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/** Signing keys an organisation registers so its own backend can mint short-lived client tokens. */
@Injectable()
export class ClientTokenKeysService {
  constructor(
    private readonly repo: ClientTokenKeysRepository,
    private readonly secrets: SecretBox,
    private readonly verifier: ClientTokenVerifier,
    private readonly audit: AuditService,
  ) {}

  async create(auth: RequestAuth, dto: ClientTokenKeyCreateDto): Promise<ClientTokenKeyDto> {
    assertVerifiedEmail(auth.principal, 'registering client-token signing keys');
    const missing = dto.scopes.filter((s) => !auth.scopes.has(s));
    if (missing.length) throw new AppError('insufficient_scope', `You cannot delegate scopes you do not hold: ${missing.join(', ')}`, { requiredScope: missing[0] });
    const key = Object.assign(new ClientTokenKey(), {
      orgId: orgIdOf(auth),
      name: dto.name,
      algorithm: dto.algorithm,
      scopes: dto.scopes,
      createdByUserId: auth.principal.kind === 'user' ? auth.principal.userId : null,
    });
    if (dto.algorithm === 'HS256') {
      if (!dto.secret) throw invalid('secret', 'secret is required for HS256 (at least 32 characters)');
      if (dto.publicKey) throw invalid('publicKey', 'publicKey is for RS256 and ES256 only');
      key.encryptedSecret = this.secrets.seal(dto.secret);
    } else {
      if (!dto.publicKey) throw invalid('publicKey', `publicKey (PEM) is required for ${dto.algorithm}`);
      if (dto.secret) throw invalid('secret', 'secret is for HS256 only');
      try {
        await importSPKI(dto.publicKey, dto.algorithm);
      } catch {
        throw invalid('publicKey', `publicKey is not a PEM public key usable with ${dto.algorithm}`);
      }
      key.publicKey = dto.publicKey;
    }
    await this.repo.create(key);
    await this.audit.record({ orgId: key.orgId, action: 'client_token_key.added', actor: AuditService.actorOf(auth), target: { type: 'client_token_key', id: key.id }, details: { algorithm: key.algorithm, scopes: key.scopes } });
    return this.map(key);
  }

  async list(orgId: string): Promise<{ data: ClientTokenKeyDto[] }> {
    return { data: (await this.repo.listActiveInOrg(orgId)).map((k) => this.map(k)) };
  }

  async revoke(auth: RequestAuth, id: string): Promise<void> {
    const key = await this.repo.getActiveInOrg(orgIdOf(auth), id);
    if (!key) throw AppError.notFound('Client token key');
    await this.repo.revoke(key.id);
    this.verifier.forget(key.id);
    await this.audit.record({ orgId: key.orgId, action: 'client_token_key.revoked', actor: AuditService.actorOf(auth), target: { type: 'client_token_key', id: key.id } });
  }

  private map(key: ClientTokenKey): ClientTokenKeyDto {
    return { id: key.id, name: key.name, algorithm: key.algorithm, scopes: key.scopes, publicKey: key.publicKey, createdAt: key.createdAt.toISOString() };
  }
}
