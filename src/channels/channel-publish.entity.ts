import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import type { SlotReport } from '../studio/compliance/evaluate-slot';
import { Organization } from '../tenancy/organization.entity';
import { ChannelConnectionRecord } from './channel-connection.entity';

export const PUBLISH_STATUSES = ['queued', 'sending', 'pending', 'published', 'failed'] as const;
export type PublishStatus = (typeof PUBLISH_STATUSES)[number];

/** What a publish does with an image its connection's rule pack fails: refuse it, fix it first, or not check at all. */
export const PUBLISH_COMPLIANCE_MODES = ['refuse', 'fix', 'skip'] as const;
export type PublishComplianceMode = (typeof PUBLISH_COMPLIANCE_MODES)[number];

/** The source held against the pack slot, and after a fix the fixed image. */
export interface PublishReports {
  before: SlotReport;
  after?: SlotReport;
}

/**
 * One publish of a gallery image to a store's product: the activity log. Written before anything is
 * sent, updated as its job goes, and always given its final state (published or failed).
 */
@Entity({ tableName: 'channel_publishes' })
@Index({ properties: ['orgId', 'id'] })
@Index({ properties: ['jobId'] })
export class ChannelPublishRecord {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @ManyToOne(() => ChannelConnectionRecord, { mapToPk: true, fieldName: 'connection_id', deleteRule: 'cascade' })
  connectionId!: string;

  @Property({ type: 'string', length: 255 })
  productExternalId!: string;

  @Property({ type: 'text' })
  productTitle!: string;

  /** The gallery image published; null when the source is one of the product's store images. */
  @Property({ type: 'string', length: 36, nullable: true })
  imageId: string | null = null;

  /** The product's store image used as the source, instead of a gallery image. */
  @Property({ type: 'string', length: 255, nullable: true })
  sourceImageExternalId: string | null = null;

  @Property({ type: 'string', length: 8 })
  compliance: PublishComplianceMode = 'skip';

  /** The compliance reports, once the source was checked; null when nothing was checked. */
  @Property({ type: 'json', nullable: true })
  report: PublishReports | null = null;

  /** The gallery image a fix made and published: a retried job publishes it rather than fixing again. */
  @Property({ type: 'string', length: 36, nullable: true })
  fixedImageId: string | null = null;

  @Property({ type: 'string', length: 32 })
  slot!: string;

  @Property({ type: 'integer', nullable: true })
  position: number | null = null;

  /** The store's image it replaces, when it replaces one. */
  @Property({ type: 'string', length: 255, nullable: true })
  replaceImageExternalId: string | null = null;

  @Property({ type: 'text', nullable: true })
  alt: string | null = null;

  @Property({ type: 'string', length: 16 })
  status: PublishStatus = 'queued';

  /** The store's id of the image, once published. */
  @Property({ type: 'string', length: 255, nullable: true })
  externalImageId: string | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'json', nullable: true })
  error: { code: string; message: string } | null = null;

  @Property({ type: 'string', length: 36 })
  jobId!: string;

  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
