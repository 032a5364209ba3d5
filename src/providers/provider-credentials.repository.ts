import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import { ProviderCredentialRecord } from './provider-credential.entity';

@Injectable()
export class ProviderCredentialsRepository {
  constructor(private readonly em: EntityManager) {}

  get(orgId: string, provider: string): Promise<ProviderCredentialRecord | null> {
    return this.em.fork().findOne(ProviderCredentialRecord, { orgId, provider });
  }

  listInOrg(orgId: string): Promise<ProviderCredentialRecord[]> {
    return this.em.fork().find(ProviderCredentialRecord, { orgId }, { orderBy: { provider: 'asc' } });
  }

  /**
   * Saves the organisation's key for the provider: a new row, or the one already there given the new
   * values (a rotation; it keeps its id, creator and creation date). Two saves at once end with one row.
   */
  async save(record: ProviderCredentialRecord): Promise<{ record: ProviderCredentialRecord; rotated: boolean }> {
    if (await insertOnce(this.em, record)) return { record, rotated: false };
    const { sealedValues, hint, verifiedAt } = record;
    const em = this.em.fork();
    await em.nativeUpdate(ProviderCredentialRecord, { orgId: record.orgId, provider: record.provider }, { sealedValues, hint, verifiedAt, updatedAt: new Date() });
    const saved = await em.findOneOrFail(ProviderCredentialRecord, { orgId: record.orgId, provider: record.provider });
    return { record: saved, rotated: true };
  }

  async delete(orgId: string, provider: string): Promise<ProviderCredentialRecord | null> {
    const em = this.em.fork();
    const record = await em.findOne(ProviderCredentialRecord, { orgId, provider });
    if (record && (await em.nativeDelete(ProviderCredentialRecord, { orgId, provider: record.provider, id: record.id })) === 1) return record;
    return null;
  }
}
