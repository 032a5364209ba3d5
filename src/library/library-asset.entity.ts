import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

export const LIBRARY_ASSET_TYPES = ['image', 'video'] as const;
export type LibraryAssetType = (typeof LIBRARY_ASSET_TYPES)[number];

/**
 * A curated asset: the installation's (orgId null, ingested by operators) or an organisation's own
 * (promoted from its gallery). Its file is its own copy in the FileStore under storageKey, so the
 * gallery's retention or deletion never breaks the library. The full-text index over title, tags and
 * prompt lives beside the table (library_assets_fts on SQLite, the search_vector column on
 * PostgreSQL), created by the migration and kept in step by the database.
 */
@Entity({ tableName: 'library_assets' })
@Index({ properties: ['orgId', 'createdAt'] })
export class LibraryAsset {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', nullable: true })
  orgId: string | null = null;

  @Property({ type: 'string', length: 8 })
  type!: LibraryAssetType;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'json' })
  tags: string[] = [];

  @Property({ type: 'text', nullable: true })
  prompt: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  licence: string | null = null;

  @Property({ type: 'string', length: 200 })
  storageKey!: string;

  @Property({ type: 'string', length: 64 })
  mimeType!: string;

  @Property({ type: 'string', length: 8 })
  format!: string;

  /** Null for an MP4 or WebM video, whose dimensions are not read from the file. */
  @Property({ type: 'integer', nullable: true })
  width: number | null = null;

  @Property({ type: 'integer', nullable: true })
  height: number | null = null;

  @Property({ type: 'integer' })
  bytes!: number;

  @Property({ type: 'string', length: 36, nullable: true })
  sourceImageId: string | null = null;

  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
