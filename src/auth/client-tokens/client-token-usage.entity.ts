import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Organization } from '../../tenancy/organization.entity';

/** What one client token has used of its lifetime `limits`, kept in the database so every node counts alike. */
@Entity({ tableName: 'client_token_usage' })
@Index({ properties: ['expiresAt'] })
export class ClientTokenUsage {
  /** SHA-256 of the token. */
  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash!: string;

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'integer' })
  images: number = 0;

  /** The token's exp: after it the row counts for nothing and is purged. */
  @Property({ type: 'datetime' })
  expiresAt!: Date;
}
