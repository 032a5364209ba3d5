import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/**
 * Mail is written here in the same transaction as what caused it, then sent by the dispatcher,
 * so a crash between the two never loses a verification or invitation mail.
 */
@Entity({ tableName: 'outbox_mail' })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class OutboxMail {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @Property({ type: 'string', length: 320 })
  to!: string;

  @Property({ type: 'string', length: 300 })
  subject!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'string', length: 16 })
  status: OutboxStatus = 'pending';

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;
}
