import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

/** A video a job produced; the bytes are encrypted in storage under storageKey. */
@Entity({ tableName: 'videos' })
@Index({ properties: ['orgId', 'id'] })
@Index({ properties: ['jobId'] })
export class Video {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'string', length: 36 })
  jobId!: string;

  @Property({ type: 'string', length: 200 })
  storageKey!: string;

  @Property({ type: 'string', length: 64 })
  mimeType!: string;

  @Property({ type: 'integer' })
  width!: number;

  @Property({ type: 'integer' })
  height!: number;

  @Property({ type: 'double' })
  durationSeconds!: number;

  @Property({ type: new BigIntType('number') })
  bytes!: number;

  @Property({ type: 'text' })
  prompt!: string;

  @Property({ type: 'string', length: 64 })
  provider!: string;

  @Property({ type: 'string', length: 64 })
  model!: string;

  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  /** Its job's end user, copied so that a publishable key reads only its end user's videos without a join. */
  @Property({ type: 'string', length: 255, nullable: true })
  endUserId: string | null = null;

  /** Made by a test job (a test API key): aura's rendering, free. */
  @Property({ type: 'boolean' })
  test: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
