import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

export const CONNECTION_STATUSES = ['active', 'disabled', 'needs_attention'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * A store an organisation connected through a channel plugin. Its credentials are kept sealed
 * (SecretBox, ENCRYPTION_KEY) and never leave the server; a hint of each field is kept beside them.
 */
@Entity({ tableName: 'channel_connections' })
@Index({ properties: ['orgId', 'id'] })
export class ChannelConnectionRecord {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  /** The channel plugin's id (plugins/channels/<id>). */
  @Property({ type: 'string', length: 32 })
  channel!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  /** The credentials as JSON, sealed. */
  @Property({ type: 'text' })
  sealedCredentials!: string;

  /** The last four characters of each credential field, to tell connections apart without the secrets. */
  @Property({ type: 'json' })
  credentialHint!: Record<string, string>;

  /** The store as the plugin identified it when the credentials were checked. */
  @Property({ type: 'string', length: 255 })
  accountId!: string;

  @Property({ type: 'string', length: 255 })
  accountName!: string;

  @Property({ type: 'string', length: 16 })
  status: ConnectionStatus = 'active';

  /** Why the last check failed (the store's own message), while the connection needs attention. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  lastCheckedAt: Date = new Date();

  /** When the last complete sync started: the next one asks the store only for products updated since. */
  @Property({ type: 'datetime', nullable: true })
  lastSyncedAt: Date | null = null;

  /**
   * The marketplace rule pack (config/marketplaces) its product images are checked against; null:
   * not checked. Set from the channel's default when the connection is made.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  rulePack: string | null = null;

  /** The secret the store signs its webhooks to this connection with, sealed; shown once when made or rotated. */
  @Property({ type: 'text', nullable: true })
  sealedWebhookSecret: string | null = null;

  /** The credential that created it: principalId(). */
  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
