import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { partialIndex } from '../database/partial-index';
import { Organization } from '../tenancy/organization.entity';

/** The MIME type of each format a gallery image is stored in. */
export const IMAGE_MIME_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' };

/** An image a job produced; the bytes are encrypted in storage under storageKey. */
@Entity({ tableName: 'images' })
@Index({ properties: ['orgId', 'id'] })
@Index({ properties: ['jobId'] })
// The images of one end user (publishable keys); partial, as most images have none.
@Index({ name: 'images_org_id_end_user_id_id_index', expression: partialIndex('images', 'images_org_id_end_user_id_id_index', ['org_id', 'end_user_id', 'id'], 'end_user_id') })
export class Image {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  // No index of its own (MikroORM adds one per foreign key): the composite indexes above begin with it,
  // and each index is one more write on every insert.
  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  @Property({ type: 'string', length: 36 })
  jobId!: string;

  @Property({ type: 'string', length: 200 })
  storageKey!: string;

  @Property({ type: 'string', length: 8 })
  format!: string;

  @Property({ type: 'integer' })
  width!: number;

  @Property({ type: 'integer' })
  height!: number;

  @Property({ type: 'integer' })
  bytes!: number;

  @Property({ type: 'text' })
  prompt!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  style: string | null = null;

  @Property({ type: 'string', length: 64 })
  provider!: string;

  @Property({ type: 'string', length: 64 })
  model!: string;

  @Property({ type: new BigIntType('number') })
  seed!: number;

  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  /** Its job's end user, copied so that a publishable key's gallery needs no join. */
  @Property({ type: 'string', length: 255, nullable: true })
  endUserId: string | null = null;

  /** Made by a test job (a test API key): aura's rendering, free, never published to a store. */
  @Property({ type: 'boolean' })
  test: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
