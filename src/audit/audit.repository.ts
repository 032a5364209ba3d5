import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AuditEvent } from './audit-event.entity';

@Injectable()
export class AuditRepository {
  constructor(private readonly em: EntityManager) {}

  async add(event: AuditEvent): Promise<void> {
    await this.em.fork().persistAndFlush(event);
  }

  list(orgId: string, opts: { after?: string; limit: number; action?: string }): Promise<AuditEvent[]> {
    return this.em.fork().find(
      AuditEvent,
      { orgId, ...(opts.action ? { action: opts.action } : {}), ...(opts.after ? { id: { $lt: opts.after } } : {}) },
      { orderBy: { id: 'desc' }, limit: opts.limit },
    );
  }
}
