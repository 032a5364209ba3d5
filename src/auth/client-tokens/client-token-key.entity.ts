import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../../common/ids';
import { Organization } from '../../tenancy/organization.entity';
import type { Scope } from '../../tenancy/scopes';

export type ClientTokenAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** A key an organisation's backend signs client tokens with. HS256 secrets are encrypted at rest. */
@Entity({ tableName: 'client_token_keys' })
export class ClientTokenKey {
  @PrimaryKey({ type: 'string', length: 40 })
  id: string = `ctk_${newId().replace(/-/g, '')}`;

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 8 })
  algorithm!: ClientTokenAlgorithm;

  @Property({ type: 'text', nullable: true, hidden: true })
  encryptedSecret: string | null = null;

  @Property({ type: 'text', nullable: true })
  publicKey: string | null = null;

  /** The most a token signed with this key can grant. */
  @Property({ type: 'json' })
  scopes!: Scope[];

  @Property({ type: 'string', length: 36, nullable: true })
  createdByUserId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
