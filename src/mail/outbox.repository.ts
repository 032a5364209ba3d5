import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { OutboxMail } from './outbox-mail.entity';

@Injectable()
export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  due(limit: number): Promise<OutboxMail[]> {
    return this.em.fork().find(OutboxMail, { status: 'pending', nextAttemptAt: { $lte: new Date() } }, { orderBy: { createdAt: 'asc' }, limit });
  }

  /** Claims a mail for this node; false if another node took it first. */
  async claim(mail: OutboxMail, leaseUntil: Date): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(OutboxMail, { id: mail.id, status: 'pending', attempts: mail.attempts }, { attempts: mail.attempts + 1, nextAttemptAt: leaseUntil });
    return n === 1;
  }

  async markSent(id: string): Promise<void> {
    await this.em.fork().nativeUpdate(OutboxMail, { id }, { status: 'sent', sentAt: new Date(), lastError: null });
  }

  async markFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.em.fork().nativeUpdate(OutboxMail, { id }, retryAt ? { lastError: error, nextAttemptAt: retryAt } : { lastError: error, status: 'failed' });
  }
}
