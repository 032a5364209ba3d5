import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ApiKey } from './api-key.entity';

/**
 * Every repository method works in a fork of its own: there is no per-request ORM context, whose
 * AsyncLocalStorage would tax every promise of every request (see docs/architecture.md).
 */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly em: EntityManager) {}

  getBySecretHash(secretHash: string): Promise<ApiKey | null> {
    return this.em.fork().findOne(ApiKey, { secretHash });
  }

  getInOrg(orgId: string, id: string): Promise<ApiKey | null> {
    return this.em.fork().findOne(ApiKey, { orgId, id });
  }

  listInOrg(orgId: string, opts: { after?: string; limit: number }): Promise<ApiKey[]> {
    return this.em.fork().find(ApiKey, { orgId, ...(opts.after ? { id: { $lt: opts.after } } : {}) }, { orderBy: { id: 'desc' }, limit: opts.limit });
  }

  async create(key: ApiKey): Promise<ApiKey> {
    await this.em.fork().persistAndFlush(key);
    return key;
  }

  async revoke(key: ApiKey, at: Date): Promise<void> {
    await this.em.fork().nativeUpdate(ApiKey, { id: key.id, revokedAt: null }, { revokedAt: at });
    key.revokedAt = at;
  }

  /** Rotation: the new key and the old key's new expiry land together or not at all. */
  async saveRotation(oldKey: ApiKey, newKey: ApiKey): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(newKey);
      await em.flush();
      await em.nativeUpdate(ApiKey, { id: oldKey.id }, { replacedById: newKey.id, expiresAt: oldKey.expiresAt });
    });
    oldKey.replacedById = newKey.id;
  }

  /** One UPDATE per key for a batch of "last used" times collected in memory. */
  async touchLastUsed(times: Map<string, Date>): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      for (const [id, at] of times) await em.nativeUpdate(ApiKey, { id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] }, { lastUsedAt: at });
    });
  }
}
