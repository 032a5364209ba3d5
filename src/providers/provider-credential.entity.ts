import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

/**
 * An organisation's own key for one provider id (BYOK). The values are kept sealed (SecretBox,
 * ENCRYPTION_KEY) and never leave the server; a hint of each field is kept beside them. One per
 * (organisation, provider): saving again rotates it.
 */
@Entity({ tableName: 'provider_credentials' })
@Unique({ properties: ['orgId', 'provider'] })
export class ProviderCredentialRecord {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  /** The configured provider id (plugins.providers), not the plugin folder. */
  @Property({ type: 'string', length: 32 })
  provider!: string;

  /** The credentials' fields as JSON, sealed. */
  @Property({ type: 'text' })
  sealedValues!: string;

  /** The last four characters of each field, to tell keys apart without the secrets. */
  @Property({ type: 'json' })
  hint!: Record<string, string>;

  /** The credential that saved it last: principalId(). */
  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  /** When the provider last accepted it; null when the plugin has no health check to ask. */
  @Property({ type: 'datetime', nullable: true })
  verifiedAt: Date | null = null;
}
