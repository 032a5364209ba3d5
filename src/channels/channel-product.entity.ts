import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import type { ChannelImage, ChannelVariant } from '../plugins/channel-catalogue';
import { Organization } from '../tenancy/organization.entity';
import { ChannelConnectionRecord } from './channel-connection.entity';

export const COMPLIANCE_STATES = ['unchecked', 'passing', 'failing', 'error'] as const;
/** `error`: an image could not be read (the store did not serve it); `failing` wins over it. */
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

/** One image's check against the pack slot its position falls in. */
export interface ImageCompliance {
  imageExternalId: string;
  /** The URL checked: a new URL is a new image, checked again. */
  url: string;
  state: Exclude<ComplianceState, 'unchecked'>;
  /** The pack slot it was held against (amazon-main). */
  packSlot: string;
  /** The rules it fails, with what was measured; empty when it passes. */
  failures: { rule: string; message: string }[];
  /** Why it could not be checked, for `error`. */
  error?: string;
  checkedAt: string;
}

/** A product of a connected store as the last sync saw it: one row per store product, updated in place. */
@Entity({ tableName: 'channel_products' })
@Unique({ properties: ['connectionId', 'externalId'] })
@Index({ properties: ['orgId', 'connectionId', 'id'] })
@Index({ properties: ['connectionId', 'complianceState'] })
export class ChannelProductRecord {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  /** Its connection: deleting the connection deletes its catalogue. */
  @ManyToOne(() => ChannelConnectionRecord, { mapToPk: true, fieldName: 'connection_id', deleteRule: 'cascade' })
  connectionId!: string;

  /** The store's own id (a Shopify GID, a WooCommerce number, an Amazon SKU). */
  @Property({ type: 'string', length: 255 })
  externalId!: string;

  @Property({ type: 'text' })
  title!: string;

  /** Its title and its variants' SKUs, lower-cased, for search (LIKE compares case as it is on PostgreSQL). */
  @Property({ type: 'text' })
  searchText!: string;

  @Property({ type: 'json' })
  variants!: ChannelVariant[];

  /** In position order. */
  @Property({ type: 'json' })
  images!: ChannelImage[];

  /** When the store last changed it. */
  @Property({ type: 'datetime' })
  storeUpdatedAt!: Date;

  @Property({ type: 'datetime' })
  syncedAt!: Date;

  /** Its images held against the connection's rule pack: `unchecked` until the scan after a sync has seen every image. */
  @Property({ type: 'string', length: 16 })
  complianceState: ComplianceState = 'unchecked';

  /** One entry per image the scan checked, kept while the image's URL stays the same. */
  @Property({ type: 'json' })
  compliance: ImageCompliance[] = [];
}
