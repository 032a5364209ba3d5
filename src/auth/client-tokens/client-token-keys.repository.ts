import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ClientTokenKey } from './client-token-key.entity';

@Injectable()
export class ClientTokenKeysRepository {
  constructor(private readonly em: EntityManager) {}

  getById(id: string): Promise<ClientTokenKey | null> {
    return this.em.fork().findOne(ClientTokenKey, { id });
  }

  getInOrg(orgId: string, id: string): Promise<ClientTokenKey | null> {
    return this.em.findOne(ClientTokenKey, { orgId, id });
  }

  listInOrg(orgId: string): Promise<ClientTokenKey[]> {
    return this.em.find(ClientTokenKey, { orgId, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
  }

  async save(key: ClientTokenKey): Promise<void> {
    await this.em.persistAndFlush(key);
  }
}
