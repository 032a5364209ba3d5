import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ApiKey } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly em: EntityManager) {}

  getBySecretHash(secretHash: string): Promise<ApiKey | null> {
    return this.em.fork().findOne(ApiKey, { secretHash });
  }

  getInOrg(orgId: string, id: string): Promise<ApiKey | null> {
    return this.em.findOne(ApiKey, { orgId, id });
  }

  listInOrg(orgId: string, opts: { after?: string; limit: number }): Promise<ApiKey[]> {
    return this.em.find(
      ApiKey,
      { orgId, ...(opts.after ? { id: { $lt: opts.after } } : {}) },
      { orderBy: { id: 'desc' }, limit: opts.limit },
    );
  }

  async create(key: ApiKey): Promise<ApiKey> {
    await this.em.persistAndFlush(key);
    return key;
  }

  async save(key: ApiKey): Promise<void> {
    await this.em.persistAndFlush(key);
  }

  /** Rotation: the new key and the old key's new expiry land together or not at all. */
  async saveRotation(oldKey: ApiKey, newKey: ApiKey): Promise<void> {
    await this.em.transactional(async (em) => {
      em.persist(newKey);
      await em.flush();
      oldKey.replacedById = newKey.id;
      em.persist(em.merge(oldKey));
    });
  }

  /** One UPDATE per key for a batch of "last used" times collected in memory. */
  async touchLastUsed(times: Map<string, Date>): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tx) => {
      for (const [id, at] of times) await tx.nativeUpdate(ApiKey, { id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] }, { lastUsedAt: at });
    });
  }
}
