import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ChannelConnectionRecord } from './channel-connection.entity';

@Injectable()
export class ChannelConnectionsRepository {
  constructor(private readonly em: EntityManager) {}

  async insert(record: ChannelConnectionRecord): Promise<void> {
    await this.em.fork().persistAndFlush(record);
  }

  getInOrg(orgId: string, id: string): Promise<ChannelConnectionRecord | null> {
    return this.em.fork().findOne(ChannelConnectionRecord, { orgId, id });
  }

  listInOrg(orgId: string): Promise<ChannelConnectionRecord[]> {
    return this.em.fork().find(ChannelConnectionRecord, { orgId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /** Writes the fields given onto the organisation's connection; false when it is gone. */
  async update(orgId: string, id: string, fields: Partial<ChannelConnectionRecord>): Promise<boolean> {
    return (await this.em.fork().nativeUpdate(ChannelConnectionRecord, { orgId, id }, fields)) === 1;
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    return (await this.em.fork().nativeDelete(ChannelConnectionRecord, { orgId, id })) === 1;
  }
}
