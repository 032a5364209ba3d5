import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ClientTokenKey } from './client-token-key.entity';

@Injectable()
export class ClientTokenKeysRepository {
  constructor(private readonly em: EntityManager) {}

  getById(id: string): Promise<ClientTokenKey | null> {
    return this.em.fork().findOne(ClientTokenKey, { id });
  }

  getActiveInOrg(orgId: string, id: string): Promise<ClientTokenKey | null> {
    return this.em.fork().findOne(ClientTokenKey, { orgId, id, revokedAt: null });
  }

  listActiveInOrg(orgId: string): Promise<ClientTokenKey[]> {
    return this.em.fork().find(ClientTokenKey, { orgId, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
  }

  async create(key: ClientTokenKey): Promise<void> {
    await this.em.fork().persistAndFlush(key);
  }

  async revoke(id: string): Promise<void> {
    await this.em.fork().nativeUpdate(ClientTokenKey, { id }, { revokedAt: new Date() });
  }
}
