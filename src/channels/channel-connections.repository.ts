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

  /** A connection whatever its organisation: for the public webhook route, which knows only the id. */
  getById(id: string): Promise<ChannelConnectionRecord | null> {
    return this.em.fork().findOne(ChannelConnectionRecord, { id });
  }

  listInOrg(orgId: string): Promise<ChannelConnectionRecord[]> {
    return this.em.fork().find(ChannelConnectionRecord, { orgId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /** Writes the fields given onto the organisation's connection; false when it is gone. */
  async update(orgId: string, id: string, fields: Partial<ChannelConnectionRecord>): Promise<boolean> {
    return (await this.em.fork().nativeUpdate(ChannelConnectionRecord, { orgId, id }, fields)) === 1;
  }

  /**
   * Marks the connection needs_attention with why; true only for the call that turned it (it was not
   * already), so the organisation hears of it once.
   */
  async markNeedsAttention(orgId: string, id: string, lastError: string): Promise<boolean> {
    const fields = { status: 'needs_attention' as const, lastError, lastCheckedAt: new Date() };
    const em = this.em.fork();
    if ((await em.nativeUpdate(ChannelConnectionRecord, { orgId, id, status: { $ne: 'needs_attention' } }, fields)) === 1) return true;
    await em.nativeUpdate(ChannelConnectionRecord, { orgId, id }, fields);
    return false;
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    return (await this.em.fork().nativeDelete(ChannelConnectionRecord, { orgId, id })) === 1;
  }
}
