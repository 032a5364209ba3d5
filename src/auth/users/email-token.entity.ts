import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../../common/ids';
import { User } from '../../tenancy/user.entity';

/** A single-use token mailed to a user; only its hash is kept. */
@Entity({ tableName: 'email_tokens' })
export class EmailToken {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade' })
  userId!: string;

  @Property({ type: 'string', length: 32 })
  purpose!: 'verify_email';

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
