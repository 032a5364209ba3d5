import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../../common/ids';
import { Organization } from '../../tenancy/organization.entity';
import type { ApiKeyType } from '../../tenancy/principal';
import type { Scope } from '../../tenancy/scopes';

/** Only a SHA-256 of the secret is stored: keys carry enough entropy that a slow hash adds nothing. */
@Entity({ tableName: 'api_keys' })
@Index({ properties: ['orgId', 'id'] })
export class ApiKey {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 36, nullable: true })
  teamId: string | null = null;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 16 })
  type!: ApiKeyType;

  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  secretHash!: string;

  @Property({ type: 'json' })
  scopes!: Scope[];

  @Property({ type: 'string', length: 36, nullable: true })
  createdByUserId: string | null = null;

  @Property({ type: 'string', length: 36, nullable: true })
  createdByKeyId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  /** Set when this key was rotated: the key that replaced it. */
  @Property({ type: 'string', length: 36, nullable: true })
  replacedById: string | null = null;
}
